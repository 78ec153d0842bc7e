"""Full-text search of events: words in the title, the summary or a quoted passage, found through an index rather than
by reading every row (an unindexed LIKE reads a million summaries for each search).

SQLite keeps FTS5 tables (``events_event_fts``, ``events_citation_fts``) in step with the rows by triggers (migration
0011); PostgreSQL keeps the same text's words in a generated column of each row, ``search_vector``, indexed by GIN
(migration 0015). Each word matches as a prefix ("dissol" finds "dissolved"), accents and case aside on SQLite; every
word must match.

Few matches are fetched by id and sorted; many are left to the database to meet while it walks the list's order, as
they come thick enough for a page to fill quickly (``search``). On SQLite, a word's beginning is a merge of every term
that starts with it, too costly to repeat for each row: a word that nearly every row holds is turned into those whole
terms (``sqlite_terms``, from the terms' tables of migration 0016), which each row is then tested against.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, Exists, Expression, F, OuterRef, Q
from django.db.models.expressions import RawSQL

from civicspace.facets import remembered
from civicspace.filters import SEARCH_MAX_WORDS
from civicspace.pagination import EXACT_COUNT_LIMIT

from .models import Citation

WORD = re.compile(r"\w+")
# A word FTS5 folds as Python does (ASCII letters and digits): its terms can be looked up by its own spelling.
PLAIN_WORD = re.compile(r"[a-z0-9]+")
# SQLite: a word is turned into its whole terms when it has at most this many (each is one lookup a row tested).
TERMS_PER_WORD = 8
# SQLite: how many events may lack a search's words for a page to test each row it walks (about 35 µs a row). A row
# that lacks them is the only kind a page tests in vain, so whatever the other filters, a page tests at most this many
# in vain: about 70 ms.
ROWS_LACKING_AT_MOST = 2_000
# What ``sqlite_terms`` keeps for a word with more terms than TERMS_PER_WORD (the cache keeps no None).
TOO_MANY_TERMS = "too many"

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


class OfRow(Expression):
    """An expression of the row itself, written through its primary key, so that it names the table under whichever
    alias the query gives it."""

    def __init__(self, key=None):
        super().__init__()
        self.key = F("pk") if key is None else key

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, expressions):
        (self.key,) = expressions


class StoredWords(OfRow):
    """The ``search_vector`` column of the row (PostgreSQL, migration 0015), which the models do not know."""

    output_field = SearchVectorField()

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


def sqlite_terms(fts, word):
    """{term: rows that hold it} for the whole terms of FTS5 table ``fts`` that start with ``word``, kept until the
    public data changes (a saved text may add terms); TOO_MANY_TERMS when there are more than TERMS_PER_WORD, or
    when ``word`` is spelt otherwise than the index folds it (accents, other scripts)."""
    if not PLAIN_WORD.fullmatch(word):
        return TOO_MANY_TERMS

    def read():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, doc FROM {fts}_terms WHERE term >= %s AND term < %s LIMIT {TERMS_PER_WORD + 1}",
                [word, word + "\U0010ffff"],  # every term that starts with the word sorts between the two
            )
            found = {term: rows for term, rows in cursor.fetchall() if term.startswith(word)}
        return found if len(found) <= TERMS_PER_WORD else TOO_MANY_TERMS

    return remembered(read, f"search terms {fts} {word}")


def any_term_of_each(term_sets):
    """An FTS5 query for the rows that hold, for each word, one of its whole terms (``sqlite_terms``)."""
    return " AND ".join("(" + " OR ".join(f'"{term}"' for term in terms) + ")" for terms in term_sets)


class HeldWords(OfRow):
    """SQLite: whether the row's entry in FTS5 table ``fts`` matches ``query``, asked of that one row."""

    output_field = BooleanField()

    def __init__(self, fts, query):
        super().__init__()
        self.fts, self.query = fts, query

    def as_sql(self, compiler, connection):
        key, params = compiler.compile(self.key)
        return f"EXISTS (SELECT 1 FROM {self.fts} WHERE {self.fts} MATCH %s AND rowid = {key})", [self.query, *params]


def nearly_everywhere(found_words, limit):
    """SQLite: a Q testing each event for the words by their whole terms, when more than ``limit`` events and all but
    at most ROWS_LACKING_AT_MOST hold them; else None."""
    event_terms = [sqlite_terms("events_event_fts", word) for word in found_words]
    quote_terms = [sqlite_terms("events_citation_fts", word) for word in found_words]
    if TOO_MANY_TERMS in event_terms + quote_terms:
        return None
    events = remembered(event_table_rows, "search event rows")
    # Rows that lack a word are at most the rows less those that hold its most common term.
    lacking = sum(events - max(terms.values(), default=0) for terms in event_terms)
    if lacking > ROWS_LACKING_AT_MOST or events - lacking <= limit:
        return None
    match = Q(HeldWords("events_event_fts", any_term_of_each(event_terms)))
    if all(quote_terms):
        quotes = HeldWords("events_citation_fts", any_term_of_each(quote_terms))
        match |= Exists(Citation.objects.filter(quotes, event=OuterRef("pk")))
    return match


def event_table_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM events_event")
        return cursor.fetchone()[0]


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


def search(queryset, text, limit=EXACT_COUNT_LIMIT, every_match=False):
    """``queryset`` kept to the events that hold every word of ``text``; none when ``text`` holds no word.

    ``every_match``: the caller reads every event kept (an export), not a page. On SQLite, keeping the rows among the
    matches then costs less than testing each (0.2 against 35 µs a row)."""
    if not words(text):
        return queryset.none()
    queryset, condition = search_condition(queryset, text, limit, every_match)
    return queryset.filter(condition)


def search_condition(queryset, text, limit=EXACT_COUNT_LIMIT, every_match=False):
    """``search``'s test of a row, as (``queryset`` with what the test reads, the test): for a caller that joins it to
    other tests (the admin's search, events/admin.py). A ``text`` with no word matches no row."""
    found_words = words(text)
    if not found_words:
        return queryset, Q(pk__in=[])
    if (
        connection.vendor == "sqlite"
        and not every_match
        and (match := nearly_everywhere(found_words, limit)) is not None
    ):
        # The page walks the list's own order and tests each row with a lookup a term: few rows lack the words.
        return queryset, match
    ids = capped_ids(found_words, limit)
    if ids is not None:
        return queryset, Q(pk__in=ids)
    if connection.vendor == "postgresql":
        # Many matches: each row read is tested against its stored words, and the planner, which keeps statistics of
        # the words, chooses between walking the list's own index until the page is full and reading the matches.
        return queryset.alias(search_words=StoredWords()), words_match(found_words)
    # Many matches on SQLite: the id is hidden in an expression so that the database cannot start from the matches
    # (read them all, then sort them) but walks the list's own index, keeping the rows that are among the matches,
    # until the page is full. SQLite otherwise sorts every match: 600,000 for a common word at a million events.
    return queryset.alias(search_key=F("pk") + 0), matching(found_words)
