"""The full exports' reading of events: one query whose rows hold each event's values and its organisations, people
and citations as JSON, read as they come, never as model instances.

At a million events, building model instances and running ``for_listing()``'s prefetches for each chunk took nine
tenths of an export's time. Values with four flat queries a chunk cut that; one query that PostgreSQL runs ahead of
the reader halves it again there (issue 9, bench/RESULTS.md). The rule of who may be named is the one of the
pages: ``Person.objects.public()``.
"""

import datetime
import json
from contextlib import nullcontext
from functools import cache
from typing import NamedTuple

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import OuterRef, Subquery, TextField
from django.db.models.functions import JSONArray

from civicspace.dates import PARTS, interval_from_columns
from organisations.models import PUBLIC_SLUG, Person

from .models import ORGANISATION_LINK_ORDER, Citation, EventOrganisation, EventPerson, all_alleged, claimants

# The columns of an event itself that the exports write (the interval's five included).
EVENT_FIELDS = (
    "pk",
    "date_earliest",
    "date_earliest_precision",
    "date_latest",
    "date_latest_precision",
    "date_certainty",
    "event_type",
    "title",
    "summary",
    "end_date",
    "country",
    "location",
    "outcome",
    "authority",
    "justification",
    "target_kind",
)

DATE_COLUMNS = tuple(f"date_{part}" for part in PARTS)


# What the exports read of each link, as named rows (``link.role``), each in the order of its cells in the query
# (``LinkRows``); the order within an event is the one of the pages (``Event.for_listing()``): organisations by name,
# people and citations in the order they were added.
class OrganisationLink(NamedTuple):
    id: int
    name: str
    acronym: str
    slug: str
    role: str


ORGANISATION_CELLS = ("organisation_id", "organisation__name", "organisation__acronym", "organisation__slug", "role")


class CitationRow(NamedTuple):
    source_id: int
    publisher: str
    title: str
    link: str
    reported_as: str
    alleged_by: str
    quote: str
    location: str
    published_earliest: object
    published_earliest_precision: str
    published_latest: object
    published_latest_precision: str
    published_certainty: str


CITATION_CELLS = ("source_id", "source__publisher", "source__title", "source__url", "reported_as", "alleged_by")
CITATION_CELLS += ("quote", "location", *(f"source__published_{part}" for part in PARTS))
CITATION_DATES = tuple(CitationRow._fields.index(f"published_{part}") for part in ("earliest", "latest"))


class PublicPerson(NamedTuple):
    id: int
    name: str
    slug: str
    role: str


class Cells(JSONArray):
    """``JSONArray`` that PostgreSQL builds as ``json``, not as ``jsonb`` (which Django builds, to compare and index):
    an export only writes it out, and ``json`` costs the server less."""

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_BUILD_ARRAY", **extra_context)


class LinkRows(Subquery):
    """One event's links, ``queryset`` filtered on ``OuterRef("pk")`` and ordered, as one JSON text: an array of
    the ``cells`` of each link, in the queryset's order (``[]`` for none).

    The order is the sorted subquery's, which both databases keep when an aggregate reads it alone, as here
    (PostgreSQL's documentation gives this form for ordering an aggregate's input; SQLite before 3.44 has no ORDER BY
    inside an aggregate); tests check the order on both."""

    output_field = TextField()
    template = "(SELECT json_group_array(json(links.cells)) FROM (%(subquery)s) links)"

    def __init__(self, queryset, *cells):
        super().__init__(queryset.values(cells=Cells(*cells)))

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "(SELECT COALESCE(json_agg(links.cells), '[]')::text FROM (%(subquery)s) links)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def exported_rows(events):
    """``events``' rows: the values of ``EVENT_FIELDS``, then the JSON (``LinkRows``) of their organisations, their
    people (with the name and address the public knows, or null for someone it may not see) and their citations."""
    return events.prefetch_related(None).values_list(*EVENT_FIELDS, *link_rows())


