"""Indexes for full-text search (events/search.py): FTS5 tables kept in step by triggers on SQLite, GIN indexes on
PostgreSQL. Written in SQL for each database: neither has the other's kind of index."""

from django.db import migrations

# SQLite: (full-text table, the table it indexes, its text columns).
FTS_TABLES = [
    ("events_event_fts", "events_event", ["title", "summary"]),
    ("events_citation_fts", "events_citation", ["quote"]),
]
# PostgreSQL: (index, table, the text it indexes); events/search.py queries exactly these expressions.
GIN_INDEXES = [
    ("events_event_search", "events_event", "coalesce(title, '') || ' ' || coalesce(summary, '')"),
    ("events_citation_search", "events_citation", "coalesce(quote, '')"),
]


def sqlite_statements(fts, table, columns):
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {listed} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for fts, table, columns in FTS_TABLES:
            for statement in sqlite_statements(fts, table, columns):
                schema_editor.execute(statement)
    elif vendor == "postgresql":
        for index, table, text in GIN_INDEXES:
            schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (to_tsvector('simple', {text}))")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for fts, _table, _columns in FTS_TABLES:
            for trigger in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{trigger}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")
    elif vendor == "postgresql":
        for index, _table, _text in GIN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("events", "0010_order_by_key")]

    operations = [migrations.RunPython(create, drop)]
