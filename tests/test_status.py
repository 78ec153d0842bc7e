"""An organisation's status is derived from the published events that target it, by name or as one of a group, and
stored: every write that can change it brings it up to date, and `manage.py statuses --check` verifies it."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from civicspace.dates import Interval, PartialDate
from events.models import Citation, Event, EventStatus, EventType, Outcome
from events.services import publish_events, unpublish_events
from events.status import derived_statuses
from organisations.models import Organisation, OrganisationKind, OrganisationStatus
from organisations.services import merge_organisations
from tests.factories import (
    CitationFactory,
    EventFactory,
    EventOrganisationFactory,
    OrganisationFactory,
    PublishedEventFactory,
    on,
)
from tests.test_admin import admin_url, change_form

pytestmark = pytest.mark.django_db


def status_of(organisation):
    return Organisation.objects.get(pk=organisation.pk).status


def party_suspension(**fields):
    """The seed's "activities of political parties have been suspended": every party in Mali, by May 2024."""
    return PublishedEventFactory(
        event_type=EventType.SUSPENSION,
        target_kind=OrganisationKind.POLITICAL_PARTY,
        country="ML",
        date=Interval(None, PartialDate(2024, 5)),
        **fields,
    )


def test_a_measure_against_a_group_sets_the_status_of_every_member_and_of_no_one_else():
    party = OrganisationFactory(kind=OrganisationKind.POLITICAL_PARTY, country="ML")
    foreign_party = OrganisationFactory(kind=OrganisationKind.POLITICAL_PARTY, country="NE")
    association = OrganisationFactory(kind=OrganisationKind.ASSOCIATION, country="ML")

    suspension = party_suspension()

    assert status_of(party) == OrganisationStatus.SUSPENDED
    assert Organisation.objects.get(pk=party.pk).status_event() == suspension
    assert status_of(foreign_party) == status_of(association) == OrganisationStatus.ACTIVE


def test_a_party_created_after_the_measure_and_one_that_becomes_a_party_are_reached_too():
    party_suspension()
    new_party = OrganisationFactory(kind=OrganisationKind.POLITICAL_PARTY, country="ML")
    association = OrganisationFactory(kind=OrganisationKind.ASSOCIATION, country="ML")

    association.kind = OrganisationKind.POLITICAL_PARTY
    association.save()

    assert status_of(new_party) == status_of(association) == OrganisationStatus.SUSPENDED


def test_a_later_suspension_does_not_revive_a_dissolved_organisation():
    kaoural = OrganisationFactory(kind=OrganisationKind.POLITICAL_PARTY, country="ML")
    dissolution = PublishedEventFactory(event_type=EventType.DISSOLUTION, date=on(2024, 2, 28))
    EventOrganisationFactory(event=dissolution, organisation=kaoural)

    party_suspension()

    stored = Organisation.objects.get(pk=kaoural.pk)
    assert (stored.status, stored.status_event()) == (OrganisationStatus.DISSOLVED, dissolution)


def test_a_failed_attempt_against_a_party_leaves_the_group_suspension_standing():
    sadi = OrganisationFactory(kind=OrganisationKind.POLITICAL_PARTY, country="ML")
    attempt = PublishedEventFactory(
        event_type=EventType.DISSOLUTION, outcome=Outcome.ATTEMPTED, date=Interval(None, PartialDate(2024, 5))
    )
    EventOrganisationFactory(event=attempt, organisation=sadi)
    party_suspension()

    assert status_of(sadi) == OrganisationStatus.SUSPENDED


def test_publishing_unpublishing_and_editing_in_the_admin_keep_the_status_in_step(reviewer, reviewer_client):
    organisation = OrganisationFactory()
    citation = CitationFactory()
    EventOrganisationFactory(event=citation.event, organisation=organisation)
    assert status_of(organisation) == OrganisationStatus.ACTIVE

    publish_events(Event.objects.all(), reviewer)
    assert status_of(organisation) == OrganisationStatus.DISSOLVED

    citation = Citation.objects.select_related("event").get()
    link = citation.event.organisation_links.get()
    response = reviewer_client.post(
        admin_url("events.event", "change", citation.event.pk),
        change_form(
            citation,
            event_type="suspension",
            summary=citation.event.summary,
            **{
                "organisation_links-TOTAL_FORMS": "1",
                "organisation_links-INITIAL_FORMS": "1",
                "organisation_links-0-id": link.pk,
                "organisation_links-0-event": citation.event.pk,
                "organisation_links-0-organisation": organisation.pk,
                "organisation_links-0-role": "target",
            },
        ),
    )
    assert response.status_code == 302
    assert status_of(organisation) == OrganisationStatus.SUSPENDED

    unpublish_events(Event.objects.all(), reviewer)
    assert status_of(organisation) == OrganisationStatus.ACTIVE


