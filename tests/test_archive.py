"""Sources' kept copies: their hashes, what a copy may hold, the quote check against them, the seed articles."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction

from events.archive import SEED_COPIES, normalise_passage, quotes_missing_from_copies
from events.models import Source, SourceCopy
from tests.factories import CitationFactory, SourceCopyFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_a_text_copy_gets_the_sha256_of_its_text_in_utf8():
    text = "Assimi Goïta’s government “dissolved” the association.\n"

    copy = SourceCopyFactory(text=text)

    assert copy.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_file_copy_gets_the_sha256_of_its_bytes_and_is_filed_under_it():
    content = b"%PDF-1.4 a report as retrieved"
    digest = hashlib.sha256(content).hexdigest()

    copy = SourceCopyFactory(text="", file=SimpleUploadedFile("Mali report.pdf", content))

    assert copy.sha256 == digest
    assert copy.file.name.startswith(f"source-copies/{digest}/Mali")
    assert copy.file.name.endswith(".pdf")
    with copy.file.open("rb") as stored:
        assert stored.read() == content


def test_the_hash_is_computed_whatever_is_typed_in():
    copy = SourceCopyFactory(text="the text")

    copy.sha256 = "0" * 64
    copy.note = "a corrected note"
    copy.save()

    copy.refresh_from_db()
    assert copy.sha256 == hashlib.sha256(b"the text").hexdigest()


def test_a_web_archive_capture_alone_is_a_copy_without_a_hash():
    copy = SourceCopyFactory(text="", archive_url="https://web.archive.org/web/2024/https://example.org/")

    assert copy.sha256 == ""
    assert str(copy.kind_display) == "web-archive capture"


def test_a_copy_holding_nothing_is_refused_by_validation_and_by_the_database():
    copy = SourceCopy(source=SourceFactory())

    with pytest.raises(ValidationError, match="Paste the text, upload a file or give a web-archive capture"):
        copy.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_a_copy_holding_both_text_and_a_file_is_refused():
    copy = SourceCopy(source=SourceFactory(), text="text", file=SimpleUploadedFile("page.html", b"<p>page</p>"))

    with pytest.raises(ValidationError, match="A copy holds the text or a file, not both"):
        copy.full_clean()


def test_a_copy_cannot_have_been_retrieved_tomorrow():
    copy = SourceCopy(source=SourceFactory(), text="text", retrieved_on=datetime.date.today() + datetime.timedelta(2))

    with pytest.raises(ValidationError, match="retrieved in the future"):
        copy.full_clean()


def test_only_whitespace_and_quote_marks_are_normalised():
    assert normalise_passage("  “Dissolved”,\n\tthe  minister’s decree ") == '"Dissolved", the minister\'s decree'
    assert normalise_passage("dissolved") != normalise_passage("Dissolved")
    assert normalise_passage("dis-solved") != normalise_passage("dissolved")


def test_the_quote_check_lists_quotes_that_are_not_in_their_sources_copy():
    copy = SourceCopyFactory(text="On March 6,\nthe authorities “dissolved” the association.")
    found = CitationFactory(source=copy.source, quote='the authorities "dissolved" the   association')
    missing = CitationFactory(source=copy.source, quote="the authorities dissolved the party")
    CitationFactory(quote="a source kept without a text is not checked")
    CitationFactory(source=copy.source, quote="")  # waits for its quote: the unquoted list shows it

    listed, checked = quotes_missing_from_copies(limit=10)

    assert listed == [missing]
    assert found not in listed
    assert checked == 1


def test_a_quote_found_in_any_of_its_sources_copies_is_not_listed():
    first = SourceCopyFactory(text="The first version of the article.")
    SourceCopyFactory(source=first.source, text="The article, updated: the decree was annulled.")
    CitationFactory(source=first.source, quote="the decree was annulled")

    assert quotes_missing_from_copies(limit=10) == ([], 1)


def test_the_quote_check_stops_at_its_limits():
    for _ in range(3):
        CitationFactory(source=SourceCopyFactory().source, quote="not in the copy")

    listed, checked = quotes_missing_from_copies(limit=2)
    assert len(listed) == 2 and checked == 3

    listed, checked = quotes_missing_from_copies(limit=10, source_limit=1)
    assert checked == 1
    assert [citation.source_id for citation in listed] == [Source.objects.order_by("-pk").first().pk]


@pytest.mark.parametrize("sources", [1, 60])
def test_the_quote_check_reads_sources_in_chunks_not_one_query_per_row(django_assert_num_queries, sources):
    for _ in range(sources):
        copy = SourceCopyFactory()
        CitationFactory.create_batch(3, source=copy.source, quote="not in the copy")

    # the sources to check; then for each chunk of 50 sources: their text copies, their citations with events and
    # sources.
    with django_assert_num_queries(1 + 2 * -(-sources // 50)):
        listed, checked = quotes_missing_from_copies(limit=1000)
        assert [citation.source.title for citation in listed]
    assert (len(listed), checked) == (3 * sources, sources)


def test_the_seed_articles_are_attached_to_a_database_seeded_before_copies_existed(capsys):
    call_command("seed", verbosity=0)
    SourceCopy.objects.all().delete()
    Source.objects.filter(pk=2).update(title="Retitled by an editor")

    call_command("seed", attach_copies=True)
    call_command("seed", attach_copies=True)

    kept = SourceCopy.objects.values_list("source", flat=True)
    assert sorted(kept) == sorted(set(SEED_COPIES) - {2})
    assert "Kept 4 seed articles" in capsys.readouterr().out


def test_seeding_keeps_each_copys_first_version_in_the_history():
    call_command("seed", verbosity=0)

    assert SourceCopy.history.filter(history_type="+").count() == len(SEED_COPIES)
