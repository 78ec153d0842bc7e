"""Time the public pages at two sizes of data (a benchmark, not a test).

Uses the throwaway SQLite database and the synthetic events of ``csv_memory.py``, then requests each page several
times through Django's test client and prints the median time and the number of queries. Paginated pages should
cost about the same at both sizes; counts and filters cost more as rows grow. Run from the project root:

    python bench/pages.py [SMALL LARGE]    # default 1000 10000 events
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from csv_memory import add_events, configure

PAGES = [
    "/",
    "/events/",
    "/events/?type=dissolution&from=2016-01&to=2017-06",
    "/events/?q=association",
    "/organisations/",
    "/organisations/?status=dissolved",
    "/people/",
    "/sources/",
    "/events/1/",
]
REPEATS = 5


def measure(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for url in PAGES:
        timings = []
        for _ in range(REPEATS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        results[url] = (statistics.median(timings) * 1000, len(queries))
    return results


def main():
    small, large = (int(arg) for arg in sys.argv[1:3]) if len(sys.argv) >= 3 else (1000, 10000)
    with tempfile.TemporaryDirectory() as folder:
        configure(Path(folder) / "bench.sqlite3")
        from django.test import Client

        client = Client()
        add_events(0, small)
        client.get("/")  # warm the URL resolver and templates
        first = measure(client)
        add_events(small, large - small)
        second = measure(client)
    print(f"{'page':<52} {small:>7} ev. ms  q {large:>7} ev. ms  q")
    for url in PAGES:
        (ms_small, q_small), (ms_large, q_large) = first[url], second[url]
        print(f"{url:<52} {ms_small:>13.1f} {q_small:>2} {ms_large:>13.1f} {q_large:>2}")


if __name__ == "__main__":
    main()