def test_changing_a_group_measure_to_another_kind_releases_the_former_members():
    party = OrganisationFactory(kind=OrganisationKind.POLITICAL_PARTY, country="ML")
    union = OrganisationFactory(kind=OrganisationKind.TRADE_UNION, country="ML")
    suspension = party_suspension()

    suspension.target_kind = OrganisationKind.TRADE_UNION
    suspension.save()

    assert status_of(party) == OrganisationStatus.ACTIVE
    assert status_of(union) == OrganisationStatus.SUSPENDED


def test_removing_the_target_link_and_merging_records_bring_the_status_up_to_date():
    kept, merged = OrganisationFactory(name="Kept"), OrganisationFactory(name="Merged")
    link = EventOrganisationFactory(event=PublishedEventFactory(), organisation=merged)
    assert status_of(merged) == OrganisationStatus.DISSOLVED

    merge_organisations(kept, merged)
    assert status_of(kept) == OrganisationStatus.DISSOLVED

    Event.objects.get(pk=link.event_id).organisation_links.get().delete()
    assert status_of(kept) == OrganisationStatus.ACTIVE


def test_a_suspension_that_ends_is_noticed_when_the_lists_are_read(client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2024, 6, 30))
    party = OrganisationFactory(kind=OrganisationKind.POLITICAL_PARTY, country="ML")
    party_suspension(end_date=datetime.date(2024, 6, 30))
    assert status_of(party) == OrganisationStatus.SUSPENDED

    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2024, 7, 1))
    client.get("/organisations/")

    assert status_of(party) == OrganisationStatus.ACTIVE


def test_the_check_command_finds_a_stored_status_out_of_step_and_the_refresh_fixes_it():
    organisation = OrganisationFactory()
    EventOrganisationFactory(event=PublishedEventFactory(), organisation=organisation)
    call_command("statuses", "--check", verbosity=0)
    # A write that bypasses the model (a raw update) leaves the cache wrong: the check must say so.
    Organisation.objects.filter(pk=organisation.pk).update(status=OrganisationStatus.ACTIVE)

    with pytest.raises(CommandError, match="differ"):
        call_command("statuses", "--check", verbosity=0)
    call_command("statuses", verbosity=0)
    call_command("statuses", "--check", verbosity=0)
    assert status_of(organisation) == OrganisationStatus.DISSOLVED


def test_drafts_never_decide_a_status_even_against_a_group():
    party = OrganisationFactory(kind=OrganisationKind.POLITICAL_PARTY, country="ML")
    EventFactory(event_type=EventType.SUSPENSION, target_kind=OrganisationKind.POLITICAL_PARTY, country="ML")

    assert status_of(party) == OrganisationStatus.ACTIVE
    assert Event.objects.get().status == EventStatus.DRAFT


def test_the_organisation_page_says_the_measure_was_general(client):
    party = OrganisationFactory(kind=OrganisationKind.POLITICAL_PARTY, country="ML", listed=True)
    suspension = party_suspension(title="Activities of political parties suspended")

    page = client.get(party.get_absolute_url()).content.decode()

    assert "status-suspended" in page
    assert f'href="{suspension.get_absolute_url()}"' in page
    assert "a measure against every organisation of its kind, political party, in Mali" in page
    event_page = client.get(suspension.get_absolute_url()).content.decode()
    assert "Every organisation of its kind, political party, in Mali" in event_page


@pytest.mark.parametrize("many", [1000, 0])
def test_deriving_statuses_of_some_organisations_reads_only_their_targeted_measures(monkeypatch, many):
    # Past MANY_ORGANISATIONS the links are read whole and sorted out in Python: both ways must agree.
    monkeypatch.setattr("events.status.MANY_ORGANISATIONS", many)
    dissolved, suspended, untouched = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    EventOrganisationFactory(event=PublishedEventFactory(event_type=EventType.DISSOLUTION), organisation=dissolved)
    EventOrganisationFactory(event=PublishedEventFactory(event_type=EventType.SUSPENSION), organisation=suspended)
    EventOrganisationFactory(event=EventFactory(event_type=EventType.DISSOLUTION), organisation=untouched)  # a draft

    derived = derived_statuses(Organisation.objects.filter(pk__in=[dissolved.pk, untouched.pk]))

    assert set(derived) == {dissolved.pk, untouched.pk}
    assert derived[dissolved.pk][0] == OrganisationStatus.DISSOLVED
    assert derived[untouched.pk][0] == OrganisationStatus.ACTIVE
