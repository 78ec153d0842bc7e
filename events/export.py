"""The full exports' reading of events: rows read as values, never as model instances, a chunk at a time, with the
organisations, people and citations of a chunk's events read in one query each.

At a million events, building model instances and running ``for_listing()``'s prefetches for each chunk took nine
tenths of an export's time; values and four flat queries a chunk read the same facts in a fraction of it (issue 9,
bench/RESULTS.md). The rule of who may be named is the one of the pages: ``Person.objects.public()``.
"""

import json
from itertools import islice
from typing import NamedTuple

from django.db import connections
from django.db.models.expressions import RawSQL

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


# What the exports read of each link, as named rows (``link.role``), each field from its path; the order within an
# event is the one of the pages (``Event.for_listing()``): organisations by name, people and citations in the order
# they were added.
class OrganisationLink(NamedTuple):
    event_id: int
    id: int
    name: str
    acronym: str
    slug: str
    role: str


ORGANISATION_LINK_PATHS = ("event_id", "organisation_id", "organisation__name", "organisation__acronym")
ORGANISATION_LINK_PATHS += ("organisation__slug", "role")


class CitationRow(NamedTuple):
    event_id: int
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


CITATION_PATHS = ("event_id", "source_id", "source__publisher", "source__title", "source__url", "reported_as")
CITATION_PATHS += ("alleged_by", "quote", "location", *(f"source__published_{part}" for part in PARTS))


class PublicPerson(NamedTuple):
    id: int
    name: str
    slug: str
    role: str


def in_chunks(rows, size):
    """Lists of up to ``size`` of ``rows``, as they come."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def by_event(rows):
    """{event id: [rows, in order]} from named rows with an ``event_id``."""
    grouped = {}
    for row in rows:
        grouped.setdefault(row.event_id, []).append(row)
    return grouped


def named_rows(queryset, row_class, paths, order):
    """``queryset``'s rows in ``order``, as ``row_class`` tuples of the values at ``paths``."""
    return map(row_class._make, queryset.order_by(*order).values_list(*paths))


def among(ids, using):
    """A subquery of the integers ``ids`` for database ``using``, sent as one JSON parameter:
    ``field__in=among(ids, using)``. Django checks and converts each value of a plain ``__in`` list in Python, a third
    of an export's time at 2,000 ids a chunk."""
    if connections[using].vendor == "postgresql":
        sql = "SELECT value::bigint FROM json_array_elements_text(%s::json)"
    else:
        sql = "SELECT value FROM json_each(%s)"
    return RawSQL(sql, [json.dumps(list(ids))])  # noqa: S611 - constant SQL; the ids are one parameter


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

    Four queries a chunk besides the events' own, however many links; memory holds one chunk.
    """
    rows = events.prefetch_related(None).values(*EVENT_FIELDS).iterator(chunk_size=chunk_size)
    for chunk in in_chunks(rows, chunk_size):
        ids = among([row["pk"] for row in chunk], events.db)
        links = EventOrganisation.objects.filter(event_id__in=ids)
        organisations = by_event(named_rows(links, OrganisationLink, ORGANISATION_LINK_PATHS, ORGANISATION_LINK_ORDER))
        person_links = by_event(
            EventPerson.objects.filter(event_id__in=ids)
            .order_by("pk")
            .values_list("event_id", "person_id", "role", named=True)
        )
        linked = {link.person_id for event_links in person_links.values() for link in event_links}
        public = {
            person.pk: person
            for person in Person.objects.public()
            .filter(pk__in=among(linked, events.db))
            .annotate(public_slug=PUBLIC_SLUG)
            .values_list("pk", "name_shown", "public_slug", named=True)
        }
        citations = by_event(named_rows(Citation.objects.filter(event_id__in=ids), CitationRow, CITATION_PATHS, ["pk"]))
        for row in chunk:
            event_links = person_links.get(row["pk"], ())
            row["organisations"] = organisations.get(row["pk"], ())
            row["people"] = [
                PublicPerson(
                    link.person_id, public[link.person_id].name_shown, public[link.person_id].public_slug, link.role
                )
                for link in event_links
                if link.person_id in public
            ]
            row["people_withheld"] = len({link.person_id for link in event_links if link.person_id not in public})
            row["citations"] = event_citations = citations.get(row["pk"], ())
            row["sources"] = list({citation.source_id: citation for citation in event_citations}.values())
            row["alleged"] = all_alleged([citation.reported_as for citation in event_citations])
            row["alleged_by"] = claimants((citation.reported_as, citation.alleged_by) for citation in event_citations)
            row["date"] = interval_from_columns(*(row[column] for column in DATE_COLUMNS))
            yield row
