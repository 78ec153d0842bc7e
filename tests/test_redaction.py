"""An administrator removes a value typed by mistake from every historical version of a record; the history keeps
who redacted which field when, and why, never the value."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from civicspace.models import Redaction
from civicspace.redaction import REDACTED
from organisations.models import Person
from tests.conftest import logged_in
from tests.factories import AdministratorFactory, CitationFactory, PersonFactory, UserFactory
from tests.test_admin import admin_url

pytestmark = pytest.mark.django_db

ADD = reverse("admin:civicspace_redaction_add")


@pytest.fixture
def administrator_client():
    return logged_in(AdministratorFactory())


def person_renamed_after_a_mistake(description="Cousin of Fatoumata Real Name"):
    """A person first saved under a name that must go, then corrected by an ordinary edit."""
    person = PersonFactory(name="Fatoumata Real Name", description=description)
    person.name, person.description = "F. K.", "A relative"
    person.save()
    return person


def redaction_form(person, **overrides):
    return {
        "target": "organisations.person.name",
        "object_id": person.pk,
        "value": "Fatoumata Real Name",
        "reason": "Entered by mistake: she is a witness.",
    } | overrides


def test_an_administrator_redacts_a_name_from_every_historical_version(administrator_client):
    person = person_renamed_after_a_mistake()

    response = administrator_client.post(ADD, redaction_form(person))

    assert response.status_code == 302
    names = list(Person.history.filter(id=person.pk).values_list("name", flat=True))
    assert "Fatoumata Real Name" not in names and REDACTED in names
    # Only the field named: the description still holds it until that field is redacted as well.
    descriptions = Person.history.filter(id=person.pk).values_list("description", flat=True)
    assert any("Fatoumata Real Name" in text for text in descriptions)
    administrator_client.post(ADD, redaction_form(person, target="organisations.person.description"))
    descriptions = Person.history.filter(id=person.pk).values_list("description", flat=True)
    assert not any("Fatoumata Real Name" in text for text in descriptions)


def test_the_history_says_who_redacted_which_field_when_and_why_but_not_the_value(administrator_client):
    person = person_renamed_after_a_mistake(description="A cousin")
    administrator_client.post(ADD, redaction_form(person))

    entry = Redaction.objects.get()
    assert (entry.field, entry.object_id, entry.versions_changed) == ("name", str(person.pk), 1)
    assert entry.reason == "Entered by mistake: she is a witness."
    superuser = logged_in(UserFactory(is_staff=True, is_superuser=True))
    page = superuser.get(admin_url("organisations.person", "history", person.pk)).content.decode()
    assert "Entered by mistake: she is a witness." in page
    assert "Fatoumata Real Name" not in page
    log_page = superuser.get(admin_url("civicspace.redaction", "change", entry.pk)).content.decode()
    assert "Fatoumata Real Name" not in log_page


def test_the_admins_log_of_recent_actions_loses_the_value_too(administrator_client, reviewer_client):
    person = PersonFactory(name="Fatoumata Real Name")
    reviewer_client.post(
        admin_url("organisations.person", "change", person.pk),
        {
            "name": "F. K.",
            "slug": person.slug,
            "country": "ML",
            "protection": "withheld",
            "loaded_version": person.version,
            "affiliations-TOTAL_FORMS": "0",
            "affiliations-INITIAL_FORMS": "0",
        },
    )
    assert LogEntry.objects.filter(object_repr="F. K.").exists()
    LogEntry.objects.update(object_repr="Fatoumata Real Name")  # as logged by an edit made before the fix

    administrator_client.post(ADD, redaction_form(person))

    assert not LogEntry.objects.filter(object_repr__contains="Fatoumata").exists()


def test_a_value_the_record_still_holds_or_no_version_holds_is_refused(administrator_client):
    person = PersonFactory(name="Still Here")
    still = administrator_client.post(ADD, redaction_form(person, value="Still Here"))
    absent = administrator_client.post(ADD, redaction_form(person_renamed_after_a_mistake(), value="Never typed"))

    assert "correct it with an ordinary edit first" in still.content.decode()
    assert "No earlier version of this record holds this text" in absent.content.decode()
    assert not Redaction.objects.exists()


def test_redaction_reaches_any_recorded_kind_of_record(administrator_client):
    citation = CitationFactory(quote="named the witness Fatoumata")
    citation.quote = "named a witness"
    citation.save()

    administrator_client.post(
        ADD, {"target": "events.citation.quote", "object_id": citation.pk, "value": "Fatoumata", "reason": "witness"}
    )

    assert not citation.history.filter(quote__contains="Fatoumata").exists()


def test_reviewers_and_contributors_cannot_redact(reviewer_client, contributor_client):
    person = person_renamed_after_a_mistake()
    for client in (reviewer_client, contributor_client):
        assert client.post(ADD, redaction_form(person)).status_code == 403
    assert Person.history.filter(name="Fatoumata Real Name").exists()


def test_nobody_edits_or_deletes_the_log(administrator_client):
    person = person_renamed_after_a_mistake()
    administrator_client.post(ADD, redaction_form(person))
    entry = Redaction.objects.get()

    administrator_client.post(admin_url("civicspace.redaction", "delete", entry.pk), {"post": "yes"})

    assert Redaction.objects.filter(pk=entry.pk).exists()
