"""Each organisation, person and source stores its number of published events, for the lists to show and sort by
from an index: every write that can change a count brings it up to date, and `manage.py event_counts --check`
verifies it."""

import pytest
from django.core.management import CommandError, call_command

from civicspace.models import EVENT_TYPE_BITS, event_types_in
from events.counts import refresh_all_event_counts
from events.models import Event, EventStatus, Source
from events.services import publish_events, unpublish_events
from organisations.models import Organisation, Person
from organisations.services import merge_organisations, merge_people
from tests.factories import (
    CitationFactory,
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
    PublishedEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def stored(record):
    return type(record).objects.get(pk=record.pk).public_event_count


def linked_event(event):
    """The event with an organisation, a person and a source."""
    return (
        EventOrganisationFactory(event=event).organisation,
        EventPersonFactory(event=event).person,
        CitationFactory(event=event).source,
    )


def test_a_draft_counts_for_nothing_until_it_is_published_and_stops_counting_when_unpublished():
    draft = EventFactory()
    records = linked_event(draft)
    assert [stored(record) for record in records] == [0, 0, 0]

    publish_events(Event.objects.filter(pk=draft.pk), UserFactory())
    assert [stored(record) for record in records] == [1, 1, 1]

    unpublish_events(Event.objects.filter(pk=draft.pk), UserFactory())
    assert [stored(record) for record in records] == [0, 0, 0]


def test_links_added_to_and_removed_from_a_published_event_change_the_counts():
    event = PublishedEventFactory()
    organisation, person, source = linked_event(event)
    second = PublishedEventFactory()
    EventOrganisationFactory(event=second, organisation=organisation)
    assert stored(organisation) == 2

    second.organisation_links.get().delete()
    assert stored(organisation) == 1
    event.person_links.get().delete()
    assert stored(person) == 0
    assert stored(source) == 1


def test_a_link_pointed_at_another_record_moves_the_count_with_it():
    event = PublishedEventFactory()
    before, _person, _source = linked_event(event)
    after = OrganisationFactory()

    link = event.organisation_links.get()
    link.organisation = after
    link.save()

    assert (stored(before), stored(after)) == (0, 1)


def test_two_links_to_one_event_count_it_once():
    event = PublishedEventFactory()
    organisation = OrganisationFactory()
    EventOrganisationFactory(event=event, organisation=organisation, role="target")
    EventOrganisationFactory(event=event, organisation=organisation, role="perpetrator")

    assert stored(organisation) == 1


def test_deleting_a_published_event_takes_it_off_every_count():
    event = PublishedEventFactory()
    records = linked_event(event)

    event.delete()

    assert [stored(record) for record in records] == [0, 0, 0]


def test_merging_adds_the_other_records_events_to_the_one_kept():
    keep_org, keep_person, _source = linked_event(PublishedEventFactory())
    other_org, other_person, _source = linked_event(PublishedEventFactory())

    merge_organisations(keep_org, other_org)
    merge_people(keep_person, other_person)

    assert (stored(keep_org), stored(keep_person)) == (2, 2)


def test_the_check_command_finds_a_count_out_of_step_and_the_command_mends_it():
    organisation, _person, source = linked_event(PublishedEventFactory())
    call_command("event_counts", "--check")
    Organisation.objects.filter(pk=organisation.pk).update(public_event_count=7)
    Source.objects.filter(pk=source.pk).update(public_event_count=0)

    with pytest.raises(CommandError) as raised:
        call_command("event_counts", "--check")
    assert f"organisation {organisation.pk}: public_event_count stored 7, counted 1" in str(raised.value)
    assert f"source {source.pk}: public_event_count stored 0, counted 1" in str(raised.value)

    call_command("event_counts")
    assert (stored(organisation), stored(source)) == (1, 1)
    call_command("event_counts", "--check")


def test_records_written_in_bulk_are_counted_by_the_full_refresh():
    event = PublishedEventFactory()
    person = Person.objects.bulk_create([PersonFactory.build(slug="bulk")])[0]
    event.person_links.model.objects.bulk_create([event.person_links.model(event=event, person=person)])
    assert stored(person) == 0  # a bulk write passes by the receivers

    assert refresh_all_event_counts() == 1
    assert stored(person) == 1


def test_the_lists_sort_by_the_stored_count(client):
    busy, quiet = OrganisationFactory(name="Busy"), OrganisationFactory(name="Quiet")
    for _ in range(3):
        EventOrganisationFactory(event=PublishedEventFactory(), organisation=busy)
    EventOrganisationFactory(event=PublishedEventFactory(), organisation=quiet)
    EventOrganisationFactory(event=EventFactory(status=EventStatus.DRAFT), organisation=quiet)

    most = client.get("/organisations/?sort=-events").content.decode()
    fewest = client.get("/organisations/?sort=events").content.decode()

    assert most.index("Busy") < most.index("Quiet")
    assert fewest.index("Quiet") < fewest.index("Busy")


def types_of(person):
    return event_types_in(Person.objects.get(pk=person.pk).public_event_types)


def test_a_person_stores_the_types_of_their_published_events_whatever_changes_them():
    person = PersonFactory()
    arrest = EventFactory(event_type="arrest")
    EventPersonFactory(event=arrest, person=person)
    CitationFactory(event=arrest)  # which publishing needs
    assert types_of(person) == []  # a draft

    publish_events(Event.objects.filter(pk=arrest.pk), UserFactory())
    assert types_of(person) == ["arrest"]
    EventPersonFactory(event=PublishedEventFactory(event_type="exile"), person=person)
    assert types_of(person) == ["arrest", "exile"]

    arrest.refresh_from_db()
    arrest.event_type = "sentence"  # published, under another type
    arrest.save()
    assert types_of(person) == ["sentence", "exile"]

    unpublish_events(Event.objects.filter(pk=arrest.pk), UserFactory())
    assert types_of(person) == ["exile"]
    Event.objects.get(event_type="exile").person_links.get().delete()
    assert types_of(person) == []


def test_a_person_saved_as_read_before_a_new_link_keeps_the_types_the_link_added():
    person = EventPersonFactory(event=PublishedEventFactory(event_type="arrest")).person
    read_before = Person.objects.get(pk=person.pk)  # an editor's form, opened now
    EventPersonFactory(event=PublishedEventFactory(event_type="exile"), person=person)

    read_before.description = "Changed by the editor."
    read_before.save()

    assert types_of(person) == ["arrest", "exile"]


def test_merging_people_joins_the_types_of_their_events():
    keep, other = PersonFactory(), PersonFactory()
    EventPersonFactory(event=PublishedEventFactory(event_type="arrest"), person=keep)
    EventPersonFactory(event=PublishedEventFactory(event_type="exile"), person=other)

    merge_people(keep, other)

    assert types_of(keep) == ["arrest", "exile"]


def test_the_check_command_finds_a_persons_types_out_of_step_and_the_command_mends_them():
    person = EventPersonFactory(event=PublishedEventFactory(event_type="arrest")).person
    Person.objects.filter(pk=person.pk).update(public_event_types=EVENT_TYPE_BITS["exile"])

    with pytest.raises(CommandError) as raised:
        call_command("event_counts", "--check")
    expected = f"person {person.pk}: public_event_types stored {EVENT_TYPE_BITS['exile']}, "
    assert expected + f"counted {EVENT_TYPE_BITS['arrest']}" in str(raised.value)
    assert "public_event_count" not in str(raised.value)  # the count itself is right

    call_command("event_counts")
    assert types_of(person) == ["arrest"]
