"""The public site at a size, served as deployed, beside its peers on the same data (issue 9; a benchmark, not a test).

Serves a database that `manage.py generate_data` filled with `make serve` (gunicorn, 2 workers, on 127.0.0.1), then:

- each page of the issue (lists filtered or not, a deep page, search, every kind of detail page): its first request
  (the cache is emptied once, before the first page, as a publication does), then p50 and p99 of ``--requests``
  more, and its size;
- ``/events.csv`` downloaded whole: rows a second and the peak memory of a gunicorn process;
- the peers in the same run: on PostgreSQL, ``COPY (query) TO STDOUT WITH CSV`` of the same published events (their
  own columns, then with their organisations', people's and sources' names joined as the export does); on SQLite,
  Datasette serving the same file (``--datasette``: its executable, installed apart, e.g. ``pip install datasette``
  in a venv of its own), its table page filtered alike with ``_nosuggest=1`` and its ``.csv?_stream=on``.

Prints Markdown tables; ``--write`` also puts them in bench/RESULTS.md, in place of the previous run's on the same
kind of database. Run from the project root after `make install`:

    python bench/million.py --database /path/to/bench.sqlite3 --datasette /path/to/venv/bin/datasette --write
    python bench/million.py --database postgres://postgres@127.0.0.1:5432/bench1m --write
"""

import argparse
import datetime
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# After the path to bench/ is set.
from export_server import download, free_port, peak_worker_memory, start_server, wait_until_ready  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"

# Our page, and the same question put to Datasette's table page (None: Datasette has no such page). Datasette reads
# the published events in the same order, newest first, 50 rows to a page as ours.
DATASETTE_TABLE = "/{database}/events_event?_nosuggest=1&_size=50&status__exact=published&_sort_desc=date_sort"
PAGES = [
    ("/", None),
    ("/events/", DATASETTE_TABLE),
    # Datasette's fastest page: the table in its own order, not by date.
    ("/events/ (Datasette in rowid order)", "/{database}/events_event?_nosuggest=1&_size=50&status__exact=published"),
    (
        "/events/?type=dissolution&from=2016-01&to=2017-06",
        DATASETTE_TABLE + "&event_type__exact=dissolution&date_sort__gte=2016-01-01&date_sort__lte=2017-06-30",
    ),
    ("/events/?country=BF&type=arrest", DATASETTE_TABLE + "&country__exact=BF&event_type__exact=arrest"),
    ("/events/?outcome=pending&from=2020", DATASETTE_TABLE + "&outcome__exact=pending&date_sort__gte=2020-01-01"),
    ("/events/?q=association", DATASETTE_TABLE + "&_search=association"),
    ("/events/?q=gendarmerie+dissolution", DATASETTE_TABLE + "&_search=gendarmerie+dissolution"),
    ("/organisations/", None),
    ("/organisations/?status=dissolved", None),
    ("/people/", None),
    ("/sources/", None),
]


def configure(database, cache):
    """Django set up in this process on ``database``, with the server's cache folder, so that it can empty it."""
    os.environ["DJANGO_CACHE_DIR"] = str(cache)
    from csv_memory import configure as configure_django

    configure_django(database, static_root=cache.parent / "static")


def detail_pages():
    """A deep page of the events list and the busiest record of each kind, each with its Datasette row (or None)."""
    from civicspace.pagination import FORWARD, encode, ordering_keys
    from civicspace.views import PAGE_SIZE
    from events.models import Event, Source
    from organisations.models import Organisation, Person

    events = Event.objects.public()
    keys = ordering_keys(events)
    deep = events.values_list(*(key.name for key in keys))[1000 * PAGE_SIZE - 1]
    newest = events.first()
    busiest = [
        model.objects.public().order_by("-public_event_count").first() for model in (Organisation, Person, Source)
    ]
    return [
        # Datasette's next page after a row, sorted by date: that row's date and id.
        (f"/events/?cursor={encode(FORWARD, deep)}", DATASETTE_TABLE + f"&_next={deep[0].isoformat()},{deep[-1]}"),
        (newest.get_absolute_url(), f"/{{database}}/events_event/{newest.pk}"),
        *((record.get_absolute_url(), None) for record in busiest),
    ]


def timed(port, path):
    """(seconds, bytes) of one request, read to its end; anything but 200 stops the benchmark."""
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=600) as response:
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
    return time.perf_counter() - started, len(body)


