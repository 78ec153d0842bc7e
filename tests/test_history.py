"""Every change to an event, organisation, person, source or citation is kept: who, when, what; and can be restored."""

import pytest
from django.contrib.auth.models import Permission

from events.models import Event, EventStatus
from events.services import publish_events
from organisations.models import Organisation
from tests.conftest import logged_in
from tests.factories import (
    CitationFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    ReviewerFactory,
    SourceFactory,
    UserFactory,
)
from tests.test_admin import admin_url, event_form

pytestmark = pytest.mark.django_db


def organisation_form(organisation, **overrides):
    data = {
        "name": organisation.name,
        "acronym": organisation.acronym,
        "other_names": organisation.other_names,
        "kind": organisation.kind,
        "country": organisation.country.code,
        "founded_year": "",
        "founded_certainty": "stated",
        "description": organisation.description,
        "slug": organisation.slug,
        "loaded_version": organisation.version,
        "affiliations-TOTAL_FORMS": "0",
        "affiliations-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("factory", [EventFactory, OrganisationFactory, PersonFactory, SourceFactory, CitationFactory])
def test_creating_changing_and_deleting_each_kind_of_record_is_kept_in_its_history(factory):
    record = factory()
    history = type(record).history

    record.save()
    pk = record.pk
    record.delete()

    assert [entry.history_type for entry in history.filter(id=pk).order_by("history_date")] == ["+", "~", "-"]


def test_an_edit_in_the_admin_records_who_made_it_and_what_changed(reviewer_client, reviewer):
    organisation = OrganisationFactory(name="Kaoural Renouveau", description="A party.")

    reviewer_client.post(
        admin_url("organisations.organisation", "change", organisation.pk),
        organisation_form(organisation, description="A political organisation."),
    )

    latest = organisation.history.latest()
    assert latest.history_user == reviewer
    delta = latest.diff_against(latest.prev_record)
    assert [(change.field, change.old, change.new) for change in delta.changes] == [
        ("description", "A party.", "A political organisation.")
    ]


def test_a_reviewer_who_is_not_a_superuser_sees_the_history_and_its_diffs(reviewer_client):
    organisation = OrganisationFactory(description="A party.")
    organisation.description = "A political organisation."
    organisation.save()

    response = reviewer_client.get(admin_url("organisations.organisation", "history", organisation.pk))

    text = response.content.decode()
    assert response.status_code == 200
    assert "A party." in text and "A political organisation." in text


def test_a_contributor_sees_the_history_of_an_event(contributor_client):
    event = EventFactory(title="First title")
    event.title = "Second title"
    event.save()

    response = contributor_client.get(admin_url("events.event", "history", event.pk))

    assert response.status_code == 200
    assert "First title" in response.content.decode()


def test_restoring_an_earlier_version_brings_its_values_back_as_a_new_step(reviewer_client):
    event = EventFactory(title="First title")
    first = event.history.get()
    event.title = "Second title"
    event.save()

    response = reviewer_client.post(
        admin_url("events.event", "simple_history", event.pk, first.history_id),
        event_form(title="First title", loaded_version=event.version),
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "First title"
    assert event.history.count() == 3


def test_publishing_through_the_action_is_a_step_in_the_history_with_its_reviewer(reviewer):
    event = CitationFactory().event

    publish_events(Event.objects.filter(pk=event.pk), reviewer)

    latest = event.history.latest()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        EventStatus.PUBLISHED,
        reviewer,
        "Published",
    )


def test_changes_to_who_an_event_concerns_are_kept_too(reviewer_client):
    event = EventFactory()
    organisation = OrganisationFactory()

    reviewer_client.post(
        admin_url("events.event", "change", event.pk),
        event_form(
            **{
                "title": event.title,
                "loaded_version": event.version,
                "organisation_links-TOTAL_FORMS": "1",
                "organisation_links-0-organisation": organisation.pk,
                "organisation_links-0-role": "target",
                "organisation_links-0-note": "",
            }
        ),
    )

    assert organisation.event_links.get().history.count() == 1
    assert Organisation.history.filter(id=organisation.pk).count() == 1


def test_the_event_history_page_also_shows_changes_to_its_citations(reviewer_client):
    citation = CitationFactory(quote="first quote")
    citation.quote = "corrected quote"
    citation.save()

    response = reviewer_client.get(admin_url("events.event", "history", citation.event.pk))

    text = response.content.decode()
    assert "Citations, organisations and people concerned" in text
    assert "first quote" in text and "corrected quote" in text


def restore(client, organisation, version):
    """POST the restore form of ``version``, as the admin shows it, unchanged."""
    return client.post(
        admin_url("organisations.organisation", "simple_history", organisation.pk, version.history_id),
        organisation_form(organisation, description=version.description),
    )


def test_a_user_who_may_only_view_cannot_restore_a_version(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    client.force_login(viewer)
    organisation = OrganisationFactory(description="first")
    first = organisation.history.get()
    organisation.description = "second"
    organisation.save()

    response = restore(client, organisation, first)

    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.description == "second"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restoring_runs_in_its_own_transaction_as_in_production():
    # Outside the test's wrapping transaction, as a real request is: the stale-form check locks the row.
    reviewer_client = logged_in(ReviewerFactory())
    organisation = OrganisationFactory(description="first")
    first = organisation.history.get()
    organisation.description = "second"
    organisation.save()

    response = restore(reviewer_client, organisation, first)

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == "first"
