"""Load test: researchers browse and export while editors save, through `make serve` (a benchmark, not in CI).

Prepares the PostgreSQL database that DATABASE_URL names (migrates it and, when it has no events, fills it with
EVENTS published events), adds an editor account and a draft for each editor, starts `make serve` on a free port of
127.0.0.1, runs Locust (bench/locustfile.py) headless for MINUTES, then prints the response-time percentiles and
errors of each kind of request, and checks that every save the server acknowledged is in the database and its
history. Exits non-zero if any is missing.

    createdb civicspace_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civicspace_load python bench/load.py \\
        [--minutes 3] [--researchers 30] [--editors 6] [--events 20000]

Run from the project root after `make install` (Locust is in the dev dependencies).
"""

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from export_server import free_port, start_server, wait_until_ready  # noqa: E402

PASSWORD = "load-test-password-not-secret"  # noqa: S105 - accounts made for this run only


def prepare(events, editors):
    """Migrate and fill the database; the editors' accounts and drafts, and what the Locust users need to know."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicspace.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.urls import reverse

    from civicspace.dates import Interval, PartialDate
    from events.models import Citation, Event, EventStatus, Source
    from events.synthetic import add_events, settle
    from events.views import EventListView

    call_command("migrate", verbosity=0)
    if not Event.objects.exists():
        add_events(0, events)
        settle()
    source = Source.objects.order_by("pk").first()
    contributors = Group.objects.get(name="Contributors")
    accounts = []
    for number in range(editors):
        user, _ = User.objects.get_or_create(username=f"load-editor-{number}", defaults={"is_staff": True})
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(contributors)
        draft = Event.objects.create(
            title=f"load-editor-{number} draft",
            event_type="dissolution",
            date=Interval.single(PartialDate(2024, 3, 6)),
            country="ML",
            summary="A draft edited under load.",
            status=EventStatus.DRAFT,
        )
        Citation.objects.create(event=draft, source=source, quote="as reported")
        accounts.append({"username": user.username, "event": draft.pk})
    published = EventListView.queryset
    return {
        "admin": reverse("admin:index"),
        "password": PASSWORD,
        "editors": accounts,
        "source": source.pk,
        "pages": max(1, published.count() // 50),
        "published_ids": list(published.order_by("?").values_list("pk", flat=True)[:1000]),
    }


def missing_saves(acknowledgements):
    """(acknowledged saves, those the database lacks): each edit must be in the event's history, each added event
    must exist, and each edited event must hold its last acknowledged edit, or one tried after it whose answer was
    lost when the run stopped."""
    from events.models import Event

    text = acknowledgements.read_text() if acknowledgements.exists() else ""
    lines = [json.loads(line) for line in text.splitlines()]
    acknowledged = [line for line in lines if line["kind"] != "attempt"]
    missing, since_last_edit = [], {}
    for save in lines:
        if save["kind"] == "attempt":
            # Before any acknowledged edit, the draft may still have the title load.py gave it.
            since_last_edit.setdefault(save["event"], [f"{save['editor']} draft"]).append(save["title"])
        elif save["kind"] == "edit":
            if not Event.history.filter(id=save["event"], title=save["title"]).exists():
                missing.append(save)
            since_last_edit[save["event"]] = [save["title"]]
        elif not Event.objects.filter(title=save["title"]).exists():
            missing.append(save)
    for event, titles in since_last_edit.items():
        if Event.objects.get(pk=event).title not in titles:
            missing.append({"kind": "current", "event": event, "expected one of": titles})
    return acknowledged, missing


def print_stats(prefix):
    print(f"{'request':<38} {'count':>7} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    with open(f"{prefix}_stats.csv") as stats:
        for row in csv.DictReader(stats):
            name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
            print(
                f"{name[:38]:<38} {row['Request Count']:>7} {row['Failure Count']:>6} "
                f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
            )
    with open(f"{prefix}_failures.csv") as failures:
        for row in csv.DictReader(failures):
            print(f"  error x{row['Occurrences']}: {row['Method']} {row['Name']}: {row['Error'][:200]}")


def main():
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--minutes", type=float, default=3)
    options.add_argument("--researchers", type=int, default=30)
    options.add_argument("--editors", type=int, default=6)
    options.add_argument("--events", type=int, default=20_000)
    arguments = options.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database made for this test (it gets editors and drafts).")
    # Plain HTTP on 127.0.0.1: cookies marked Secure would never come back.
    os.environ["DJANGO_SECURE_COOKIES"] = "0"

    config = prepare(arguments.events, arguments.editors)
    with tempfile.TemporaryDirectory() as folder:
        config |= {"researchers": arguments.researchers, "acknowledgements": f"{folder}/acknowledged.jsonl"}
        Path(folder, "config.json").write_text(json.dumps(config))
        port = free_port()
        server_log = Path(folder, "server.log")
        server = start_server(port, Path(folder) / "static", log=server_log.open("w"))
        try:
            wait_until_ready(server, port)
            print(
                f"make serve on 127.0.0.1:{port}; {arguments.researchers} researchers and {arguments.editors} "
                f"editors for {arguments.minutes:g} minutes"
            )
            subprocess.run(
                [
                    sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                    "--users", str(arguments.researchers + arguments.editors), "--spawn-rate", "5",
                    "--run-time", f"{round(arguments.minutes * 60)}s", "--host", f"http://127.0.0.1:{port}",
                    "--csv", f"{folder}/load", "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "60",
                ],
                env={**os.environ, "LOAD_CONFIG": f"{folder}/config.json"},
                # Locust exits with 1 when any request failed; the figures below say which.
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=open(f"{folder}/locust.log", "w"),  # noqa: SIM115 - closed with the folder
            )  # fmt: skip
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=90)
        if not Path(f"{folder}/load_stats.csv").exists():
            raise SystemExit("Locust wrote no figures:\n" + Path(f"{folder}/locust.log").read_text()[-3000:])
        print_stats(f"{folder}/load")
        log = server_log.read_text()
        print(
            f"server log: {log.count('WORKER TIMEOUT')} worker timeouts, {log.count('[ERROR]')} errors, "
            f"{log.count('Booting worker')} workers started"
        )
        for line in sorted({line for line in log.splitlines() if "[ERROR]" in line or "Error" in line})[:10]:
            print(f"  {line[:200]}")
        saves, missing = missing_saves(Path(folder, "acknowledged.jsonl"))
    print(f"acknowledged saves: {len(saves)}, missing from the database afterwards: {len(missing)}")
    for save in missing:
        print(f"  missing: {save}")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