def percentile(values, share):
    """The value below which ``share`` of ``values`` lie (nearest rank, so p99 of 30 requests is the slowest)."""
    return sorted(values)[math.ceil(share * len(values)) - 1]


def measure_page(port, path, requests, first=False):
    """{first, p50, p99, kib} in ms and KiB: the first request timed apart (if ``first``), then ``requests`` more.
    Prints them as it goes, to standard error."""
    path = path.partition(" ")[0]  # a page measured twice is named twice
    first = timed(port, path)[0] * 1000 if first else None
    times, size = [], 0
    for _ in range(requests):
        seconds, size = timed(port, path)
        times.append(seconds * 1000)
    measured = {"first": first, "p50": statistics.median(times), "p99": percentile(times, 0.99), "kib": size / 1024}
    print(port, path, {name: round(value) for name, value in measured.items() if value is not None}, file=sys.stderr)
    return measured


def start_datasette(executable, database, port):
    return subprocess.Popen(
        [
            executable,
            "serve",
            str(database),
            "--immutable",
            str(database),
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--setting",
            "max_csv_mb",
            "0",
            "--setting",
            "sql_time_limit_ms",
            "30000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_for(port, path, process, within=120):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the peer stopped before it answered")
        try:
            timed(port, path)
            return
        except OSError:
            time.sleep(0.2)  # not listening yet
    raise SystemExit(f"nothing answered on {port} within {within} s")


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def copy_rate(joined):
    """Rows a second of PostgreSQL's COPY of the published events, newest first: their own columns, or (``joined``)
    with the names of their organisations, people and sources aggregated much as the export does (an approximation
    of its work for the comparison: the export's own rule of who may be named is ``Person.objects.public()``)."""
    from django.db import connection

    from events.export import EVENT_FIELDS
    from events.models import Event

    events = Event.objects.public().values(*EVENT_FIELDS)
    sql, params = events.query.sql_with_params()
    if joined:
        organisations = (
            "SELECT string_agg(o.name || ' [' || eo.role || ']', '; ' ORDER BY o.name)"
            " FROM events_eventorganisation eo JOIN organisations_organisation o ON o.id = eo.organisation_id"
            " WHERE eo.event_id = e.pk"
        )
        people = (
            "SELECT string_agg(CASE WHEN p.protection = 'pseudonymised' THEN p.pseudonym ELSE p.name END"
            " || ' [' || ep.role || ']', '; ' ORDER BY ep.id)"
            " FROM events_eventperson ep JOIN organisations_person p ON p.id = ep.person_id"
            " WHERE ep.event_id = e.pk AND p.protection <> 'withheld'"
        )
        sources = (
            "SELECT string_agg(s.publisher || ': ' || s.title, '; ' ORDER BY c.id)"
            " FROM events_citation c JOIN events_source s ON s.id = c.source_id WHERE c.event_id = e.pk"
        )
        # Built from Django's own compiled query and constant text; its parameters stay parameters.
        sql = f"SELECT e.*, ({organisations}), ({people}), ({sources}) FROM ({sql}) e"  # noqa: S608
    with connection.cursor() as cursor:
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV", params) as copy:
            for _block in copy:
                pass
        return events.count() / (time.perf_counter() - started)


def csv_rate(port, path):
    rows, size, seconds = download(port, path)
    print(port, path, f"{rows} rows, {rows / seconds:.0f} rows/s", file=sys.stderr)
    return rows, rows / seconds, size / 2**20


def load_average():
    return os.getloadavg()[0]


def run(arguments):
    from django.core.cache import cache
    from django.db import connection

    from events.models import Event

    kind = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    total, published = Event.objects.count(), Event.objects.public().count()
    pages = PAGES + detail_pages()
    port = free_port()
    server = start_server(port, Path(os.environ["DJANGO_CACHE_DIR"]).parent / "static")
    peer = None
    try:
        wait_until_ready(server, port)
        timed(port, "/")  # the first request of a worker loads the URL resolver and templates
        # The cache is emptied once, as a publication starts it afresh: the first page pays for what is remembered
        # for the whole record (the home page's summary, the values present in each facet), and each page's first
        # request for what is remembered for its own filters (its count, chart and facets' counts).
        cache.clear()
        ours = {path: measure_page(port, path, arguments.requests, first=True) for path, _ in pages}
        csv_rows, our_csv_rate, csv_mib = csv_rate(port, "/events.csv")
        memory = peak_worker_memory(server)
    finally:
        stop(server)
    peers, peer_csv = {}, {}
    if kind == "PostgreSQL":
        peer_csv = {"COPY, events' own columns": copy_rate(False), "COPY, names joined": copy_rate(True)}
    elif arguments.datasette:
        datasette_port = free_port()
        peer = start_datasette(arguments.datasette, arguments.database, datasette_port)
        try:
            wait_for(datasette_port, "/-/versions.json", peer)
            name = Path(arguments.database).stem
            peers = {
                path: measure_page(datasette_port, equivalent.format(database=name), arguments.requests)
                for path, equivalent in pages
                if equivalent
            }
            # In the table's order only: sorted by date, Datasette sorts the whole table again for each of its pages
            # of 1,000 rows (its sort ends with the rowid, which no index of the dates holds), some 15 minutes.
            datasette_csv = f"/{name}/events_event.csv?_stream=on&_size=max&status__exact=published"
            peer_csv = {
                "Datasette, events' own columns, in the table's order": csv_rate(datasette_port, datasette_csv)[1]
            }
        finally:
            stop(peer)
    return report(kind, total, published, arguments, ours, peers, (csv_rows, our_csv_rate, csv_mib, memory), peer_csv)


def report(kind, total, published, arguments, ours, peers, our_csv, peer_csv):
    csv_rows, rate, mib, memory = our_csv
    lines = [
        f"### {kind}, {total:,} events ({published:,} published)",
        "",
        f"{datetime.date.today().isoformat()}, load average {load_average():.1f} at the end, {arguments.requests} "
        f"requests a page after its first; `python bench/million.py --database {arguments.shown_database}"
        + (" --datasette DATASETTE" if arguments.datasette else "")
        + "`.",
        "",
        "| page | first ms | p50 ms | p99 ms | KiB | peer p50 ms | peer p99 ms | p50 ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for path, measured in ours.items():
        peer = peers.get(path)
        peer_cells = (
            f"{peer['p50']:,.0f} | {peer['p99']:,.0f} | {measured['p50'] / peer['p50']:.2f}" if peer else "— | — | —"
        )
        shown = path if len(path) < 60 else path[:40] + "…"
        lines.append(
            f"| `{shown}` | {measured['first']:,.0f} | {measured['p50']:,.0f} | {measured['p99']:,.0f} | "
            f"{measured['kib']:,.0f} | {peer_cells} |"
        )
    lines += [
        "",
        "| export | rows | rows/s | ratio to ours |",
        "| --- | ---: | ---: | ---: |",
        f"| `/events.csv`, every column ({mib:,.0f} MiB; peak gunicorn process {memory:.0f} MiB) | {csv_rows:,} | "
        f"{rate:,.0f} | 1 |",
        *(f"| {name} | | {peer_rate:,.0f} | {peer_rate / rate:.2f} |" for name, peer_rate in peer_csv.items()),
    ]
    return "\n".join(lines)


def write(section, kind):
    """Put ``section`` in RESULTS.md between this benchmark's markers for ``kind``, replacing the last run's."""
    start, end = f"<!-- million.py {kind} -->", f"<!-- end million.py {kind} -->"
    text = RESULTS.read_text()
    block = f"{start}\n{section}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _match: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="a SQLite file, or a postgres:// URL")
    parser.add_argument("--datasette", help="Datasette's executable, to serve a SQLite database beside ours")
    parser.add_argument("--requests", type=int, default=30, help="requests a page after its first (30)")
    parser.add_argument("--write", action="store_true", help="put the tables in bench/RESULTS.md")
    arguments = parser.parse_args()
    arguments.shown_database = arguments.database if "://" not in arguments.database else "postgres://..."
    if "://" not in arguments.database:
        arguments.database = str(Path(arguments.database).resolve())
    os.environ["WEB_CONCURRENCY"] = "2"
    with tempfile.TemporaryDirectory() as folder:
        configure(arguments.database, Path(folder) / "cache")
        os.environ["DATABASE_URL"] = (
            arguments.database if "://" in arguments.database else f"sqlite:///{arguments.database}"
        )
        section = run(arguments)
    print(section)
    if arguments.write:
        write(section, "PostgreSQL" if arguments.database.startswith("postgres") else "SQLite")


if __name__ == "__main__":
    main()
