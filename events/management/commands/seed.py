from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from events.models import Event, Source


class Command(BaseCommand):
    help = "Load the seed data in fixtures/ into an empty database; never overwrites records already there."

    def handle(self, *args, **options):
        if Event.objects.exists() or Source.objects.exists():
            self.stdout.write("The database already holds events or sources: seed data not loaded.")
            return
        fixtures = sorted(str(path) for path in Path(settings.BASE_DIR, "fixtures").glob("*.json"))
        call_command("loaddata", *fixtures, verbosity=options["verbosity"])
        # loaddata writes no history; give each seeded record its first version, so it can be restored to later.
        call_command("populate_history", auto=True, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Loaded the seed data: {Event.objects.count()} events."))
