"""The tally of published events by type, country, outcome and months (events/tally.py): kept in step with every
change an editor makes, and read by the events lists only where it says what counting the events says."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicspace.dates import Interval, PartialDate
from events.models import EventStatus, EventTally, EventType, Outcome
from events.services import publish_events, unpublish_events, withdraw_events
from events.tally import tally_out_of_step

from .factories import CitationFactory, EventFactory, PublishedEventFactory, UserFactory, on
from .tallies import untallied

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    """Published events at every precision, with open bounds and end dates, in two countries; and drafts."""
    events = [
        PublishedEventFactory(event_type=EventType.ARREST, date=on(2024, 2, 29)),
        PublishedEventFactory(event_type=EventType.ARREST, date=on(2024, 3), country="BF"),
        PublishedEventFactory(event_type=EventType.DISSOLUTION, date=on(2023)),
        PublishedEventFactory(date=Interval(None, PartialDate(2024, 5))),  # "by May 2024"
        PublishedEventFactory(date=Interval(PartialDate(2023, 11, 20), None)),  # "from 20 November 2023"
        PublishedEventFactory(
            event_type=EventType.SUSPENSION, date=on(2023, 6, 1), end_date="2024-04-10", outcome=Outcome.REVERSED
        ),
        PublishedEventFactory(event_type=EventType.EXILE, date=Interval(PartialDate(2022, 12), PartialDate(2024, 1))),
    ]
    EventFactory(event_type=EventType.EXILE, date=on(2024, 3, 1), title="A draft exile")
    EventFactory(event_type=EventType.ARREST, date=on(2021), country="NE")
    return events


def test_the_tally_holds_what_counting_the_published_events_gives(record):
    assert EventTally.objects.exists()
    assert tally_out_of_step() == []
    assert sum(EventTally.objects.values_list("events", flat=True)) == len(record)


def test_the_tally_follows_every_change_an_editor_makes(record):
    editor = UserFactory()
    draft = EventFactory(event_type=EventType.CENSORSHIP, date=on(2020, 7))
    CitationFactory(event=draft)
    moved = record[0]

    changes = [
        lambda: publish_events(type(draft).objects.filter(pk=draft.pk), editor),
        lambda: setattr(moved, "event_type", EventType.SENTENCE) or moved.save(),
        lambda: setattr(moved, "date", on(2019, 1, 2)) or moved.save(),
        lambda: setattr(moved, "country", "NE") or moved.save(),
        lambda: setattr(moved, "end_date", "2025-01-01") or moved.save(),
        lambda: unpublish_events(type(draft).objects.filter(pk=draft.pk), editor),
        lambda: withdraw_events(type(moved).objects.filter(pk=moved.pk), editor, reason="Wrong"),
        lambda: EventFactory(title="Deleted draft").delete(),
        lambda: status_saved_alone(draft, EventStatus.PUBLISHED),
    ]
    for change in changes:
        change()
        assert tally_out_of_step() == [], change


def status_saved_alone(event, status):
    """A program's save of the status alone, on an event read without its other fields."""
    partial = type(event).objects.only("status").get(pk=event.pk)
    partial.status = status
    partial.save(update_fields=["status"])


def test_the_check_command_finds_a_tally_out_of_step_and_the_refresh_mends_it(record):
    call_command("event_counts", "--check")
    EventTally.objects.filter(event_type=EventType.ARREST).update(events=7)

    with pytest.raises(CommandError, match="tally arrest"):
        call_command("event_counts", "--check")
    call_command("event_counts")
    call_command("event_counts", "--check")


# Filters the tally answers (types, countries, outcomes, whole months, in any precision that falls on them) and
# some it must leave to the events (a range from the middle of a month, a word), which it still narrows.
QUERIES = [
    "",
    "type=arrest",
    "type=arrest&type=exile&country=ML",
    "country=BF",
    "outcome=reversed",
    "from=2024-03",
    "to=2024-02",
    "from=2023-12&to=2024-03",
    "from=2024",
    "to=2023",
    "from=2024-03-01&to=2024-02-29",
    "from=2024-04-05",
    "to=2024-03-06",
    "type=dissolution&from=2023-01&to=2023-12",
    "outcome=pending",
    "type=exile&from=2023-01",
    "q=dissolved",
    "q=dissolved&type=arrest&from=2023-12&to=2024-03",
    "q=dissolved&from=2024-04-05",
    "q=dissolved&country=BF&to=2024-03-06",
]


def facets_chart_and_count(html):
    """What a list page says that the tally may answer or narrow: its count, its chart, its facets' choices and the
    events it lists."""
    count = re.search(r'<p class="count" role="status">(.*?)</p>', html, re.S)
    chart = re.search(r'<figure class="chart">.*?</figure>', html, re.S)
    types = re.findall(r'<label for="id_type_\d+">.*?</label>', html, re.S)
    countries_and_outcomes = re.findall(r'<select name="(?:country|outcome)".*?</select>', html, re.S)
    events = re.findall(r'href="(/events/\d+/)"', html)
    return count.group(1), chart.group(0) if chart else None, types, countries_and_outcomes, events


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("page", ["/events/", "/"])
def test_a_list_read_from_the_tally_says_what_counting_the_events_says(client, monkeypatch, record, page, query):
    from_tally = client.get(f"{page}?{query}").content.decode()
    untallied(monkeypatch)
    monkeypatch.setattr("civicspace.facets.data_version", lambda: "counted from the events")

    counted = client.get(f"{page}?{query}").content.decode()

    said = facets_chart_and_count(counted)
    assert facets_chart_and_count(from_tally) == said
    assert len(said[3]) == 2, "nothing to compare"


def test_a_list_of_types_and_months_counts_no_event_to_show_its_count_chart_and_facets(client, record):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/events/?type=arrest&from=2024-01&to=2024-06").status_code == 200

    counting_events = [
        query["sql"]
        for query in queries.captured_queries
        if re.search(r"COUNT\(|GROUP BY", query["sql"]) and "events_eventtally" not in query["sql"]
    ]
    # Only the organisation-kind facet counts events: an organisation's kind is not in the tally.
    assert len(counting_events) == 1 and "organisations_organisation" in counting_events[0], counting_events


def test_a_draft_is_in_no_tally(record):
    before = list(EventTally.objects.values_list("event_type", "events"))
    EventFactory(event_type=EventType.ASSEMBLY_BAN, status=EventStatus.DRAFT)

    assert list(EventTally.objects.values_list("event_type", "events")) == before
    assert not EventTally.objects.filter(event_type=EventType.ASSEMBLY_BAN).exists()


def test_a_list_the_tally_says_is_empty_reads_no_event(client, record, django_assert_num_queries):
    client.get("/events/?outcome=pending")  # counted, charted and faceted: remembered until the data changes

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/events/?outcome=pending").content.decode()

    assert "No published event matches these filters." in html
    assert not [query for query in queries.captured_queries if '"events_event"' in query["sql"]]
