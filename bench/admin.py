"""Time the admin's lists on a database as it is (a benchmark, not a test).

Editors work on the whole record, drafts included, through the admin: its lists should stay usable at a million
events. Requests each list (and the events' list filtered and searched) through Django's test client as a reviewer
would, and prints the median time, the page's size and its number of queries. Run from the project root on a
database filled by `manage.py generate_data`:

    python bench/admin.py --database PATH              # a SQLite file
    python bench/admin.py --database postgres://...    # or a PostgreSQL database
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from csv_memory import configure

LISTS = [
    "events/event/",
    "events/event/?status__exact=draft",
    "events/event/?event_type__exact=arrest&year=2020",
    "events/event/?date_sort__year=2020",
    "events/event/?organisations__id__exact={organisation}",
    "events/event/?q=gendarmerie+dissolution",
    "events/event/?q={organisation_name}",
    "events/event/?q=association",
    "organisations/organisation/",
    "organisations/person/",
    "events/source/",
]
REPEATS = 3


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="a SQLite file, or a postgres:// URL")
    arguments = parser.parse_args()
    configure(arguments.database)

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from organisations.models import Organisation

    reviewer = get_user_model().objects.create(username=f"bench-reviewer-{time.time_ns()}", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    client = Client()
    client.force_login(reviewer)
    busiest = Organisation.objects.order_by("-public_event_count").first()
    print("| list | ms (median of 3) | KiB | queries |\n| --- | ---: | ---: | ---: |")
    try:
        for path in LISTS:
            url = f"/{settings.ADMIN_PATH}" + path.format(organisation=busiest.pk, organisation_name=busiest.name)
            times = []
            for _repeat in range(REPEATS):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
            median = statistics.median(times) * 1000
            print(f"| `{path}` | {median:,.0f} | {len(response.content) / 1024:,.0f} | {len(queries)} |")
    finally:
        reviewer.delete()


if __name__ == "__main__":
    main()
