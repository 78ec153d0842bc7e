"""The lists' main queries are served by an index, on both databases: EXPLAIN of the query a page runs."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import PublishedEventFactory, on

pytestmark = pytest.mark.django_db


def page_query(client, url):
    """The SQL of the query that reads the page's events (the first one with a LIMIT on the events table)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return next(q["sql"] for q in queries if 'FROM "events_event"' in q["sql"] and "LIMIT" in q["sql"])


def plan(sql):
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A few test rows make a sequential scan cheapest; what matters is that an index can serve the query.
            cursor.execute("SET LOCAL enable_seqscan = off")
            # The statistics of these rows: without them the planner goes by the row count that autovacuum last saw
            # (kept through the tests' rollbacks), and another index can look as cheap as the right one.
            cursor.execute("ANALYZE events_event")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.fixture
def events():
    # More rows than a page, and dissolutions rare among them, as in a real record: the planner then has a reason to
    # read a page from an index rather than sort the whole table.
    for n in range(200):
        PublishedEventFactory(event_type="dissolution" if n % 20 == 1 else "arrest", date=on(2015 + n % 4, 1 + n % 12))


def test_the_event_list_reads_its_page_in_index_order_without_sorting(client, events):
    text = plan(page_query(client, "/events/"))

    assert "events_event_status_date" in text
    assert "TEMP B-TREE" not in text  # SQLite sorting the rows itself
    assert "Sort" not in text  # PostgreSQL sorting the rows itself


def test_the_event_list_filtered_by_type_reads_only_that_types_rows_in_index_order(client, events):
    text = plan(page_query(client, "/events/?type=dissolution&from=2016-01&to=2017-06"))

    assert "events_event_status_type" in text
    assert "TEMP B-TREE" not in text and "Sort" not in text
