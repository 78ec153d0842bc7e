from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from civicspace.facets import bump_data_version
from events.archive import attach_seed_copies
from events.counts import refresh_all_event_counts
from events.models import Event, Source
from events.status import refresh_statuses
from events.tally import refresh_tally


class Command(BaseCommand):
    help = (
        "Load the seed data in fixtures/ into an empty database, with the seed articles as its sources' kept copies; "
        "never overwrites records already there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--attach-copies",
            action="store_true",
            help="In a database seeded before sources kept copies: add the seed articles to the seed sources that "
            "have no copy (matched by id and title).",
        )

    def handle(self, *args, **options):
        if options["attach_copies"]:
            made = attach_seed_copies()
            self.stdout.write(self.style.SUCCESS(f"Kept {len(made)} seed articles as their sources' copies."))
            return
        if Event.objects.exists() or Source.objects.exists():
            self.stdout.write("The database already holds events or sources: seed data not loaded.")
            return
        fixtures = sorted(str(path) for path in Path(settings.BASE_DIR, "fixtures").glob("*.json"))
        with transaction.atomic():
            call_command("loaddata", *fixtures, verbosity=options["verbosity"])
            # loaddata writes no history; give each seeded record its first version, so it can be restored to later.
            call_command("populate_history", auto=True, verbosity=0)
            # Saved one by one, so that each copy's SHA-256 is computed and its history written.
            attach_seed_copies()
            # loaddata saves raw rows, which the receivers leave alone: derive every status and count once, here.
            refresh_statuses()
            refresh_all_event_counts()
            refresh_tally()
            # Counts kept for a database of the same name that was there before are not this one's.
            bump_data_version()
        self.stdout.write(self.style.SUCCESS(f"Loaded the seed data: {Event.objects.count()} events."))
