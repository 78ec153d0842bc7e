"""Keeping a copy of a source in the admin: pasted text, an uploaded file or a web-archive capture, as an inline of
the source's form; refused with a clear message when it cannot be kept, never with a 500."""

import datetime
import hashlib
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import SourceCopy
from tests.factories import PublishedEventFactory, SourceCopyFactory, SourceFactory

pytestmark = pytest.mark.django_db

NEW = "copies-2-0"  # the form that adds a copy; the copies already kept are the "copies" formset


class FormReader(HTMLParser):
    """What a browser would post from the page's main form: every enabled field with its current value."""

    def __init__(self):
        super().__init__()
        self.data, self.in_form, self.select, self.textarea = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.in_form = True
        if not self.in_form or "name" not in attrs or "disabled" in attrs:
            if tag == "option" and self.select and "selected" in attrs:
                self.data[self.select] = attrs.get("value", "")
            return
        if tag == "input" and attrs.get("type") not in ("submit", "file", "checkbox", "radio"):
            self.data[attrs["name"]] = attrs.get("value", "")
        elif tag == "input" and attrs.get("type") in ("checkbox", "radio") and "checked" in attrs:
            self.data[attrs["name"]] = attrs.get("value", "on")
        elif tag == "select":
            self.select = attrs["name"]
            self.data.setdefault(self.select, "")
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            # A browser drops the newline that follows <textarea>.
            self.data[self.textarea] += data.removeprefix("\n") if not self.data[self.textarea] else data


def opened_form(client, source):
    url = reverse("admin:events_source_change", args=[source.pk])
    response = client.get(url)
    assert response.status_code == 200
    reader = FormReader()
    reader.feed(response.content.decode())
    return url, reader.data


def keep(client, source, **fields):
    """Open the source's form, fill the new copy's fields and save; returns the response."""
    url, data = opened_form(client, source)
    data.update({f"{NEW}-{name}": value for name, value in fields.items()})
    return client.post(url, data)


def test_a_reviewer_keeps_a_pasted_text_with_its_hash_computed(reviewer_client, reviewer):
    source = SourceFactory()

    response = keep(
        reviewer_client, source, text="First line.\r\nSecond line.", retrieved_on="2024-06-01", note="From the site"
    )

    assert response.status_code == 302
    copy = source.copies.get()
    # Line breaks as the article has them, not as the browser sends a textarea's.
    assert copy.text == "First line.\nSecond line."
    assert copy.sha256 == hashlib.sha256(b"First line.\nSecond line.").hexdigest()
    assert (copy.retrieved_on, copy.note) == (datetime.date(2024, 6, 1), "From the site")
    assert copy.history.get().history_user == reviewer


def test_a_reviewer_uploads_a_file_and_downloads_it_back_as_an_attachment(reviewer_client):
    source = SourceFactory()
    content = b"<html><script>alert(1)</script>An article</html>"

    keep(reviewer_client, source, file=SimpleUploadedFile("article.html", content, content_type="text/html"))

    copy = source.copies.get()
    assert copy.sha256 == hashlib.sha256(content).hexdigest()
    download = reviewer_client.get(reverse("admin:events_sourcecopy_file", args=[copy.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="article.html"'
    assert b"".join(download.streaming_content) == content
    page = reviewer_client.get(reverse("admin:events_source_change", args=[source.pk])).content.decode()
    assert reverse("admin:events_sourcecopy_file", args=[copy.pk]) in page


def test_a_web_archive_capture_is_kept_as_a_link(reviewer_client):
    source = SourceFactory()

    keep(reviewer_client, source, archive_url="web.archive.org/web/20240601000000/https://example.org/report")

    copy = source.copies.get()
    assert copy.archive_url == "https://web.archive.org/web/20240601000000/https://example.org/report"
    assert copy.sha256 == ""


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"note": "only a note"}, "Paste the text, upload a file or give a web-archive capture"),
        (
            {"text": "text", "file": SimpleUploadedFile("a.pdf", b"%PDF")},
            "A copy holds the text or a file, not both",
        ),
        ({"text": "text", "retrieved_on": "2999-01-01"}, "retrieved in the future"),
        ({"text": "text", "retrieved_on": "31/02/2024"}, "Enter a valid date"),
        ({"archive_url": "not a link at all"}, "Enter a valid URL"),
        ({"text": "x" * 500_001}, "The text has 500,001 characters; at most 500,000 can be pasted"),
        ({"file": SimpleUploadedFile("empty.pdf", b"")}, "The submitted file is empty"),
    ],
)
def test_a_copy_that_cannot_be_kept_gets_a_clear_message_and_nothing_is_saved(reviewer_client, fields, message):
    source = SourceFactory(title="Unchanged title")

    response = keep(reviewer_client, source, **fields)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SourceCopy.objects.exists()


