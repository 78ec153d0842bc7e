"""Query counts that differ between the two databases the suite runs on."""

from django.db import connection


def time_limited(queries):
    """The queries that ``queries`` counts run under civicspace.facets.time_limit add: on PostgreSQL each runs in a
    savepoint with a local statement timeout (savepoint, SET LOCAL, release); SQLite limits them without a query."""
    return queries * 3 if connection.vendor == "postgresql" else 0
