"""Pages of a list that cost the same however deep they go, and counts that stay cheap however many rows match.

Keyset (cursor) pagination: a page is the rows that come after (or before) the last row of the page seen, in the
list's order, found by the index that serves the order instead of counting past every earlier row as OFFSET does.
The order must be on non-null columns and end with the primary key, so that it is total. A cursor is an opaque
token (the order's values of one row, and a direction) carried in the query string as ``cursor``.

Counts: exact up to ``EXACT_COUNT_LIMIT`` (a count capped by LIMIT costs what reading that many index entries
costs); past it, the database's own estimate where it keeps one (PostgreSQL's planner), said to be an estimate.
"""

import base64
import binascii
import json
import math
import operator
from dataclasses import dataclass
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F, OrderBy, Q

CURSOR_PARAMETER = "cursor"
FORWARD, BACKWARD = "n", "p"  # after the row (the next page), before it (the previous page)
EXACT_COUNT_LIMIT = 10_000


class BadCursor(ValueError):
    """The cursor in the query string is not one this list wrote."""


@dataclass(frozen=True)
class Key:
    name: str
    descending: bool


def ordering_keys(queryset):
    """The (field, direction) pairs of ``queryset``'s order: plain fields only, the last of them the primary key."""
    keys = []
    for term in queryset.query.order_by or queryset.model._meta.ordering:
        if isinstance(term, OrderBy) and isinstance(term.expression, F):
            keys.append(Key(term.expression.name, term.descending))
        elif isinstance(term, str):
            name = term.lstrip("-")
            keys.append(Key(queryset.model._meta.pk.name if name == "pk" else name, term.startswith("-")))
        else:
            raise TypeError(f"keyset pagination needs plain fields to order by, not {term!r}")
    if not keys or keys[-1].name != queryset.model._meta.pk.name:
        raise TypeError("keyset pagination needs an order that ends with the primary key")
    return keys


def field_value(queryset, name, value):
    """A cursor's text as the value of field or annotation ``name`` (a date from ISO text, an int...)."""
    annotation = queryset.query.annotations.get(name)
    field = annotation.output_field if annotation is not None else queryset.model._meta.get_field(name)
    try:
        return (getattr(field, "output_field", None) or field).to_python(value)
    except ValidationError as error:
        raise BadCursor(name) from error


def encode(direction, values):
    text = json.dumps([direction, *(value.isoformat() if hasattr(value, "isoformat") else value for value in values)])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(token, queryset, keys):
    """(direction, values) from a cursor; BadCursor if it is not one this order writes."""
    try:
        padded = token + "=" * (-len(token) % 4)
        direction, *values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, TypeError, binascii.Error, UnicodeError) as error:
        raise BadCursor(token) from error
    if direction not in (FORWARD, BACKWARD) or len(values) != len(keys):
        raise BadCursor(token)
    if not all(isinstance(value, str | int) and not isinstance(value, bool) for value in values):
        raise BadCursor(token)
    return direction, [field_value(queryset, key.name, value) for key, value in zip(keys, values, strict=True)]


def beyond(keys, values, forward=True):
    """The rows after (``forward``) or before the row whose order values are ``values``.

    Lexicographic: the first key beyond, or equal on it and the second beyond... The first key's bound is also
    stated alone, so that the database reads the index from that point instead of weighing each branch.
    """
    branches = []
    for index, key in enumerate(keys):
        equal = {key.name: value for key, value in zip(keys[:index], values[:index], strict=True)}
        lookup = "lt" if key.descending == forward else "gt"
        branches.append(Q(**equal, **{f"{key.name}__{lookup}": values[index]}))
    first = keys[0]
    bound = Q(**{f"{first.name}__{'lte' if first.descending == forward else 'gte'}": values[0]})
    return bound & reduce(operator.or_, branches)


def reversed_order(keys):
    return [F(key.name).asc() if key.descending else F(key.name).desc() for key in keys]


@dataclass
class KeysetPage:
    """One page of a list, with the cursors of the pages on either side (None where there is none)."""

    object_list: list
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_next(self):
        return self.next_cursor is not None

    @property
    def has_previous(self):
        return self.previous_cursor is not None

    @property
    def has_other_pages(self):
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def keyset_page(queryset, cursor, size):
    """The page of ``queryset`` (ordered on non-null fields ending with the primary key) that ``cursor`` points to
    (the first page for none); BadCursor for a cursor this order did not write. One query."""
    keys = ordering_keys(queryset)
    direction, values = decode(cursor, queryset, keys) if cursor else (FORWARD, None)
    forward = direction == FORWARD
    if values is not None:
        queryset = queryset.filter(beyond(keys, values, forward))
    if not forward:
        queryset = queryset.order_by(*reversed_order(keys))
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()

    def cursor_at(row, towards):
        return encode(towards, [getattr(row, key.name) for key in keys])

    next_cursor = cursor_at(rows[-1], FORWARD) if rows and (more if forward else True) else None
    previous_cursor = cursor_at(rows[0], BACKWARD) if rows and (values is not None if forward else more) else None
    return KeysetPage(rows, next_cursor, previous_cursor)


@dataclass(frozen=True)
class Count:
    """How many rows match: ``exact``, or the database's estimate of a number past EXACT_COUNT_LIMIT (``value`` None
    when it keeps none: then it is only known to be more than the limit)."""

    value: int | None
    exact: bool

    @property
    def more_than(self):
        return EXACT_COUNT_LIMIT


def count(queryset, limit=EXACT_COUNT_LIMIT):
    """The exact count up to ``limit`` (one query reading at most ``limit`` + 1 rows), else an estimate."""
    # Only the ids: the list's own annotations (an event count per organisation) would be computed for every row.
    capped = queryset.order_by().values("pk")[: limit + 1].count()
    if capped <= limit:
        return Count(capped, True)
    return Count(estimate(queryset), False)


def estimate(queryset):
    """The database's estimate of how many rows ``queryset`` holds, rounded to two significant figures, or None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    rows = int(plan[0]["Plan"]["Plan Rows"])
    if rows <= EXACT_COUNT_LIMIT:
        return None  # the planner thinks fewer than we counted: its estimate says nothing useful
    digits = max(0, int(math.log10(rows)) - 1)
    return round(rows, -digits)
