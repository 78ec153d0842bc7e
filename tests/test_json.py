"""The JSON twins of the lists: the CSV's records with real lists and objects, a page at a time or streamed whole,
at a cost that does not grow with the rows. Shapes, licence and the walk through pages: tests/test_open_data.py."""

import json

import pytest

from tests.factories import (
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    PublishedEventFactory,
    SourceFactory,
    build_hidden_world,
)
from tests.test_csv import make_rows, rows

pytestmark = pytest.mark.django_db

LISTS = ["events", "organisations", "people", "sources"]


def streamed(response):
    """The records of a whole export, after checking that it streamed."""
    assert response["Content-Type"] == "application/json"
    assert response.streaming
    return json.loads(b"".join(response.streaming_content))["results"]


def page(response):
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.parametrize("name", LISTS)
def test_each_json_holds_the_same_records_in_the_same_order_as_its_csv(client, name):
    make_rows(3)
    SourceFactory()
    OrganisationFactory()
    PersonFactory()
    build_hidden_world()

    from_csv = rows(client.get(f"/{name}.csv"))
    whole = streamed(client.get(f"/{name}.json?_size=all"))

    assert [record["id"] for record in whole] == [int(row["id"]) for row in from_csv]
    assert [record["url"] for record in whole] == [row["url"] for row in from_csv]
    assert [record["name" if "name" in record else "title"] for record in whole] == [
        row["name" if "name" in row else "title"] for row in from_csv
    ]


def test_the_events_json_takes_the_lists_filters_and_hides_drafts(client):
    wanted = PublishedEventFactory(title="Wanted", event_type="dissolution")
    PublishedEventFactory(title="Other type", event_type="arrest")
    EventFactory(title="Draft dissolution", event_type="dissolution")

    assert [record["id"] for record in page(client.get("/events.json?type=dissolution"))["results"]] == [wanted.pk]
    assert [record["id"] for record in streamed(client.get("/events.json?type=dissolution&_size=all"))] == [wanted.pk]


def test_json_is_not_altered_against_spreadsheet_formulas(client):
    PublishedEventFactory(title="=HYPERLINK(1)")

    assert page(client.get("/events.json"))["results"][0]["title"] == "=HYPERLINK(1)"


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("size", ["", "&_size=all"])
def test_an_invalid_filter_gets_a_400_not_every_row(client, name, size):
    response = client.get(f"/{name}.json?sort=nonsense{size}")

    assert response.status_code == 400


def test_a_page_holds_fifty_records_unless_asked_otherwise(client):
    make_rows(51)

    assert len(page(client.get("/events.json"))["results"]) == 50
    assert len(page(client.get("/events.json?_size=51"))["results"]) == 51


@pytest.mark.parametrize("count", [1, 30])
def test_json_queries_do_not_grow_with_rows(client, django_assert_num_queries, count):
    make_rows(count)
    # The count of matching events; the page's events; those events read as values with their organisations, people
    # and citations.
    with django_assert_num_queries(3):
        result = page(client.get("/events.json?_size=50"))
        assert len(result["results"]) == count and result["count"] == count
    # The count (remembered from the page above, so none); then the events with their links, in one query.
    with django_assert_num_queries(1):
        assert len(streamed(client.get("/events.json?_size=all"))) == count
    # Any status whose suspension has ended since (none); the count (on the page: the stream finds it remembered);
    # organisations with event counts and the status event's date as subqueries.
    with django_assert_num_queries(3):
        assert len(page(client.get("/organisations.json"))["results"]) == count
    with django_assert_num_queries(2):
        assert len(streamed(client.get("/organisations.json?_size=all"))) == count
    # The count, people with event counts, prefetch affiliations with organisations; the count of people withheld.
    with django_assert_num_queries(4):
        assert len(page(client.get("/people.json"))["results"]) == count
    # The same, both counts remembered.
    with django_assert_num_queries(2):
        assert len(streamed(client.get("/people.json?_size=all"))) == count
    # The count, sources with event counts and their latest copy as subqueries.
    with django_assert_num_queries(2):
        assert len(page(client.get("/sources.json"))["results"]) == count
    with django_assert_num_queries(1):
        assert len(streamed(client.get("/sources.json?_size=all"))) == count
