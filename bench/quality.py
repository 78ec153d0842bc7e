"""Time the data-quality page's quote check against kept copies at two sizes (a benchmark, not a test).

Builds a throwaway SQLite database of sources, each with a text copy of about 30 KB and four quoted citations (in
one source in ten, one of them is not in the copy), then runs the check the page runs and prints its time, peak
Python memory (tracemalloc) and queries. It reads at most QUOTE_CHECK_SOURCE_LIMIT sources, QUOTE_CHECK_CHUNK at a
time, and stops at the page's 500 rows, so beyond those limits the cost stops growing. Run from the project root:

    python bench/quality.py [SMALL LARGE]    # default 200 2000 sources
"""

import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from csv_memory import configure

PARAGRAPH = (
    "The transitional authorities \u201cdissolved\u201d the association by decree, citing\n"
    "remarks they called defamatory and subversive; its members said they would appeal. "
)


def add_sources(first, count):
    from events.models import Citation, Event, EventStatus, Source, SourceCopy

    sources = Source.objects.bulk_create(
        Source(title=f"Report {first + n}", publisher="Publisher") for n in range(count)
    )
    event = Event.objects.create(
        title="Event", event_type="dissolution", date="2024-03-06", country="ML", summary="s", status=EventStatus.DRAFT
    )
    for source in sources:
        # Saved one by one: the hash is computed on save, as in the admin.
        SourceCopy(source=source, text=f"Report {source.pk}. " + PARAGRAPH * 200).save()
    Citation.objects.bulk_create(
        Citation(event=event, source=source, quote=quote)
        for source in sources
        for quote in (
            'The transitional authorities "dissolved" the association',
            "remarks they called defamatory and subversive",
            f"Report {source.pk}.",
            # One source in ten has a quote its copy lacks: the check reads every source it may.
            "a passage the copy does not hold" if source.pk % 10 == 0 else "its members said they would appeal",
        )
    )


def measure():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events.archive import quotes_missing_from_copies

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        missing, checked = quotes_missing_from_copies(limit=500)
        seconds = time.perf_counter() - started
    # Measured on a second run: tracemalloc slows Python down several times.
    tracemalloc.start()
    quotes_missing_from_copies(limit=500)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return checked, len(missing), seconds, peak, len(queries)


def main():
    import tempfile

    small, large = (int(arg) for arg in sys.argv[1:3]) if len(sys.argv) >= 3 else (200, 2000)
    with tempfile.TemporaryDirectory() as folder:
        configure(Path(folder) / "bench.sqlite3")
        print(f"{'sources':>8} {'checked':>8} {'missing':>8} {'seconds':>8} {'peak MiB':>9} {'queries':>8}")
        add_sources(0, small)
        for size in (small, large):
            if size == large:
                add_sources(small, large - small)
            checked, missing, seconds, peak, queries = measure()
            print(f"{size:>8} {checked:>8} {missing:>8} {seconds:>8.2f} {peak / 2**20:>9.1f} {queries:>8}")


if __name__ == "__main__":
    main()
