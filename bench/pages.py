"""Time the public pages at two sizes of data (a benchmark, not a test).

Uses the throwaway SQLite database and the synthetic events of ``csv_memory.py``, then requests each page several
times through Django's test client and prints the median time and the number of queries. Paginated pages should
cost about the same at both sizes. Each page is timed twice: its first request after the cache is emptied (the
count and the facets' counts are computed) and the median of the next ones (kept until the public data changes).
Run from the project root:

    python bench/pages.py [SMALL LARGE]     # default 1000 10000 events
    python bench/pages.py --database PATH   # a SQLite file filled by manage.py generate_data, as it is
    python bench/pages.py --database postgres://...   # or a PostgreSQL database
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from csv_memory import configure

PAGES = [
    "/",
    "/events/",
    "/events/?type=dissolution&from=2016-01&to=2017-06",
    "/events/?q=association",
    "/organisations/",
    "/organisations/?status=dissolved",
    "/people/",
    "/sources/",
    "/events/?country=BF&type=arrest",
    "/events/?outcome=pending&from=2020",
    "/events/1/",
]
REPEATS = 5


def measure(client):
    """{url: (ms of the first request on an empty cache, median ms after it, queries after it, KiB)}."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for url in PAGES:
        cache.clear()
        timings = []
        for _ in range(REPEATS + 1):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        kib = len(response.content) / 1024
        results[url] = (timings[0] * 1000, statistics.median(timings[1:]) * 1000, len(queries), kib)
    return results


def report(sizes, measures):
    print(f"{'page':<44}" + "".join(f" {size:>9} ev.: first / then ms   q   KiB" for size in sizes))
    for url in PAGES:
        cells = "".join(
            f" {first:>19.0f} / {then:>6.0f} {queries:>3} {kib:>5.0f}"
            for first, then, queries, kib in (measure[url] for measure in measures)
        )
        print(f"{url:<44}{cells}")


def main():
    from django.test import Client

    if sys.argv[1:2] == ["--database"]:
        database = sys.argv[2] if "://" in sys.argv[2] else Path(sys.argv[2]).resolve()
        configure(database, static_root=Path(tempfile.mkdtemp()) / "static")
        from events.models import Event

        client = Client()
        client.get("/")  # warm the URL resolver and templates
        report([Event.objects.count()], [measure(client)])
        return
    small, large = (int(arg) for arg in sys.argv[1:3]) if len(sys.argv) >= 3 else (1000, 10000)
    with tempfile.TemporaryDirectory() as folder:
        configure(Path(folder) / "bench.sqlite3")
        from events.synthetic import add_events, settle

        client = Client()
        add_events(0, small)
        settle()
        client.get("/")
        first = measure(client)
        add_events(small, large - small)
        settle()
        second = measure(client)
    report([small, large], [first, second])


if __name__ == "__main__":
    main()
