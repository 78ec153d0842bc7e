"""The full exports' reading of events: rows read as values, never as model instances, a chunk at a time, with the
organisations, people and citations of a chunk's events read in one query each.

At a million events, building model instances and running ``for_listing()``'s prefetches for each chunk took nine
tenths of an export's time; values and three flat queries a chunk read the same facts in a fraction of it (issue 9,
bench/RESULTS.md). The rule of who may be named is the one of the pages: ``Person.objects.public()``.
"""

from itertools import islice

from organisations.models import PUBLIC_NAME, Person

from .models import ORGANISATION_LINK_ORDER, Citation, EventOrganisation, EventPerson

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

# Link rows as the exports read them; the order within an event is the one of the pages (``Event.for_listing()``):
# organisations by name, people and citations in the order they were added.
ORGANISATION_LINK_FIELDS = ("event_id", "organisation__name", "organisation__acronym", "role")
PERSON_LINK_FIELDS = ("event_id", "person_id", "role")
CITATION_FIELDS = (
    "event_id",
    "source_id",
    "source__publisher",
    "source__title",
    "source__url",
    "reported_as",
    "alleged_by",
)


def in_chunks(rows, size):
    """Lists of up to ``size`` of ``rows``, as they come."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def by_event(rows):
    """{event id: [the rest of each row, in order]} from rows whose first value is the event's id."""
    grouped = {}
    for event_id, *rest in rows:
        grouped.setdefault(event_id, []).append(rest)
    return grouped


def exported_events(events, chunk_size):
    """Each of ``events`` (a queryset, in its order) as a dict of ``EVENT_FIELDS``, with:

    - ``organisations``: ``[name, acronym, role]`` per link;
    - ``people``: ``[public name, role]`` per link to someone the public may see;
    - ``people_withheld``: how many others it concerns (each counted once), never who;
    - ``citations``: ``[source id, publisher, title, url, reported_as, alleged_by]`` per citation.

    Three queries a chunk besides the events' own, however many links; memory holds one chunk.
    """
    rows = events.prefetch_related(None).values(*EVENT_FIELDS).iterator(chunk_size=chunk_size)
    for chunk in in_chunks(rows, chunk_size):
        ids = [row["pk"] for row in chunk]
        organisations = by_event(
            EventOrganisation.objects.filter(event_id__in=ids)
            .order_by(*ORGANISATION_LINK_ORDER)
            .values_list(*ORGANISATION_LINK_FIELDS)
        )
        person_links = by_event(
            EventPerson.objects.filter(event_id__in=ids).order_by("pk").values_list(*PERSON_LINK_FIELDS)
        )
        linked = {person_id for links in person_links.values() for person_id, _role in links}
        public_names = dict(
            Person.objects.public()
            .filter(pk__in=linked)
            .annotate(public_name=PUBLIC_NAME)
            .values_list("pk", "public_name")
        )
        citations = by_event(Citation.objects.filter(event_id__in=ids).order_by("pk").values_list(*CITATION_FIELDS))
        for row in chunk:
            links = person_links.get(row["pk"], ())
            row["organisations"] = organisations.get(row["pk"], ())
            row["people"] = [[public_names[person], role] for person, role in links if person in public_names]
            row["people_withheld"] = len({person for person, _role in links if person not in public_names})
            row["citations"] = citations.get(row["pk"], ())
            yield row