def test_a_file_over_the_size_limit_is_refused(reviewer_client, settings):
    settings.TRACKER_SOURCE_COPY_MAX_BYTES = 1000

    response = keep(reviewer_client, SourceFactory(), file=SimpleUploadedFile("big.pdf", b"x" * 1001))

    assert "The file is 1001\xa0bytes; at most 1000\xa0bytes can be uploaded." in response.content.decode()
    assert not SourceCopy.objects.exists()


def test_reopening_a_source_with_copies_and_saving_it_unchanged_changes_no_copy(reviewer_client):
    copy = SourceCopyFactory(text="The article.", retrieved_on=datetime.date(2024, 6, 1), note="a note")
    before = list(SourceCopy.objects.values())

    url, data = opened_form(reviewer_client, copy.source)
    response = reviewer_client.post(url, data)

    assert response.status_code == 302
    assert list(SourceCopy.objects.values()) == before
    assert copy.history.count() == 1


def test_what_a_kept_copy_holds_cannot_be_changed_from_the_form(reviewer_client):
    copy = SourceCopyFactory(text="The article as retrieved.")
    url, data = opened_form(reviewer_client, copy.source)
    assert "copies-0-text" not in data

    data.update({"copies-0-text": "A rewritten article.", "copies-0-note": "corrected note"})
    reviewer_client.post(url, data)

    copy.refresh_from_db()
    assert (copy.text, copy.note) == ("The article as retrieved.", "corrected note")


def test_a_copy_is_kept_while_adding_its_source(reviewer_client):
    _url, data = opened_form(reviewer_client, SourceFactory())  # the same fields as the add form
    url = reverse("admin:events_source_add")
    add_page = reviewer_client.get(url).content.decode()
    assert 'name="copies-2-TOTAL_FORMS"' not in add_page  # a new source has one formset: the new copy's
    data = {key: value for key, value in data.items() if not key.startswith("copies")}
    data.update(
        {
            "title": "A new report",
            "loaded_version": "",
            "copies-TOTAL_FORMS": "1",
            "copies-INITIAL_FORMS": "0",
            "copies-0-text": "Its text.",
        }
    )

    response = reviewer_client.post(url, data)

    assert response.status_code == 302
    assert SourceCopy.objects.get().source.title == "A new report"


def test_a_contributor_keeps_copies_of_draft_sources_but_not_of_published_ones(contributor_client):
    draft = SourceFactory()
    assert keep(contributor_client, draft, text="The draft's article.").status_code == 302
    assert draft.copies.exists()

    public = PublishedEventFactory().citations.get().source
    page = contributor_client.get(reverse("admin:events_source_change", args=[public.pk])).content.decode()
    assert f'name="{NEW}-text"' not in page


def test_a_copy_file_is_downloaded_only_by_editors(client, contributor_client):
    copy = SourceCopyFactory(text="", file=SimpleUploadedFile("article.pdf", b"%PDF"))
    url = reverse("admin:events_sourcecopy_file", args=[copy.pk])

    assert client.get(url).status_code == 302  # to the admin's login
    assert contributor_client.get(url).status_code == 200


def test_a_copy_file_missing_from_the_storage_is_a_404_and_its_form_says_so(reviewer_client):
    copy = SourceCopyFactory(text="", file=SimpleUploadedFile("article.pdf", b"%PDF"))
    copy.file.storage.delete(copy.file.name)

    assert reviewer_client.get(reverse("admin:events_sourcecopy_file", args=[copy.pk])).status_code == 404
    assert reviewer_client.get(reverse("admin:events_sourcecopy_file", args=[copy.pk + 1])).status_code == 404
    page = reviewer_client.get(reverse("admin:events_source_change", args=[copy.source.pk])).content.decode()
    assert "missing from the file storage: restore it from the backup" in page
