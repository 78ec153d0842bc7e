"""Synthetic events for benchmarks and load tests, made through the project's own models by bulk inserts: a region's
record at any size (``manage.py generate_data``). Never for a production database: it invents everything."""

import datetime

from django.core.management import call_command

from civicspace.dates import Interval, PartialDate
from civicspace.facets import bump_data_version
from events.counts import refresh_all_event_counts
from events.models import Citation, Event, EventOrganisation, EventPerson, EventStatus, Source
from events.status import refresh_statuses
from events.tally import refresh_tally
from organisations.models import Organisation, Person, Protection

TYPES = ["arrest", "dissolution", "suspension", "prosecution", "sentence", "exile", "censorship", "assembly_ban"]
# Most events are known to the day; some only to a month or a year, and some only as a range (issue 10).
PRECISIONS = ["day"] * 6 + ["month", "month", "year", "range"]


def event_date(n):
    day = datetime.date(2015, 1, 1) + datetime.timedelta(days=n % 3650)
    precision = PRECISIONS[n % len(PRECISIONS)]
    if precision == "range":
        later = day + datetime.timedelta(days=70)
        return Interval(PartialDate(day.year, day.month), PartialDate(later.year, later.month))
    return Interval.single(PartialDate.of(day, precision))


def add_events(first, count, chunk=20_000):
    """``count`` events numbered from ``first``, in chunks, like a region's record: mostly published (1 in 20 a
    draft), of eight types, dated at every precision, each concerning two organisations and one person (1 in 10
    pseudonymised, 1 in 10 withheld) and citing one source."""
    for start in range(first, first + count, chunk):
        add_chunk(start, min(chunk, first + count - start))


def add_chunk(first, count):
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {first + n}", slug=f"organisation-{first + n}", kind="association")
        for n in range(count // 10 + 2)
    )
    protections = [Protection.PSEUDONYMISED, Protection.WITHHELD] + [Protection.PUBLIC] * 8
    people = Person.objects.bulk_create(
        Person(
            name=f"Person Goïta {first + n}",
            slug=f"person-{first + n}",
            protection=protections[n % 10],
            pseudonym=f"Activist {first + n}" if protections[n % 10] == Protection.PSEUDONYMISED else "",
            pseudonym_slug=f"activist-{first + n}" if protections[n % 10] == Protection.PSEUDONYMISED else "",
        )
        for n in range(count // 10 + 1)
    )
    sources = Source.objects.bulk_create(
        Source(title=f"Report {first + n}", publisher="Publisher", url=f"https://example.org/{first + n}")
        for n in range(count // 10 + 1)
    )
    events = Event.objects.bulk_create(
        Event(
            title=f"Event {first + n}",
            event_type=TYPES[(first + n) % len(TYPES)],
            date=event_date(first + n),
            country=["ML", "ML", "ML", "BF", "NE"][(first + n) % 5],
            summary="The authorities dissolved an association. " * 5,
            status=EventStatus.DRAFT if (first + n) % 20 == 19 else EventStatus.PUBLISHED,
        )
        for n in range(count)
    )
    EventOrganisation.objects.bulk_create(
        EventOrganisation(event=event, organisation=organisations[n % len(organisations) - offset])
        for n, event in enumerate(events)
        for offset in (0, 1)
    )
    EventPerson.objects.bulk_create(
        EventPerson(event=event, person=people[n % len(people)]) for n, event in enumerate(events)
    )
    Citation.objects.bulk_create(
        Citation(event=event, source=sources[n % len(sources)], quote="dissolved") for n, event in enumerate(events)
    )


def settle():
    """What the site derives after a bulk load that skipped signals: statuses, stored counts, planner statistics."""
    # Statistics first: planned on the empty tables' statistics, PostgreSQL counts each organisation's events by
    # hashing every published event again (hours at a million).
    call_command("analyze", verbosity=0)
    refresh_statuses()
    refresh_all_event_counts()
    refresh_tally()
    bump_data_version()  # bulk inserts send no signal
