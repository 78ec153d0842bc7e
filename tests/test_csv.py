import csv
import datetime
import io

import psycopg
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.utils import timezone

from civicspace.views import Echo, csv_lines, neutralise
from events.export import exported_events
from events.models import Event, EventType
from events.views import EventCsvView
from organisations.models import Protection
from tests.factories import on

from .factories import (
    AffiliationFactory,
    CitationFactory,
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
    PublishedEventFactory,
    SourceCopyFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

EVENT_COLUMNS = [
    "id",
    "date",
    "date_precision",
    "type",
    "title",
    "summary",
    "organisations",
    "people",
    "sources",
    "url",
]


def content(response):
    return b"".join(response.streaming_content).decode("utf-8")


def rows(response):
    """The CSV as a list of dicts, after checking and removing the byte-order mark."""
    text = content(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def header(response):
    return next(csv.reader(io.StringIO(content(response)[1:])))


def test_events_csv_starts_with_the_agreed_columns(client):
    assert header(client.get("/events.csv"))[:10] == EVENT_COLUMNS


@pytest.mark.parametrize(
    ("url", "first", "includes"),
    [
        ("/organisations.csv", ["id", "name", "url"], {"acronym", "kind", "status"}),
        ("/people.csv", ["id", "name", "url"], set()),
        ("/sources.csv", ["id", "title", "url"], {"publisher", "published", "link"}),
    ],
)
def test_the_other_csvs_start_with_id_name_and_url(client, url, first, includes):
    columns = header(client.get(url))
    assert columns[:3] == first
    assert includes <= set(columns)


def test_sources_csv_ends_with_the_retrieval_date_and_hash_of_each_sources_latest_copy(client):
    sources = {}
    for title in ["No copy", "Undated copy", "Dated copies"]:
        sources[title] = PublishedEventFactory(citation__source__title=title).citations.get().source
    undated = SourceCopyFactory(source=sources["Undated copy"], text="the article as the project received it")
    dated = sources["Dated copies"]
    SourceCopyFactory(source=dated, text="first capture", retrieved_on=datetime.date(2024, 5, 1))
    latest = SourceCopyFactory(source=dated, text="second capture", retrieved_on=datetime.date(2024, 6, 1))
    SourceCopyFactory(source=dated, text="kept later, date not known")

    response = client.get("/sources.csv")

    assert header(response)[-2:] == ["archived_at", "archived_sha256"]
    archived = {row["title"]: (row["archived_at"], row["archived_sha256"]) for row in rows(client.get("/sources.csv"))}
    assert archived == {
        "No copy": ("", ""),
        "Undated copy": ("", undated.sha256),
        "Dated copies": ("2024-06-01", latest.sha256),
    }


@pytest.mark.parametrize("name", ["events", "organisations", "people", "sources"])
def test_each_csv_is_streamed_utf8_with_a_bom_and_a_dated_filename(client, name):
    response = client.get(f"/{name}.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{name}-{timezone.localdate().isoformat()}.csv"'
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")


def test_an_accented_name_survives_the_export(client):
    event = PublishedEventFactory()
    EventPersonFactory(event=event, person=PersonFactory(name="Assimi Goïta"))
    assert rows(client.get("/events.csv"))[0]["people"] == "Assimi Goïta [target]"
    assert "Assimi Goïta" in content(client.get("/people.csv"))


def test_a_row_holds_the_event_with_its_date_cut_to_its_precision_and_its_links_joined(client):
    event = PublishedEventFactory(title="Dissolution", date=on(2024, 3))
    EventOrganisationFactory(event=event, organisation=OrganisationFactory(name="CMAS"))
    EventOrganisationFactory(event=event, organisation=OrganisationFactory(name="EMK", acronym="EMK2"), role="author")
    CitationFactory(event=event, source=SourceFactory(publisher="RFI", title="Dissous"))
    PublishedEventFactory(date=on(2023))
    first, second = rows(client.get("/events.csv"))
    assert first["id"] == str(event.pk)
    assert first["date"] == "2024-03"
    assert first["date_precision"] == "month"
    assert first["type"] == "dissolution"
    assert first["organisations"] == "CMAS [target]; EMK (EMK2) [author]"
    assert first["sources"].endswith("; RFI: Dissous")
    assert first["url"] == f"http://testserver/events/{event.pk}/"
    assert second["date"] == "2023"


def test_each_row_holds_its_own_links_in_the_pages_order_whatever_order_they_were_added_in(client):
    """Organisations by name, people and sources in the order they were added, on each row only its own event's."""
    older, newer = PublishedEventFactory(date=on(2023)), PublishedEventFactory(date=on(2024))
    for name in ("Zou", "Alpha", "Mali"):
        EventOrganisationFactory(event=newer, organisation=OrganisationFactory(name=name))
    for name in ("Zoé", "Ali"):
        EventPersonFactory(event=newer, person=PersonFactory(name=name))
    EventPersonFactory(event=newer, person=PersonFactory(name="Hidden", protection=Protection.WITHHELD))
    for publisher in ("Studio Tamani", "AFP"):
        CitationFactory(event=newer, source=SourceFactory(publisher=publisher, title="T"))
    EventOrganisationFactory(event=older, organisation=OrganisationFactory(name="Bamako"))

    first, second = rows(client.get("/events.csv"))
    assert first["organisations"] == "Alpha [target]; Mali [target]; Zou [target]"
    assert first["people"] == "Zoé [target]; Ali [target]"
    assert first["people_withheld"] == "1"
    assert first["sources"].split("; ")[-2:] == ["Studio Tamani: T", "AFP: T"]
    assert (second["organisations"], second["people"], second["people_withheld"]) == ("Bamako [target]", "", "0")
    assert second["sources"].count(":") == 1


# Outside a test's transaction, as the site streams an export (autocommit): ending the query can cancel it on the
# server, which inside a transaction aborts the rest of it. Whether it does depended on whether the server had made
# the last rows before the reader stopped, and the test failed when a loaded machine was slower.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_export_left_unread_leaves_the_connection_usable():
    """A reader who stops (a closed tab, a dropped connection) closes the export's rows, which ends its query: the
    next query on the same database connection is answered (PostgreSQL's connection takes none while rows are still
    coming: the query would wait for ever, so its state is checked first)."""
    make_rows(30)
    exported = exported_events(Event.objects.public(), chunk_size=10)
    assert next(exported)["organisations"]
    exported.close()
    if connection.vendor == "postgresql":
        assert connection.connection.info.transaction_status != psycopg.pq.TransactionStatus.ACTIVE
    assert Event.objects.public().count() == 30


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_a_cell_that_a_spreadsheet_would_run_is_neutralised(client, dangerous):
    event = PublishedEventFactory(title=dangerous, summary=dangerous)
    EventOrganisationFactory(event=event, organisation=OrganisationFactory(name=dangerous))
    CitationFactory(event=event, source=SourceFactory(title=dangerous))
    row = rows(client.get("/events.csv"))[0]
    assert row["title"] == "'" + dangerous
    assert row["summary"] == "'" + dangerous
    assert rows(client.get("/organisations.csv"))[0]["name"] == "'" + dangerous
    assert any(row["title"] == "'" + dangerous for row in rows(client.get("/sources.csv")))


@pytest.mark.parametrize("position", [0, 1, 3])
@pytest.mark.parametrize(
    "cell",
    ["=1+2", '=HYPERLINK("x, y")', "+1", "-2", "@A1", "\tcmd", "\rcmd", "'=1", "''", "'s", "a, -b", "a,\n=b", ""],
)
def test_every_line_is_guarded_as_if_each_cell_were(cell, position):
    """A line is written cell by cell only where a cell may start with a guarded character (``csv_lines``)."""
    row = ["plain", 7, "text, with a separator"]
    row.insert(position, cell)
    each_cell = csv.writer(Echo()).writerow([neutralise(value) for value in row])

    _header, line = csv_lines(["a", "b", "c", "d"], [row])

    assert line == each_cell


def test_neutralise_leaves_ordinary_text_and_numbers_alone():
    assert neutralise("Mali: 2024") == "Mali: 2024"
    assert neutralise("'s-Hertogenbosch") == "'s-Hertogenbosch"
    assert neutralise(-3) == -3
    assert neutralise("") == ""


def test_the_csv_has_every_matching_row_not_only_one_page(client):
    for _ in range(55):
        PublishedEventFactory()
    assert len(rows(client.get("/events.csv"))) == 55


def test_the_csv_has_the_same_rows_as_the_list_in_the_same_order(client):
    for day in range(1, 8):
        PublishedEventFactory(event_type=EventType.ARREST if day % 2 else EventType.EXILE, date=on(2024, 1, day))
    query = "type=arrest&sort=date"
    listed = [event.pk for event in client.get(f"/events/?{query}").context["object_list"]]
    assert [int(row["id"]) for row in rows(client.get(f"/events.csv?{query}"))] == listed
    assert len(listed) == 4


@pytest.mark.parametrize(
    "url", ["/events.csv?from=2024-13", "/events.csv?type=coup", "/organisations.csv?status=x", "/people.csv?role=x"]
)
def test_invalid_filters_answer_400_in_plain_text_rather_than_every_row(client, url):
    PublishedEventFactory()
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "not valid" in response.content.decode()


def test_drafts_never_reach_the_csv(client):
    organisation = OrganisationFactory(name="Only a draft dissolves it")
    person = PersonFactory()
    draft = EventFactory(title="Draft event")
    EventOrganisationFactory(event=draft, organisation=organisation)
    EventPersonFactory(event=draft, person=person)
    source = CitationFactory(event=draft).source
    assert "Draft event" not in content(client.get("/events.csv"))
    # Everything only the draft concerns stays out of every export, not merely counted at zero.
    for url in ("/events.csv", "/organisations.csv", "/people.csv", "/sources.csv"):
        assert rows(client.get(url)) == [], url
    assert source.title not in content(client.get("/sources.csv"))
    assert person.name not in content(client.get("/people.csv"))


def make_rows(count):
    for _ in range(count):
        event = PublishedEventFactory()
        organisation = EventOrganisationFactory(event=event).organisation
        person = EventPersonFactory(event=event).person
        AffiliationFactory(person=person, organisation=organisation)


@pytest.mark.parametrize("count", [1, 30])
def test_csv_queries_do_not_grow_with_rows(client, django_assert_num_queries, monkeypatch, count):
    make_rows(count)
    monkeypatch.setattr(EventCsvView, "chunk_size", 10)
    # the events with their organisations, people and citations, in one query however many chunks of ten rows.
    with django_assert_num_queries(1):
        assert len(rows(client.get("/events.csv"))) == count
    # any status whose suspension has ended since (none), organisations with event counts as subqueries.
    with django_assert_num_queries(2):
        assert len(rows(client.get("/organisations.csv"))) == count
    # people with event counts, prefetch affiliations with organisations; the count of people withheld.
    with django_assert_num_queries(3):
        assert len(rows(client.get("/people.csv"))) == count
    # sources with event counts.
    with django_assert_num_queries(1):
        assert len(rows(client.get("/sources.csv"))) == count


def test_a_researcher_finds_every_dissolution_between_december_2023_and_march_2024(client):
    """The issue's acceptance scenario, with every precision and a draft that must stay hidden."""
    expected = {
        PublishedEventFactory(title="Day, in range", date=on(2024, 2, 28)).pk,
        PublishedEventFactory(title="Month, in range", date=on(2023, 12)).pk,
        PublishedEventFactory(title="Year, overlaps", date=on(2024)).pk,
        PublishedEventFactory(title="Last day", date=on(2024, 3, 31)).pk,
    }
    PublishedEventFactory(title="Too early", date=on(2023, 11, 30))
    PublishedEventFactory(title="Too late", date=on(2024, 4, 1))
    PublishedEventFactory(title="Not a dissolution", event_type=EventType.SUSPENSION, date=on(2024, 1, 5))
    EventFactory(title="Draft dissolution", date=on(2024, 1, 10))
    query = "type=dissolution&from=2023-12&to=2024-03"

    page = client.get(f"/events/?{query}")
    assert {event.pk for event in page.context["object_list"]} == expected
    html = page.content.decode()
    assert "<strong>4</strong> events match these filters" in html
    assert f'href="/events.csv?{query.replace("&", "&amp;")}"' in html
    for event in Event.objects.filter(pk__in=expected):
        event_page = client.get(event.get_absolute_url())
        assert event_page.status_code == 200
        source = event.citations.get().source
        assert client.get(source.get_absolute_url()).status_code == 200
        assert source.get_absolute_url() in event_page.content.decode()

    exported = rows(client.get(f"/events.csv?{query}"))
    assert {int(row["id"]) for row in exported} == expected
    assert {row["type"] for row in exported} == {"dissolution"}
    assert "Draft dissolution" not in str(exported)
