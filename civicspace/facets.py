"""Facets: beside each choice of a list's filter, how many of the rows the other filters keep have that value, as
Datasette shows them; and only the values present in the data.

Counting every matching row costs what the rows cost, so a count that would take longer than
``TRACKER_FACET_TIME_LIMIT_MS`` (a setting) is stopped by the database and the choices are shown without counts
(Datasette does the same). Counts are kept in the cache until the public data changes (``data_version()``), so a list
read often pays for them once."""

import hashlib
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connections, transaction
from django.db.models import Count
from django.utils.formats import number_format

CACHE_SECONDS = 24 * 60 * 60


class TimedOut(Exception):
    pass


@contextmanager
def time_limit(milliseconds, using="default"):
    """Stop the queries run inside after ``milliseconds`` (raising TimedOut): SQLite through a progress handler,
    PostgreSQL through a statement timeout local to a savepoint."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        deadline = time.monotonic() + milliseconds / 1000
        connection.connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            yield
        except DatabaseError as error:
            if time.monotonic() > deadline:
                raise TimedOut from error
            raise
        finally:
            connection.connection.set_progress_handler(None, 0)
    elif connection.vendor == "postgresql":
        try:
            with transaction.atomic(using=using):
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL statement_timeout = %s", [int(milliseconds)])
                yield
        except DatabaseError as error:
            if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
                raise TimedOut from error
            raise
    else:
        yield


def data_version():
    """A value that changes whenever what the public sees may have changed (events/signals.py bumps it)."""
    return cache.get("public-data-version", 0)


def bump_data_version():
    try:
        cache.incr("public-data-version")
    except ValueError:
        cache.set("public-data-version", 1, None)


def kept_key(name, query=None):
    """A key for what is kept for ``name`` and ``query`` (a QueryDict: the filters of a list) until the public data
    changes: the data's version is part of it."""
    query_key = sorted((key, sorted(query.getlist(key))) for key in query) if query is not None else None
    return hashlib.sha256(repr((name, query_key, data_version())).encode()).hexdigest()


def remembered(compute, name, query=None):
    """``compute()``, or what it returned for the same ``name`` and ``query`` (a QueryDict: the filters of a list)
    on the same public data, kept in the cache: the filters need not even be built again. For counts and facets,
    which cost what the rows they count cost."""
    key = "counted:" + kept_key(name, query)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def facet_counts(queryset, field):
    """{value: number of rows of ``queryset`` with it} for ``field``, or None when counting took too long."""
    # Distinct: through a link table (an event's organisations' kinds) a row would count once for each link.
    grouped = queryset.order_by().values_list(field).annotate(number=Count("pk", distinct=True))
    try:
        with time_limit(settings.TRACKER_FACET_TIME_LIMIT_MS, queryset.db):
            return dict(grouped.values_list(field, "number"))
    except TimedOut:
        return None
    except EmptyResultSet:
        return {}  # a filter that can match nothing (a search of no word)


def present_values(queryset, field):
    """The values of ``field`` that ``queryset`` holds, for choices shown without counts; every value of the field's
    choices when even that takes too long (ten times a count's limit: one distinct read stops at the first rows)."""
    try:
        with time_limit(10 * settings.TRACKER_FACET_TIME_LIMIT_MS, queryset.db):
            return set(queryset.order_by().values_list(field, flat=True).distinct())
    except TimedOut:
        return ALL
    except EmptyResultSet:
        return set()


class Everything:
    """The values present when they could not be read in time: every choice stays."""

    def __contains__(self, value):
        return True


ALL = Everything()


def facet_choices(field, counts, present, chosen):
    """The choices of a form ``field`` limited to the values present (and those chosen), each label followed by its
    count when there is one. The blank choice is left out: django-filter's fields add their own."""
    choices = []
    for value, label in field.choices:
        if value in ("", None):
            continue
        if value in present or str(value) in chosen:
            number = (counts or {}).get(value)
            choices.append((value, f"{label} ({number_format(number, force_grouping=True)})" if number else label))
    return choices
