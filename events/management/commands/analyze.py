from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = (
        "Refresh the database's query-planner statistics (ANALYZE). SQLite never gathers them by itself, and "
        "without them it reads the organisations list from the wrong end; PostgreSQL's autovacuum keeps them."
    )

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if options["verbosity"]:
            self.stdout.write(f"Statistics refreshed ({connection.vendor}).")
