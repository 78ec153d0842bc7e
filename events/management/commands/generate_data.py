import time

from django.core.management.base import BaseCommand, CommandError

from events.models import Event
from events.synthetic import add_events, settle


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic events (events/synthetic.py) for benchmarks and load tests: bulk inserts "
        "through the project's models, then statuses, stored counts and planner statistics. Invents everything: "
        "never run it on a real record."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=100_000, help="How many events to add (default 100,000).")
        parser.add_argument(
            "--add", action="store_true", help="Add to a database that already holds events (refused otherwise)."
        )

    def handle(self, *args, events, add, **options):
        if events < 1:
            raise CommandError("--events must be at least 1.")
        existing = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if existing and not add:
            raise CommandError("The database already holds events; pass --add to add synthetic ones to them.")
        started = time.monotonic()
        step = 50_000
        for first in range(existing, existing + events, step):
            count = min(step, existing + events - first)
            add_events(first, count)
            done = first + count - existing
            self.stdout.write(f"\r{done:>10,} of {events:,} events, {time.monotonic() - started:.0f} s", ending="")
            self.stdout.flush()
        self.stdout.write("")
        settle()
        self.stdout.write(f"{events:,} events added in {time.monotonic() - started:.0f} s.")
