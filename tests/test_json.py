"""The JSON twins of the lists: the CSV's rows and columns, as JSON."""

import json

import pytest

from tests.factories import EventFactory, OrganisationFactory, PersonFactory, PublishedEventFactory, SourceFactory
from tests.test_csv import content, make_rows, rows

pytestmark = pytest.mark.django_db

LISTS = ["events", "organisations", "people", "sources"]


def records(response):
    assert response["Content-Type"] == "application/json"
    return json.loads(content(response))


@pytest.mark.parametrize("name", LISTS)
def test_each_json_holds_the_same_rows_and_columns_as_its_csv(client, name):
    make_rows(3)
    SourceFactory()
    OrganisationFactory()
    PersonFactory()

    from_json = records(client.get(f"/{name}.json"))
    from_csv = rows(client.get(f"/{name}.csv"))

    assert [{key: str(value) for key, value in record.items()} for record in from_json] == [
        dict(row) for row in from_csv
    ]


def test_the_events_json_takes_the_lists_filters_and_hides_drafts(client):
    wanted = PublishedEventFactory(title="Wanted", event_type="dissolution")
    PublishedEventFactory(title="Other type", event_type="arrest")
    EventFactory(title="Draft dissolution", event_type="dissolution")

    assert [record["id"] for record in records(client.get("/events.json?type=dissolution"))] == [wanted.pk]


def test_json_is_not_altered_against_spreadsheet_formulas(client):
    PublishedEventFactory(title="=HYPERLINK(1)")

    assert records(client.get("/events.json"))[0]["title"] == "=HYPERLINK(1)"


@pytest.mark.parametrize("name", LISTS)
def test_an_invalid_filter_gets_a_400_not_every_row(client, name):
    response = client.get(f"/{name}.json?sort=nonsense")

    assert response.status_code == 400


@pytest.mark.parametrize("count", [1, 30])
def test_json_queries_do_not_grow_with_rows(client, django_assert_num_queries, count):
    make_rows(count)
    # events, then per chunk of rows: prefetch organisations, links to people, the public ones among those
    # people, citations with sources.
    with django_assert_num_queries(5):
        assert len(records(client.get("/events.json"))) == count
