"""PostgreSQL: the searched text's words stored in a generated column of each row (``search_vector``), indexed by GIN,
instead of a GIN index on the expression. A page of a search for a common word can then test the rows it walks in
the list's order one by one, reading the stored words rather than parsing each row's text again, and the planner
keeps statistics of the words to choose between that walk and reading the index (events/search.py). SQLite's FTS5
tables (migration 0011) are unchanged.

The column is the database's own business: the models do not know it, so no form, export or history ever reads
or writes it, and the database keeps it in step with every insert and update, bulk loads included.
"""

from django.db import migrations

# (table, GIN index, the text the column holds), as migration 0011 indexed it.
SEARCHED = [
    ("events_event", "events_event_search", "coalesce(title, '') || ' ' || coalesce(summary, '')"),
    ("events_citation", "events_citation_search", "coalesce(quote, '')"),
]


def store(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, index, text in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple', {text})) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (search_vector)")
        # The planner's statistics of the words, which it needs to choose how to search, now rather than whenever
        # autovacuum comes by.
        schema_editor.execute(f"ANALYZE {table}")


def unstore(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, index, text in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (to_tsvector('simple', {text}))")


class Migration(migrations.Migration):
    dependencies = [("events", "0014_event_tally")]

    operations = [migrations.RunPython(store, unstore)]
