"""The same review rule for every kind of record: contributors change what the public has not seen; once the public
sees an organisation, person or source, only reviewers change it, by any route."""

import pytest
from django.urls import reverse

from organisations.models import Organisation, Person, Protection
from tests.factories import (
    AffiliationFactory,
    CitationFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
    PublishedEventFactory,
)
from tests.test_admin import admin_url, change_form
from tests.test_duplicates import person_form
from tests.test_history import organisation_form

pytestmark = pytest.mark.django_db


def public_organisation(**values):
    organisation = OrganisationFactory(**values)
    EventOrganisationFactory(event=PublishedEventFactory(), organisation=organisation)
    return organisation


def public_person(**values):
    person = PersonFactory(**values)
    EventPersonFactory(event=PublishedEventFactory(), person=person)
    return person


def stored_person_form(person, **overrides):
    stored = {
        "name": person.name,
        "description": person.description,
        "slug": person.slug,
        "loaded_version": person.version,
        "protection": person.protection,
        "pseudonym": person.pseudonym,
        "pseudonym_slug": person.pseudonym_slug,
    }
    return person_form(**(stored | overrides))


@pytest.mark.parametrize(
    ("editor", "make_organisation"),
    [("contributor_client", OrganisationFactory), ("reviewer_client", public_organisation)],
)
def test_contributors_edit_what_the_public_has_not_seen_and_reviewers_what_it_has(request, editor, make_organisation):
    organisation = make_organisation(description="first")

    response = request.getfixturevalue(editor).post(
        admin_url("organisations.organisation", "change", organisation.pk),
        organisation_form(organisation, description="second"),
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == "second"


@pytest.mark.parametrize("model", ["organisations.organisation", "organisations.person", "events.source"])
def test_a_contributor_sees_a_public_record_read_only_and_cannot_post_changes(contributor_client, model):
    record = {
        "organisations.organisation": public_organisation,
        "organisations.person": public_person,
        "events.source": lambda: CitationFactory(event=PublishedEventFactory()).source,
    }[model]()
    version = record.version

    page = contributor_client.get(admin_url(model, "change", record.pk))
    response = contributor_client.post(admin_url(model, "change", record.pk), {"loaded_version": version})

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.version == version


def test_a_contributor_cannot_change_a_public_persons_affiliations_from_either_side(contributor_client):
    person = public_person()
    affiliation = AffiliationFactory(person=person, role="Member")
    page = contributor_client.get(admin_url("organisations.person", "change", person.pk))
    assert 'name="affiliations-0-role"' not in page.content.decode()
    # From the organisation's side, once it is public as well.
    EventOrganisationFactory(event=PublishedEventFactory(), organisation=affiliation.organisation)
    response = contributor_client.post(
        admin_url("organisations.organisation", "change", affiliation.organisation.pk),
        organisation_form(
            affiliation.organisation,
            **{
                "affiliations-TOTAL_FORMS": "1",
                "affiliations-INITIAL_FORMS": "1",
                "affiliations-0-id": affiliation.pk,
                "affiliations-0-person": person.pk,
                "affiliations-0-organisation": affiliation.organisation.pk,
                "affiliations-0-role": "President",
            },
        ),
    )
    assert response.status_code == 403
    affiliation.refresh_from_db()
    assert affiliation.role == "Member"


def test_a_contributor_cannot_restore_an_earlier_version_of_a_public_organisation(contributor_client):
    organisation = public_organisation(description="first")
    first = organisation.history.earliest()
    organisation.description = "second"
    organisation.save()

    response = contributor_client.post(
        admin_url("organisations.organisation", "simple_history", organisation.pk, first.history_id),
        organisation_form(organisation, description="first"),
    )

    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.description == "second"


def test_a_contributor_can_neither_import_nor_merge(contributor_client):
    assert contributor_client.get(reverse("admin:events_import")).status_code == 403
    keep, other = public_organisation(name="Keep"), OrganisationFactory(name="Other")

    response = contributor_client.post(
        admin_url("organisations.organisation", "changelist"),
        {"action": "merge", "_selected_action": [keep.pk, other.pk], "keep": keep.pk},
    )

    assert response.status_code in (200, 302)
    assert set(Organisation.objects.values_list("name", flat=True)) == {"Keep", "Other"}


def test_only_reviewers_set_protection_and_a_contributors_new_person_starts_at_the_default(
    contributor_client, reviewer_client, settings
):
    settings.TRACKER_DEFAULT_PROTECTION = "pseudonymised"
    page = contributor_client.get(admin_url("organisations.person", "add")).content.decode()
    assert 'name="protection"' not in page and 'name="listed"' not in page

    response = contributor_client.post(
        admin_url("organisations.person", "add"),
        person_form(name="Detained activist", slug="detained-activist", protection="public", listed="on"),
    )

    assert response.status_code == 302
    person = Person.objects.get(name="Detained activist")
    assert (person.protection, person.listed) == (Protection.PSEUDONYMISED, False)
    assert 'name="protection"' in reviewer_client.get(admin_url("organisations.person", "add")).content.decode()


def test_a_pseudonyms_address_is_no_one_elses(reviewer_client):
    PersonFactory(slug="student-activist-a")
    person = PersonFactory(name="Aminata", slug="aminata", protection=Protection.PSEUDONYMISED)

    taken = reviewer_client.post(
        admin_url("organisations.person", "change", person.pk),
        stored_person_form(person, pseudonym="Student activist A", pseudonym_slug="student-activist-a"),
    )
    saved = reviewer_client.post(
        admin_url("organisations.person", "change", person.pk),
        stored_person_form(person, pseudonym="Student activist B", pseudonym_slug="student-activist-b"),
    )

    assert "public address is already student-activist-a" in taken.content.decode()
    assert saved.status_code == 302
    person.refresh_from_db()
    assert (person.pseudonym, person.public_slug) == ("Student activist B", "student-activist-b")


def test_the_admin_warns_when_an_events_text_names_a_protected_person(reviewer_client):
    event = PublishedEventFactory(summary="Police arrested Aminata Traoré at her home.")
    EventPersonFactory(event=event, person=PersonFactory(name="Aminata Traore", protection=Protection.WITHHELD))
    EventPersonFactory(event=event, person=PersonFactory(name="Named Minister", protection=Protection.PUBLIC))

    response = reviewer_client.post(
        admin_url("events.event", "change", event.pk),
        change_form(event.citations.get(), summary=event.summary, status="published"),
        follow=True,
    )

    warnings = [str(message) for message in response.context["messages"]]
    assert any("summary names Aminata Traore" in message for message in warnings), warnings
    assert not any("Named Minister" in message for message in warnings)


def test_a_source_only_a_draft_cites_stays_the_contributors_to_edit(contributor_client):
    source = CitationFactory().source
    page = contributor_client.get(admin_url("events.source", "change", source.pk))
    assert 'name="_save"' in page.content.decode()
