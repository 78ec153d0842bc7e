from django.core.management.base import BaseCommand, CommandError

from events.counts import COUNTED_LINKS, counts_out_of_step, refresh_all_event_counts
from events.tally import refresh_tally, tally_out_of_step


class Command(BaseCommand):
    help = (
        "Check (--check) or bring up to date the number of published events stored on every organisation, person "
        "and source, and the types of each person's (events/counts.py), and the tally of published events by type, "
        "country, outcome and months (events/tally.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Report differences and fail; change nothing.")

    def handle(self, *args, check=False, **options):
        if not check:
            changed = refresh_all_event_counts()
            refresh_tally()
            self.stdout.write(f"{changed} event counts brought up to date; the tally counted again.")
            return
        wrong = []
        for model, _target in COUNTED_LINKS.values():
            fields = list(model.derived_from_events())
            for record in counts_out_of_step(model).only(*fields):
                wrong.extend(
                    f"{model._meta.verbose_name} {record.pk}: {field} stored {getattr(record, field)}, "
                    f"counted {getattr(record, f'fresh_{field}')}"
                    for field in fields
                    if getattr(record, field) != getattr(record, f"fresh_{field}")
                )
        for key, stored, counted in tally_out_of_step():
            wrong.append(f"tally {', '.join(str(part) for part in key)}: stored {stored}, counted {counted}")
        if wrong:
            raise CommandError("Stored event counts differ from the published events:\n" + "\n".join(wrong))
        self.stdout.write("Every stored event count, and the tally, match the published events.")
