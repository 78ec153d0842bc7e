"""Check and commit CSV imports at the size limit, as a web worker would (a benchmark, not a test).

Target: a file at the limits (5 MB, 5,000 rows, and for events 15,000 organisations, people and sources named, as
far as the rows reach) is checked in under 10 s and committed (checked again, then written with its history) in
under 20 s, well inside gunicorn's 30 s timeout, with the worker's peak memory (resident set) under 200 MB, for each
of the four kinds. The seconds are wall-clock; the worker's CPU seconds are printed beside them, since a shared
machine stretches the wall clock (the load average is printed too).

Builds a throwaway database (SQLite, or PostgreSQL with --postgres), adds 1,000 organisations, people and sources
for events to name, then for each case posts the file to the admin's import page through Django's test client (the
check), posts the commit, and prints the seconds each took and the peak resident memory of the process. Each case
runs in a fresh process so that its peak is its own. Run from the project root:

    python bench/import_size.py                                           # SQLite in a temporary folder
    python bench/import_size.py --postgres postgres://postgres@127.0.0.1:5432/postgres   # a throwaway database there
"""

import argparse
import csv
import datetime
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEEDED = 1000  # organisations, people and sources that event rows name
CHECK_TARGET, COMMIT_TARGET, MEMORY_TARGET_MIB = 10, 20, 200
CASES = {
    # name: (kind, what the rows are)
    "events": ("events", "new events naming an organisation, a person, a source; 1 in 10 with an end date"),
    "events-long": ("events", "new events written like the export, with long summaries"),
    "events-update": ("events", "the first case's events again, by id: a new title and one role changed"),
    "organisations": ("organisations", "new organisations"),
    "people": ("people", "new people"),
    "sources": ("sources", "new sources with a publication date and a link"),
}


def configure(database_url):
    # DEBUG stays off: with it on, Django keeps every query in memory and the measure would grow with rows.
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_COOKIES"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicspace.settings")
    import django

    django.setup()


def prepare(database_url):
    """Migrate and add what event rows name, and a reviewer."""
    configure(database_url)
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from events.models import Source
    from organisations.models import Organisation, Person

    call_command("migrate", verbosity=0)
    Organisation.objects.bulk_create(
        Organisation(name=f"O{n}", slug=f"o{n}", kind="association", country="ML") for n in range(SEEDED)
    )
    Person.objects.bulk_create(Person(name=f"P{n}", slug=f"p{n}", country="ML") for n in range(SEEDED))
    Source.objects.bulk_create(Source(title=f"R{n}", publisher="Publisher") for n in range(SEEDED))
    reviewer = User.objects.create_user("bench-reviewer", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))


def file_at_the_limit(header, make_row):
    """CSV bytes with rows from ``make_row(n)`` until the next row would pass 5 MB or the row limit."""
    from events.imports import MAX_FILE_BYTES, MAX_ROWS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    size = len(out.getvalue().encode())
    for number in range(MAX_ROWS):
        line = io.StringIO()
        csv.writer(line).writerow(make_row(number))
        encoded = len(line.getvalue().encode())
        if size + encoded > MAX_FILE_BYTES:
            break
        out.write(line.getvalue())
        size += encoded
    return out.getvalue().encode()


def day(number):
    return datetime.date(2015, 1, 1) + datetime.timedelta(days=number * 7919 % 3650)


def event_file(case):
    from events.models import Event
    from events.views import EVENT_CSV_HEADER

    def short(number, role="perpetrator"):
        n = number % SEEDED
        end = (day(number) + datetime.timedelta(days=30)).isoformat() if number % 10 == 0 else ""
        cells = {"date": day(number).isoformat(), "type": "arrest", "title": f"E{number}", "summary": "S"}
        cells |= {"organisations": f"O{n} [{role}]", "people": f"P{n}", "sources": f"R{n}"}
        cells |= {"end_date": end, "country": "ML"}
        return [cells.get(column, "") for column in EVENT_CSV_HEADER]

    def long(number):
        n = number % SEEDED
        cells = {
            "date": day(number).isoformat()[:7],
            "date_precision": "month",
            "type": "dissolution",
            "title": f"The authorities dissolve association number {number} by decree",
            "summary": "The council of ministers dissolved the association, citing a threat to public order. " * 9,
            "organisations": f"O{n} [perpetrator]",
            "people": f"P{n} [spokesperson]",
            "sources": f"Publisher: R{n}",
            "date_certainty": "inferred",
            "country": "ML",
            "location": "Bamako",
            "outcome": "carried_out",
            "authority": "the minister of territorial administration",
            "justification": '"Activities contrary to public order", according to the decree.',
        }
        return [cells.get(column, "") for column in EVENT_CSV_HEADER]

    if case == "events-update":
        events = Event.objects.filter(title__regex=r"^E[0-9]+$").order_by("pk").values_list("pk", "title")
        by_number = {int(title[1:]): pk for pk, title in events}

        def update(number):
            row = short(number, role="other")
            row[EVENT_CSV_HEADER.index("id")] = by_number[number]
            row[EVENT_CSV_HEADER.index("title")] = f"Event {number}, title corrected"
            return row

        return file_at_the_limit(EVENT_CSV_HEADER, update) if by_number else None
    return file_at_the_limit(EVENT_CSV_HEADER, long if case == "events-long" else short)


