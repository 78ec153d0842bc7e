"""Full-text search of events: words in the title, the summary or a quoted passage, found through an index rather than
by reading every row (an unindexed LIKE reads a million summaries for each search).

SQLite keeps FTS5 tables (``events_event_fts``, ``events_citation_fts``) in step with the rows by triggers (migration
0011); PostgreSQL keeps the same text's words in a generated column of each row, ``search_vector``, indexed by GIN
(migration 0015). Each word matches as a prefix ("dissol" finds "dissolved"), accents and case aside on SQLite; every
word must match.

Few matches are fetched by id and sorted; many are left to the database to meet while it walks the list's order, as
they come thick enough for a page to fill quickly (``search``).
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Exists, Expression, F, OuterRef, Q
from django.db.models.expressions import RawSQL

from civicspace.filters import SEARCH_MAX_WORDS
from civicspace.pagination import EXACT_COUNT_LIMIT

from .models import Citation

WORD = re.compile(r"\w+")

SQLITE_TABLES = {
    "events_event_fts": ("events_event", ["title", "summary"]),
    "events_citation_fts": ("events_citation", ["quote"]),
}


def words(text):
    """The words of a search, as the indexes hold them: letters and digits only, so none is query syntax."""
    return WORD.findall(text.casefold())[:SEARCH_MAX_WORDS]


def matching_ids(table, found_words, vendor):
    """SQL (and its parameters) selecting the ids of ``table``'s rows that hold every word as a prefix."""
    if vendor == "sqlite":
        fts = f"{table}_fts"
        return f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [" ".join(f'"{word}"*' for word in found_words)]
    return f"SELECT id FROM {table} WHERE search_vector @@ to_tsquery('simple', %s)", [postgres_query(found_words)]


def postgres_query(found_words):
    """Each word as a prefix. ``(word | word:*)`` finds what ``word:*`` finds, but the planner estimates how many rows
    hold the whole word from its statistics, where it takes a prefix alone to match a fixed 2 % of rows: it then walks
    the list's index for a word most rows hold, rather than reading every match."""
    return " & ".join(f"({word} | {word}:*)" for word in found_words)


class StoredWords(Expression):
    """The ``search_vector`` column of the row (PostgreSQL, migration 0015), which the models do not know. Written
    through the row's primary key, so that it names the table under whichever alias the query gives it."""

    output_field = SearchVectorField()

    def __init__(self, key=None):
        super().__init__()
        self.key = F("pk") if key is None else key

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, expressions):
        (self.key,) = expressions

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name_unless_alias(self.key.alias)}.search_vector", []


def words_match(found_words):
    """A Q (on the ``search_words`` alias, see ``search``) for the events whose title and summary, or one of whose
    quoted passages, hold every word, tested on each row the database reads (PostgreSQL)."""
    query = SearchQuery(postgres_query(found_words), search_type="raw", config="simple")
    quoted = Citation.objects.alias(words=StoredWords()).filter(event=OuterRef("pk"), words=query)
    return Q(search_words=query) | Exists(quoted)


def matching(found_words):
    """SQLite: a Q for the events whose title and summary, or one of whose quoted passages, hold every word, asked of
    ``search_key`` (see ``search``)."""
    vendor = connection.vendor
    in_events = RawSQL(*matching_ids("events_event", found_words, vendor))
    quotes_sql, params = matching_ids("events_citation", found_words, vendor)
    in_quotes = RawSQL(f"SELECT event_id FROM events_citation WHERE id IN ({quotes_sql})", params)
    return Q(search_key__in=in_events) | Q(search_key__in=in_quotes)


def capped_ids(found_words, limit):
    """The ids of the matching events if there are at most ``limit``, else None: two index lookups."""
    vendor = connection.vendor
    events_sql, events_params = matching_ids("events_event", found_words, vendor)
    quotes_sql, quotes_params = matching_ids("events_citation", found_words, vendor)
    found = set()
    with connection.cursor() as cursor:
        cursor.execute(f"{events_sql} LIMIT {limit + 1}", events_params)
        found.update(row[0] for row in cursor.fetchall())
        if len(found) > limit:
            return None
        cursor.execute(
            f"SELECT event_id FROM events_citation WHERE id IN ({quotes_sql}) LIMIT {limit + 1}", quotes_params
        )
        found.update(row[0] for row in cursor.fetchall())
    return sorted(found) if len(found) <= limit else None


def search(queryset, text, limit=EXACT_COUNT_LIMIT):
    """``queryset`` kept to the events that hold every word of ``text``; none when ``text`` holds no word."""
    found_words = words(text)
    if not found_words:
        return queryset.none()
    ids = capped_ids(found_words, limit)
    if ids is not None:
        return queryset.filter(pk__in=ids)
    if connection.vendor == "postgresql":
        # Many matches: each row read is tested against its stored words, and the planner, which keeps statistics of
        # the words, chooses between walking the list's own index until the page is full and reading the matches.
        return queryset.alias(search_words=StoredWords()).filter(words_match(found_words))
    # Many matches on SQLite: the id is hidden in an expression so that the database cannot start from the matches
    # (read them all, then sort them) but walks the list's own index, keeping the rows that are among the matches,
    # until the page is full. SQLite otherwise sorts every match: 600,000 for a common word at a million events.
    return queryset.alias(search_key=F("pk") + 0).filter(matching(found_words))
