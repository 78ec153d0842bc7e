"""Show that streaming events.csv keeps memory flat as rows grow (a benchmark, not a test).

Builds a throwaway SQLite database, fills it with published events, each concerning two organisations and one
person and citing one source, then streams /events.csv at two sizes and prints the peak Python memory
(tracemalloc) and the time taken. The peak depends on the chunk size of the export (Django holds at most two chunks
of rows with their prefetched links), not on the number of rows. Run from the project root:

    python bench/csv_memory.py [SMALL LARGE]    # default 5000 25000 rows
"""

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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicspace.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def public_events():
    """The rows a full export should hold: the export's own queryset, so the public rule is not spelled again."""
    from events.views import EventCsvView

    return EventCsvView.queryset.count()


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
        from events.synthetic import add_events, settle

        add_events(0, small)
        settle()
        stream_events_csv()  # once first, so that imports and the URL resolver are not counted
        results = [(public_events(), *stream_events_csv())]
        add_events(small, large - small)
        settle()
        results.append((public_events(), *stream_events_csv()))
    print(f"{'rows':>8} {'CSV MiB':>8} {'peak MiB':>9} {'seconds':>8}")
    for count, rows, size, peak, seconds in results:
        if rows != count:
            raise SystemExit(f"streamed {rows} rows, expected {count}")
        print(f"{rows:>8} {size / 2**20:>8.1f} {peak / 2**20:>9.1f} {seconds:>8.2f}")
    growth = results[1][3] / results[0][3]
    print(f"{large // small}x the rows, {growth:.2f}x the peak memory.")


if __name__ == "__main__":
    main()
