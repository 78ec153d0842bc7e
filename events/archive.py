"""Sources' kept copies: checking quotes against them, and the seed articles kept as the seed sources' copies."""

import json
from pathlib import Path

from django.conf import settings
from django.db.models import Exists, OuterRef

from events.models import Citation, Source, SourceCopy

QUOTE_MARKS = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}


def normalise_passage(text):
    """Only whitespace and curly/straight quotes may differ between a quoted passage and its source's text."""
    # str.replace and str.split rather than str.translate and re.sub: the same result, several times faster on
    # whole articles.
    for curly, straight in QUOTE_MARKS.items():
        text = text.replace(curly, straight)
    return " ".join(text.split())


def quote_found(quote, texts):
    """Whether ``quote`` is in one of ``texts``, all already normalised."""
    return any(quote in text for text in texts)


# The quote check reads whole texts in Python (the normalisation is not SQL): at most this many sources a visit,
# the newest first, read this many at a time.
QUOTE_CHECK_SOURCE_LIMIT = 500
QUOTE_CHECK_CHUNK = 50


def quotes_missing_from_copies(limit, source_limit=QUOTE_CHECK_SOURCE_LIMIT):
    """Citations whose quote is in none of their source's text copies (at most ``limit``), and the number of
    sources checked: the newest ``source_limit`` that have a text copy and a quote. Two queries per chunk of
    sources, whatever the number of citations."""
    text_copies = SourceCopy.objects.filter(source=OuterRef("pk")).exclude(text="")
    quoted = Citation.objects.filter(source=OuterRef("pk")).exclude(quote="")
    source_ids = list(
        Source.objects.filter(Exists(text_copies), Exists(quoted))
        .order_by("-pk")
        .values_list("pk", flat=True)[:source_limit]
    )
    missing = []
    for start in range(0, len(source_ids), QUOTE_CHECK_CHUNK):
        chunk = source_ids[start : start + QUOTE_CHECK_CHUNK]
        texts = {}
        for source_id, text in (
            SourceCopy.objects.filter(source__in=chunk).exclude(text="").values_list("source", "text")
        ):
            texts.setdefault(source_id, []).append(normalise_passage(text))
        citations = (
            Citation.objects.filter(source__in=chunk)
            .exclude(quote="")
            .select_related("event", "source")
            .order_by("-source", "event", "id")
        )
        for citation in citations:
            quote = normalise_passage(citation.quote)
            if quote and not quote_found(quote, texts.get(citation.source_id, [])):
                missing.append(citation)
                if len(missing) >= limit:
                    return missing, len(source_ids)
    return missing, len(source_ids)


SEED_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "mali.json"
SEED_COPIES_DIR = Path(settings.BASE_DIR) / "fixtures" / "sources"
# The seed source each article in fixtures/sources/ was entered from.
SEED_COPIES = {
    1: "000_ab2687037a93b3fb.txt",
    2: "001_3216949969716a20.txt",
    3: "002_cc8c616e90e0e06a.txt",
    4: "003_6cb9664a60edcfc7.txt",
    5: "004_c220886dd389068f.txt",
}
SEED_COPY_NOTE = (
    "The article as the project received it with the seed data (fixtures/sources/{name}). Retrieval date not "
    "known: the project has held the text since at least 22 November 2026 (commit acfcbb7 quotes it)."
)


def read_seed_article(name):
    """The article's text exactly as its file holds it (no newline translation), so their SHA-256 agree."""
    return (SEED_COPIES_DIR / name).read_bytes().decode("utf-8")


def attach_seed_copies():
    """Keep each seed article as the text copy of its seed source, if that source is still the one the fixture
    loaded (same id and title) and has no copy yet. Returns the copies made."""
    records = json.loads(SEED_FIXTURE.read_text(encoding="utf-8"))
    titles = {record["pk"]: record["fields"]["title"] for record in records if record["model"] == "events.source"}
    kept = SourceCopy.objects.filter(source=OuterRef("pk"))
    sources = Source.objects.filter(pk__in=SEED_COPIES).exclude(Exists(kept))
    made = []
    for source in sources:
        if source.title != titles.get(source.pk):
            continue
        name = SEED_COPIES[source.pk]
        copy = SourceCopy(source=source, text=read_seed_article(name), note=SEED_COPY_NOTE.format(name=name))
        copy.full_clean()
        copy.save()
        made.append(copy)
    return made
