"""Full-text search (events/search.py) finds the same events whichever way it reads them: by the matches' ids when
few match, or when many do, by testing each row the list walks (on PostgreSQL, against the stored words of migration
0015; on SQLite, against a word's whole terms when nearly every row holds it) or by keeping the rows among the
matches (SQLite), and the page of a search says what it would say either way."""

import re
from functools import partial

import pytest
from django.db import connection

from events import search as searching
from events.models import Event
from events.search import TOO_MANY_TERMS, search, sqlite_terms

from .factories import CitationFactory, EventFactory, PublishedEventFactory, on
from .test_query_plans import page_query

pytestmark = pytest.mark.django_db

FEW = 1_000  # more than the record holds: the ids of the matches are read
MANY = 0  # any match is many: each row is tested


@pytest.fixture(params=["few", "many as a set", "many row by row"])
def searched(request, monkeypatch):
    """``search`` taking each of its ways: few matches; many, which SQLite keeps as a set of ids; many, tested row by
    row against whole terms on SQLite (every record here lacks a word in fewer rows than the limit)."""
    if request.param == "many as a set":
        monkeypatch.setattr(searching, "ROWS_LACKING_AT_MOST", -1)
    return partial(search, limit=FEW if request.param == "few" else MANY)


@pytest.fixture(params=["as a set", "row by row"])
def many(request, monkeypatch):
    """``search`` taking each way of many matches (``searched``)."""
    if request.param == "as a set":
        monkeypatch.setattr(searching, "ROWS_LACKING_AT_MOST", -1)
    return partial(search, limit=MANY)


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
def test_a_search_finds_the_same_events_whichever_way_it_reads_them(record, searched, text, found):
    assert titles(searched(Event.objects.public(), text)) == found


def test_a_search_inside_a_subquery_tests_the_rows_of_its_own_table(record, searched):
    found = searched(Event.objects.public(), "imam")

    assert titles(Event.objects.filter(pk__in=found.values("pk"))) == SEARCHES["imam"]


def test_a_word_nearly_every_row_holds_is_tested_row_by_row_against_its_whole_terms_on_sqlite(record, monkeypatch):
    sql = str(search(Event.objects.public(), "decree", limit=MANY).query)

    if connection.vendor == "postgresql":
        assert "search_vector @@" in sql, sql  # PostgreSQL tests each row's stored words
        return
    assert 'MATCH ("decree") AND rowid =' in sql, sql  # the whole term, on each row
    assert "IN (SELECT rowid" not in sql, sql
    # An export reads every match: keeping the rows among them is cheaper than testing each.
    assert "IN (SELECT rowid" in str(search(Event.objects.public(), "decree", limit=MANY, every_match=True).query)
    assert sqlite_terms("events_event_fts", "dissol") == {"dissolution": 1}
    assert sqlite_terms("events_citation_fts", "decr") == {"decret": 2}  # "décret", as the index folds it
    assert sqlite_terms("events_event_fts", "nowhere") == {}
    # Spelt otherwise than the index folds it, or with more terms than a row can be tested against: read as a set.
    assert sqlite_terms("events_citation_fts", "décret") == TOO_MANY_TERMS
    monkeypatch.setattr(searching, "TERMS_PER_WORD", 1)
    monkeypatch.setattr("civicspace.facets.data_version", lambda: "fewer terms a word")
    assert sqlite_terms("events_citation_fts", "dissou") == {"dissous": 2}
    assert sqlite_terms("events_citation_fts", "dis") == TOO_MANY_TERMS  # "dissous" and "dissolved"
    assert "IN (SELECT rowid" in str(search(Event.objects.public(), "dis", limit=MANY).query)


def test_an_edited_text_is_searched_as_it_now_reads(record, searched):
    # Each word searched once before the edits: what a search keeps must not outlive them.
    for text in ("governor", "decree suspended", "interdit", "dissous"):
        searched(Event.objects.public(), text).count()
    event = Event.objects.get(title="Suspension")
    event.summary = "A party banned by the governor."
    event.save()
    citation = Event.objects.get(title="Decree").citations.get(quote__contains="dissous")
    citation.quote = "Le mouvement a été interdit"
    citation.save()

    assert titles(searched(Event.objects.public(), "governor")) == ["Suspension"]
    assert titles(searched(Event.objects.public(), "decree suspended")) == []
    assert titles(searched(Event.objects.public(), "interdit")) == ["Decree"]
    assert titles(searched(Event.objects.public(), "dissous")) == []


@pytest.mark.parametrize(
    "address, every_match",
    [
        ("/events/?q=imam", False),
        ("/?q=imam", False),
        ("/events.csv?q=imam", True),
        ("/events.json?q=imam&_size=all", True),
        ("/events.json?q=imam", False),  # a page of JSON
    ],
)
def test_an_export_searches_for_every_match_and_a_page_for_a_page(client, monkeypatch, record, address, every_match):
    asked = []

    def searched_with(queryset, text, **options):
        asked.append(options.get("every_match", False))
        return search(queryset, text, **options)

    monkeypatch.setattr("events.filters.search", searched_with)
    assert b"Arrest of a journalist" in b"".join(client.get(address))

    assert asked and set(asked) == {every_match}


def listed(html):
    count = re.search(r'<p class="count" role="status">(.*?)</p>', html, re.S).group(1)
    return count, re.findall(r'href="(/events/\d+/)"', html)


@pytest.mark.parametrize("query", ["q=imam", "q=decree&from=2024-01&to=2024-12", "q=decree&type=dissolution&to=2023"])
@pytest.mark.parametrize("page", ["/events/", "/"])
def test_a_page_of_many_matches_lists_and_counts_what_a_page_of_few_does(
    client, monkeypatch, record, many, page, query
):
    few = client.get(f"{page}?{query}").content.decode()
    monkeypatch.setattr("events.filters.search", many)
    monkeypatch.setattr("civicspace.facets.data_version", lambda: "many matches")

    many = client.get(f"{page}?{query}").content.decode()

    assert listed(many) == listed(few)
    assert listed(few)[1] or "decree&type" in query, "nothing listed"


def test_a_word_most_events_hold_is_searched_by_walking_the_list_in_order_not_by_sorting_every_match(
    client, monkeypatch, many
):
    for month in range(1, 13):
        for day in range(1, 21):
            PublishedEventFactory(summary=f"An association dissolved, number {day}.", date=on(2020, month, day))
    monkeypatch.setattr("events.filters.search", many)
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
