"""Show that streaming events.csv and events.json keeps memory flat as rows grow (a benchmark, not a test).

Builds a throwaway SQLite database, fills it with synthetic events (``events/synthetic.py``), then streams /events.csv
and /events.json?_size=all at two sizes and prints the peak Python memory (tracemalloc) and the time taken. The peak
depends on the chunk size of the export (Django holds at most two chunks of rows with their prefetched links), not on
the number of rows. Run from the project root:

    python bench/csv_memory.py [SMALL LARGE]    # default 5000 25000 rows
"""

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def configure(database, static_root=None):
    """Django set up on ``database``: a SQLite file's path, or a database URL (postgres://...)."""
    # DEBUG stays off: with it on, Django keeps every query in memory and the measure would grow with rows.
    os.environ["DATABASE_URL"] = database if "://" in str(database) else f"sqlite:///{database}"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    # Pages name the static files by their hashed names, from the manifest that collectstatic writes, as deployed.
    # Beside a SQLite file; for a database URL, in the temporary folder (its "parent" would be a folder named
    # "postgres:" in the working directory).
    beside = Path(tempfile.gettempdir()) if "://" in str(database) else Path(database).parent
    os.environ["DJANGO_STATIC_ROOT"] = str(static_root or beside / "static")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicspace.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def public_events():
    """The rows a full export should hold: the export's own queryset, so the public rule is not spelled again."""
    from events.views import EventCsvView

    return EventCsvView.queryset.count()


def stream_events(path):
    """(rows, bytes, peak bytes of Python memory, seconds) for one full download of ``path``: /events.csv or
    /events.json?_size=all."""
    from django.test import RequestFactory

    from events.views import EventCsvView, EventJsonView

    view = EventJsonView if path.startswith("/events.json") else EventCsvView
    request = RequestFactory().get(path)
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    response = view.as_view()(request)
    pieces = size = 0
    for chunk in response.streaming_content:
        pieces += 1
        size += len(chunk)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # One piece a row, after the CSV's header or the JSON's head, and the JSON's closing brackets.
    return pieces - (2 if view is EventJsonView else 1), size, peak, seconds


EXPORTS = ("/events.csv", "/events.json?_size=all")


def main():
    small, large = (int(arg) for arg in sys.argv[1:3]) if len(sys.argv) >= 3 else (5000, 25000)
    with tempfile.TemporaryDirectory() as folder:
        configure(Path(folder) / "bench.sqlite3")
        from events.synthetic import add_events, settle

        add_events(0, small)
        settle()
        for path in EXPORTS:
            stream_events(path)  # once first, so that imports and the URL resolver are not counted
        results = [(path, public_events(), *stream_events(path)) for path in EXPORTS]
        add_events(small, large - small)
        settle()
        results += [(path, public_events(), *stream_events(path)) for path in EXPORTS]
    print(f"{'export':<24} {'rows':>8} {'MiB':>8} {'peak MiB':>9} {'seconds':>8}")
    for path, count, rows, size, peak, seconds in results:
        if rows != count:
            raise SystemExit(f"{path} streamed {rows} rows, expected {count}")
        print(f"{path:<24} {rows:>8} {size / 2**20:>8.1f} {peak / 2**20:>9.1f} {seconds:>8.2f}")
    for index, path in enumerate(EXPORTS):
        growth = results[len(EXPORTS) + index][4] / results[index][4]
        print(f"{path}: {large // small}x the rows, {growth:.2f}x the peak memory.")


if __name__ == "__main__":
    main()