def records_file(kind):
    if kind == "organisations":
        header = ["id", "name", "acronym", "kind", "country"]
        return file_at_the_limit(header, lambda n: ["", f"Organisation {n}", "", "association", "ML"])
    if kind == "people":
        return file_at_the_limit(["id", "name", "country"], lambda n: ["", f"Person {n}", "ML"])
    header = ["id", "title", "publisher", "published", "link", "language"]
    return file_at_the_limit(
        header, lambda n: ["", f"Report {n}", "Publisher", day(n).isoformat()[:7], f"https://example.org/{n}", "fr"]
    )


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_case(database_url, case):
    """Check, then commit, one file through the admin's import page; a dict of figures."""
    configure(database_url)
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    kind = CASES[case][0]
    data = event_file(case) if kind == "events" else records_file(kind)
    if data is None:
        return {"case": case, "skipped": "run the events case first"}
    rows = data.count(b"\n") - 1
    client = Client()
    client.force_login(User.objects.get(username="bench-reviewer"))
    url = reverse("admin:events_import")
    client.get(url)  # once first, so that imports, templates and the URL resolver are not counted
    at_rest = peak_mib()

    started, cpu = time.perf_counter(), cpu_seconds()
    checked = client.post(url, {"kind": kind, "file": SimpleUploadedFile(f"{kind}.csv", data), "_dry_run": "1"})
    check_seconds, check_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    token = re.search(rb'name="token" value="([^"]+)"', checked.content)
    if token is None:
        problem = re.search(rb"<li>(.*?)</li>|<td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>", checked.content)
        return {"case": case, "failed": (problem.group(0) if problem else checked.content[:500]).decode()}
    after_check = peak_mib()

    started, cpu = time.perf_counter(), cpu_seconds()
    committed = client.post(url, {"token": token.group(1).decode(), "_commit": "1"})
    commit_seconds, commit_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if committed.status_code != 302:
        return {"case": case, "failed": f"commit answered {committed.status_code}"}
    return {
        "case": case,
        "rows": rows,
        "mib": len(data) / 2**20,
        "check": check_seconds,
        "check_cpu": check_cpu,
        "commit": commit_seconds,
        "commit_cpu": commit_cpu,
        "load": os.getloadavg()[0],
        "at_rest": at_rest,
        "after_check": after_check,
        "peak": peak_mib(),
    }


def create_database(server_url):
    """A new, empty PostgreSQL database on the server ``server_url`` names; its URL."""
    import psycopg

    name = f"bench_import_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return name, server_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(server_url, name):
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server (any database on it) to use instead")
    # In a child process: prepare the database, or run one case.
    parser.add_argument("--case", choices=["prepare", *CASES], help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.case == "prepare":
        prepare(arguments.database)
        return
    if arguments.case:
        print(json.dumps(run_case(arguments.database, arguments.case)))
        return
    with tempfile.TemporaryDirectory() as folder:
        if arguments.postgres:
            name, database_url = create_database(arguments.postgres)
        else:
            database_url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        try:
            prepare_command = [sys.executable, __file__, "--case", "prepare", "--database", database_url]
            subprocess.run(prepare_command, check=True)
            results = [measure_in_child(database_url, case) for case in CASES]
        finally:
            if arguments.postgres:
                drop_database(arguments.postgres, name)
    report(results, "PostgreSQL" if arguments.postgres else "SQLite")


def measure_in_child(database_url, case):
    command = [sys.executable, __file__, "--case", case, "--database", database_url]
    finished = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if finished.returncode:
        return {"case": case, "failed": finished.stderr.strip().splitlines()[-1:]}
    return json.loads(finished.stdout.strip().splitlines()[-1])


def report(results, database):
    print(f"Imports at the limits on {database} (targets: check < {CHECK_TARGET} s, commit < {COMMIT_TARGET} s, ")
    print(f"peak memory < {MEMORY_TARGET_MIB} MiB). Seconds: wall-clock (the worker's CPU seconds).")
    print(f"{'case':<14} {'rows':>6} {'MiB':>4} {'check s':>10} {'commit s':>11} {'peak MiB':>8} {'load':>5}  rows")
    met = True
    for result in results:
        if "rows" not in result:
            print(f"{result['case']:<14} {result.get('failed') or result.get('skipped')}")
            met = False
            continue
        print(
            f"{result['case']:<14} {result['rows']:>6,} {result['mib']:>4.1f} "
            f"{result['check']:>4.1f} ({result['check_cpu']:>3.1f}) "
            f"{result['commit']:>5.1f} ({result['commit_cpu']:>3.1f}) "
            f"{result['peak']:>8.0f} {result['load']:>5.1f}  {CASES[result['case']][1]}"
        )
        met &= (
            result["check"] < CHECK_TARGET and result["commit"] < COMMIT_TARGET and result["peak"] < MEMORY_TARGET_MIB
        )
    print("Every case meets the target." if met else "NOT every case meets the target.")


if __name__ == "__main__":
    main()
