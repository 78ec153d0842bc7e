"""SQLite: a table of the terms each FTS5 index holds (``fts5vocab``), with how many rows hold each. A search turns
each word into the whole terms that start with it, and learns from their counts whether nearly every row holds them
(events/search.py). The tables read the indexes themselves: they store nothing and need no triggers."""

from django.db import migrations

# (the terms' table, the FTS5 table of migration 0011 it reads)
TERM_TABLES = [
    ("events_event_fts_terms", "events_event_fts"),
    ("events_citation_fts_terms", "events_citation_fts"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for terms, fts in TERM_TABLES:
            schema_editor.execute(f"CREATE VIRTUAL TABLE {terms} USING fts5vocab({fts}, 'row')")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for terms, _fts in TERM_TABLES:
            schema_editor.execute(f"DROP TABLE IF EXISTS {terms}")


class Migration(migrations.Migration):
    dependencies = [("events", "0015_stored_search_vectors")]

    operations = [migrations.RunPython(create, drop)]
