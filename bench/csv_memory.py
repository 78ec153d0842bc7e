"""Show that streaming events.csv keeps memory flat as rows grow (a benchmark, not a test).

Builds a throwaway SQLite database, fills it with published events, each concerning two organisations and one
person and citing one source, then streams /events.csv at two sizes and prints the peak Python memory
(tracemalloc) and the time taken. The peak depends on the chunk size of the export (Django holds at most two chunks
of rows with their prefetched links), not on the number of rows. Run from the project root:

    python bench/csv_memory.py [SMALL LARGE]    # default 5000 25000 rows
"""

import datetime
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def configure(database):
    # DEBUG stays off: with it on, Django keeps every query in memory and the measure would grow with rows.
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    # Pages name the static files by their hashed names, from the manifest that collectstatic writes, as deployed.
    os.environ["DJANGO_STATIC_ROOT"] = str(Path(database).parent / "static")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicspace.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def add_events(first, count):
    from civicspace.dates import DatePrecision, Interval, PartialDate
    from events.models import Citation, Event, EventOrganisation, EventPerson, EventStatus, Source
    from organisations.models import Organisation, Person

    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {first + n}", slug=f"organisation-{first + n}", kind="association")
        for n in range(count // 10 + 2)
    )
    people = Person.objects.bulk_create(
        Person(name=f"Person Goïta {first + n}", slug=f"person-{first + n}") for n in range(count // 10 + 1)
    )
    sources = Source.objects.bulk_create(
        Source(title=f"Report {first + n}", publisher="Publisher", url=f"https://example.org/{first + n}")
        for n in range(count // 10 + 1)
    )
    start = datetime.date(2015, 1, 1)
    events = Event.objects.bulk_create(
        Event(
            title=f"Event {first + n}",
            event_type="dissolution",
            date=Interval.single(PartialDate.of(start + datetime.timedelta(days=n % 3000), DatePrecision.DAY)),
            country="ML",
            summary="The authorities dissolved an association. " * 5,
            status=EventStatus.PUBLISHED,
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


def stream_events_csv():
    """(rows, bytes, peak bytes of Python memory, seconds) for one full download of /events.csv."""
    from django.test import RequestFactory

    from events.views import EventCsvView

    request = RequestFactory().get("/events.csv")
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    response = EventCsvView.as_view()(request)
    lines = size = 0
    for chunk in response.streaming_content:
        lines += 1
        size += len(chunk)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return lines - 1, size, peak, seconds


def main():
    small, large = (int(arg) for arg in sys.argv[1:3]) if len(sys.argv) >= 3 else (5000, 25000)
    with tempfile.TemporaryDirectory() as folder:
        configure(Path(folder) / "bench.sqlite3")
        add_events(0, small)
        stream_events_csv()  # once first, so that imports and the URL resolver are not counted
        results = [(small, *stream_events_csv())]
        add_events(small, large - small)
        results.append((large, *stream_events_csv()))
    print(f"{'rows':>8} {'CSV MiB':>8} {'peak MiB':>9} {'seconds':>8}")
    for count, rows, size, peak, seconds in results:
        if rows != count:
            raise SystemExit(f"streamed {rows} rows, expected {count}")
        print(f"{rows:>8} {size / 2**20:>8.1f} {peak / 2**20:>9.1f} {seconds:>8.2f}")
    growth = results[1][3] / results[0][3]
    print(f"{large // small}x the rows, {growth:.2f}x the peak memory.")


if __name__ == "__main__":
    main()
