"""Full-text search (events/search.py) finds the same events whichever way it reads them: by the matches' ids when
few match, or by testing each row the list walks when many do (on PostgreSQL, against the stored words of
migration 0015), and the page of a search says what it would say either way."""

import re
from functools import partial

import pytest
from django.db import connection

from events.models import Event
from events.search import search

from .factories import CitationFactory, EventFactory, PublishedEventFactory, on
from .test_query_plans import page_query

pytestmark = pytest.mark.django_db

FEW = 1_000  # more than the record holds: the ids of the matches are read
MANY = 0  # any match is many: each row is tested


@pytest.fixture
def record():
    """Words in titles, summaries and quoted passages; a draft that holds every word searched."""
    PublishedEventFactory(title="Dissolution of the CMAS", summary="A movement close to the imam.", date=on(2024, 1))
    quoted = PublishedEventFactory(title="Decree", summary="A decree.", date=on(2023, 5))
    CitationFactory(event=quoted, quote="Le mouvement a été dissous par décret")
    PublishedEventFactory(title="Arrest of a journalist", summary="Held in Bamako; the imam protested.", date=on(2022))
    PublishedEventFactory(title="Suspension", summary="A party suspended by decree.", date=on(2024, 3, 6))
    draft = EventFactory(title="Draft: CMAS imam movement dissous décret journalist", summary="imam decree")
    CitationFactory(event=draft, quote="dissous décret imam")


def titles(events):
    return sorted(events.values_list("title", flat=True))


SEARCHES = {
    "cmas": ["Dissolution of the CMAS"],
    "imam": ["Arrest of a journalist", "Dissolution of the CMAS"],
    "imam movement": ["Dissolution of the CMAS"],
    "dissous": ["Decree"],
    "décret": ["Decree"],
    "cma": ["Dissolution of the CMAS"],  # a word's beginning
    "decree": ["Decree", "Suspension"],
    "DECREE suspended": ["Suspension"],
    "imam dissous": [],
    "nowhere": [],
}


@pytest.mark.parametrize("text, found", SEARCHES.items())
def test_a_search_finds_the_same_events_whether_few_or_many_match(record, text, found):
    public = Event.objects.public()

    assert titles(search(public, text, limit=FEW)) == found
    assert titles(search(public, text, limit=MANY)) == found


def test_a_search_of_many_matches_inside_a_subquery_tests_the_rows_of_its_own_table(record):
    searched = search(Event.objects.public(), "imam", limit=MANY)

    assert titles(Event.objects.filter(pk__in=searched.values("pk"))) == SEARCHES["imam"]


def test_an_edited_text_is_searched_as_it_now_reads(record):
    event = Event.objects.get(title="Suspension")
    event.summary = "A party banned by the governor."
    event.save()
    citation = Event.objects.get(title="Decree").citations.get(quote__contains="dissous")
    citation.quote = "Le mouvement a été interdit"
    citation.save()

    for limit in (FEW, MANY):
        assert titles(search(Event.objects.public(), "governor", limit=limit)) == ["Suspension"]
        assert titles(search(Event.objects.public(), "decree suspended", limit=limit)) == []
        assert titles(search(Event.objects.public(), "interdit", limit=limit)) == ["Decree"]
        assert titles(search(Event.objects.public(), "dissous", limit=limit)) == []


def listed(html):
    count = re.search(r'<p class="count" role="status">(.*?)</p>', html, re.S).group(1)
    return count, re.findall(r'href="(/events/\d+/)"', html)


@pytest.mark.parametrize("query", ["q=imam", "q=decree&from=2024-01&to=2024-12", "q=decree&type=dissolution&to=2023"])
@pytest.mark.parametrize("page", ["/events/", "/"])
def test_a_page_of_many_matches_lists_and_counts_what_a_page_of_few_does(client, monkeypatch, record, page, query):
    few = client.get(f"{page}?{query}").content.decode()
    monkeypatch.setattr("events.filters.search", partial(search, limit=MANY))
    monkeypatch.setattr("civicspace.facets.data_version", lambda: "many matches")

    many = client.get(f"{page}?{query}").content.decode()

    assert listed(many) == listed(few)
    assert listed(few)[1] or "decree&type" in query, "nothing listed"


def test_a_word_most_events_hold_is_searched_by_walking_the_list_in_order_not_by_sorting_every_match(
    client, monkeypatch
):
    for month in range(1, 13):
        for day in range(1, 21):
            PublishedEventFactory(summary=f"An association dissolved, number {day}.", date=on(2020, month, day))
    monkeypatch.setattr("events.filters.search", partial(search, limit=MANY))
    with connection.cursor() as cursor:
        # The planners' statistics (PostgreSQL's of the words, which tell it that most rows hold this one).
        cursor.execute("ANALYZE events_event")
        cursor.execute("ANALYZE events_citation")
        sql = page_query(client, "/events/?q=association")
        cursor.execute(("EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN ") + sql)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())

    assert "events_event_status_date" in plan, plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan
    if connection.vendor == "postgresql":
        assert "events_event_search" not in plan, plan  # each row's stored words are tested, the index not read