@cache
def link_rows():
    """The ``LinkRows`` of an event's organisations, people and citations, built once: building them took a tenth
    of a list page's time, and Django copies an expression before it resolves it in a query."""
    per_event = OuterRef("pk")
    public_person = Person.objects.public().filter(pk=OuterRef("person_id")).annotate(public_slug=PUBLIC_SLUG)
    return (
        LinkRows(
            EventOrganisation.objects.filter(event=per_event).order_by(*ORGANISATION_LINK_ORDER), *ORGANISATION_CELLS
        ),
        LinkRows(
            EventPerson.objects.filter(event=per_event).order_by("pk"),
            "person_id",
            "role",
            Subquery(public_person.order_by().values(shown=Cells("name_shown", "public_slug"))),
        ),
        LinkRows(Citation.objects.filter(event=per_event).order_by("pk"), *CITATION_CELLS),
    )


# libpq sends rows a chunk at a time from version 17; before, one at a time.
STREAMS_CHUNKS = psycopg.pq.version() >= 170000


def streamed(queryset, chunk_size):
    """``queryset``'s rows as tuples, as they come.

    On PostgreSQL the server sends them ahead of the reader, so that it works out the next rows while Python writes
    these (Django's ``iterator()`` asks for each chunk and waits for it): with the links in the same query, a row
    costs half what it did at a million events (bench/RESULTS.md).
    Nothing else may use the connection until the rows are read or the iterator is closed, which cancels the query.
    Its values need none of Django's conversions (the JSON is text)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a filter that can match nothing (a search of no word): no query, as Django does
        return
    with connection.cursor() as cursor:
        # Logged as Django logs what it runs itself (connection.queries when debugging, assertNumQueries).
        logged = cursor.debug_sql(sql, params) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
        with logged:
            yield from cursor.cursor.stream(sql, params, size=chunk_size if STREAMS_CHUNKS else 1)


def exported_events(events, chunk_size):
    """Each of ``events`` (a queryset, in its order) as a dict of ``EVENT_FIELDS``, with:

    - ``date``: the ``Interval`` its five date columns hold;
    - ``organisations``: an ``OrganisationLink`` per link;
    - ``people``: a ``PublicPerson`` per link to someone the public may see (``Person.objects.public()``), by the
      name and address the public knows;
    - ``people_withheld``: how many others it concerns (each counted once), never who;
    - ``citations``: a ``CitationRow`` per citation, and ``sources`` one of each source's (for its fields), in the
      order of their first citation;
    - ``alleged``: whether every citation reports it as an allegation; ``alleged_by``: whose, each once.

    One query, however many events and links; memory holds ``chunk_size`` rows.
    """
    loads = json.loads
    for *values, organisations, people, citations in streamed(exported_rows(events), chunk_size):
        row = dict(zip(EVENT_FIELDS, values, strict=True))
        row["organisations"] = [OrganisationLink._make(cells) for cells in loads(organisations)]
        row["people"], withheld = [], set()
        for person_id, role, shown in loads(people):
            if shown is None:
                withheld.add(person_id)
            else:
                row["people"].append(PublicPerson(person_id, *shown, role))
        row["people_withheld"] = len(withheld)
        row["citations"] = event_citations = [citation_row(cells) for cells in loads(citations)]
        row["sources"] = list({citation.source_id: citation for citation in event_citations}.values())
        row["alleged"] = all_alleged([citation.reported_as for citation in event_citations])
        row["alleged_by"] = claimants((citation.reported_as, citation.alleged_by) for citation in event_citations)
        row["date"] = interval_from_columns(*(row[column] for column in DATE_COLUMNS))
        yield row


def citation_row(cells):
    """A ``CitationRow`` from its JSON cells, its dates as dates."""
    for index in CITATION_DATES:
        if cells[index]:
            cells[index] = datetime.date.fromisoformat(cells[index])
    return CitationRow._make(cells)
