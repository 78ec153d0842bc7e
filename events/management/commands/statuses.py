from django.core.management.base import BaseCommand, CommandError

from events.status import STORED, derived_statuses, refresh_statuses
from organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Check (--check) or bring up to date every organisation's stored status against the one derived afresh from "
        "the published events (events/status.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Report differences and fail; change nothing.")

    def handle(self, *args, check=False, **options):
        if not check:
            changed = refresh_statuses()
            self.stdout.write(f"{changed} organisation statuses brought up to date.")
            return
        derived = derived_statuses(Organisation.objects.all())
        wrong = []
        for organisation in Organisation.objects.only("name", *STORED):
            stored = tuple(getattr(organisation, field) for field in STORED)
            if stored != derived[organisation.pk]:
                wrong.append(
                    f"{organisation.name} (id {organisation.pk}): stored {stored}, derived {derived[organisation.pk]}"
                )
        if wrong:
            raise CommandError("Stored statuses differ from the derived ones:\n" + "\n".join(wrong))
        self.stdout.write(f"All {len(derived)} organisation statuses match their events.")
