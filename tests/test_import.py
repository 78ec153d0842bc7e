"""Reviewers import CSV files laid out as the public export writes them: checked first, then written whole or not."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicspace.dates import DatePrecision
from events.imports import EventImport, read_csv
from events.models import Event, EventStatus, Source
from events.views import EVENT_CSV_HEADER
from organisations.models import Organisation, Person
from tests.factories import (
    EventFactory,
    EventOrganisationFactory,
    OrganisationFactory,
    PersonFactory,
    PublishedEventFactory,
    SourceFactory,
)
from tests.test_seed import load_seed

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:events_import")
EVENT_HEADER = EVENT_CSV_HEADER
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def as_csv(header, rows):
    """A file as the public export writes it: a byte-order mark, and formula-like cells behind an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        cells = [row.get(column, "") for column in header] if isinstance(row, dict) else row
        writer.writerow(["'" + cell if str(cell).startswith(FORMULA_TRIGGERS) else cell for cell in cells])
    return ("\ufeff" + out.getvalue()).encode()


def event_row(**values):
    row = {
        "id": "",
        "date": "2024-02-28",
        "date_precision": "day",
        "type": "dissolution",
        "title": "Authorities dissolve Kaoural Renouveau",
        "summary": "The authorities dissolved the political organisation.",
        "country": "ML",
        "date_certainty": "stated",
        "outcome": "carried_out",
    }
    row.update(values)
    return row


def check(client, kind, data):
    return client.post(IMPORT_URL, {"kind": kind, "file": SimpleUploadedFile(f"{kind}.csv", data), "_dry_run": "1"})


def check_and_commit(client, kind, data):
    checked = check(client, kind, data)
    assert checked.context.get("token"), checked.context.get("row_errors") or checked.context.get("file_error")
    return client.post(IMPORT_URL, {"token": checked.context["token"], "_commit": "1"})


def problems(response):
    return [(error.row, error.column) for error in response.context["row_errors"]]


def test_a_dry_run_of_a_valid_file_lists_no_problems_and_writes_nothing(reviewer_client):
    OrganisationFactory(name="Kaoural Renouveau")

    response = check(reviewer_client, "events", as_csv(EVENT_HEADER, [event_row(organisations="kaoural renouveau")]))

    assert response.context["row_errors"] == []
    assert response.context["counts"] == {"new": 1, "updated": 0, "unchanged": 0}
    assert not Event.objects.exists()


def test_committing_writes_drafts_linked_to_what_the_row_names_with_the_reviewer_in_the_history(
    reviewer_client, reviewer
):
    organisation = OrganisationFactory(name="Kaoural Renouveau", acronym="KR")
    person = PersonFactory(name="Clément Dembélé")
    source = SourceFactory(title="Mali Deepens Crackdown on Civil Society", publisher="Human Rights Watch")
    row = event_row(
        organisations="Kaoural Renouveau (KR)",
        people="clement dembele",
        sources="Human Rights Watch: Mali Deepens Crackdown on Civil Society",
    )

    response = check_and_commit(reviewer_client, "events", as_csv(EVENT_HEADER, [row]))

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.status, event.created_by) == (EventStatus.DRAFT, reviewer)
    assert list(event.organisations.all()) == [organisation]
    assert list(event.people.all()) == [person]
    citation = event.citations.get()
    assert (citation.source, citation.quote) == (source, "")
    assert event.history.get().history_user == reviewer


def test_every_bad_cell_is_listed_by_row_and_column_and_nothing_is_written(reviewer_client):
    OrganisationFactory(name="Alliance", country="ML")
    OrganisationFactory(name="Alliance", country="SN")
    rows = [
        event_row(),
        event_row(date="28/02/2024"),
        event_row(type="riot", organisations="Nobody we know"),
        event_row(organisations="Alliance"),
        event_row(date="2024-02", date_precision="day"),
        event_row(title='=HYPERLINK("http://evil")', summary=""),
    ]
    data = as_csv(EVENT_HEADER, rows).replace(b"'=HYPERLINK", b"=HYPERLINK")

    response = check(reviewer_client, "events", data)

    assert problems(response) == [
        (3, "date"),
        (4, "organisations"),
        (4, "type"),
        (5, "organisations"),
        (6, "date_precision"),
        (7, "title"),
        (7, "summary"),
    ]
    assert len(response.context["row_errors"]) == 7
    text = response.content.decode()
    assert "could be any of" in text and "runs as a formula" in text and "Nothing was imported" in text
    assert "token" not in response.context
    assert not Event.objects.exists()


def test_a_draft_is_updated_by_its_id_and_keeps_the_roles_of_links_still_named(reviewer_client):
    event = EventFactory(title="Old title")
    link = EventOrganisationFactory(event=event, role="perpetrator")

    check_and_commit(
        reviewer_client,
        "events",
        as_csv(EVENT_HEADER, [event_row(id=event.pk, title="New title", organisations=link.organisation.name)]),
    )

    event.refresh_from_db()
    assert event.title == "New title"
    assert event.organisation_links.get().role == "perpetrator"


def test_an_import_may_not_change_a_published_event(reviewer_client, client):
    PublishedEventFactory(title="As published")
    data = exported(client, "events:event-csv")

    unchanged = check(reviewer_client, "events", data)
    changed = check(reviewer_client, "events", data.replace(b"As published", b"New title"))

    assert unchanged.context["row_errors"] == []
    assert problems(changed) == [(2, "id")]
    assert "only drafts can be updated by import" in changed.content.decode()


def exported(client, url_name):
    response = client.get(reverse(url_name))
    return b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in response.streaming_content)


@pytest.mark.parametrize(
    ("kind", "url_name"),
    [
        ("events", "events:event-csv"),
        ("organisations", "organisations:organisation-csv"),
        ("people", "organisations:person-csv"),
        ("sources", "events:source-csv"),
    ],
)
def test_each_public_export_of_the_seed_data_reads_back_without_a_problem(reviewer_client, client, kind, url_name):
    load_seed()
    data = exported(client, url_name)

    response = check(reviewer_client, kind, data)

    assert response.context.get("file_error") is None
    assert response.context["row_errors"] == []
    assert response.context["counts"]["unchanged"] == response.context["row_count"] > 0


def test_an_edited_export_updates_a_draft_and_adds_a_new_one(reviewer_client, client):
    load_seed()
    event = Event.objects.published().order_by("pk").first()
    rows = list(csv.DictReader(io.StringIO(exported(client, "events:event-csv").decode("utf-8-sig"))))
    row = next(row for row in rows if row["id"] == str(event.pk))
    Event.objects.filter(pk=event.pk).update(status=EventStatus.DRAFT)

    check_and_commit(
        reviewer_client,
        "events",
        as_csv(EVENT_HEADER, [row | {"title": "Corrected title"}, row | {"id": "", "title": "A second event"}]),
    )

    event.refresh_from_db()
    copy = Event.objects.get(title="A second event")
    assert (event.title, copy.status) == ("Corrected title", EventStatus.DRAFT)
    assert set(copy.organisations.all()) == set(event.organisations.all())
    assert set(copy.sources.all()) == set(event.sources.all())


def test_a_contributor_cannot_import(contributor_client):
    response = check(contributor_client, "events", as_csv(EVENT_HEADER, [event_row()]))

    assert response.status_code == 403
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"date,title\n2024,x\n", "The file lacks these columns: id, date_precision, type"),
        ("id,date\n".encode("utf-16"), "The file is not UTF-8 text"),
        (b"id,title\n1,Soci\xe9t\xe9\n", "The file is not UTF-8 text"),
        (b"id,date,title\n1,2024," + b"x" * (10 * 1024 * 1024) + b"\n", "The file is larger than 5 MB"),
        (b"id,date,title\n1,2024," + b"x" * (100 * 1024) + b"\n", "Line 2 is longer than 64 KB"),
        (as_csv(EVENT_HEADER, [event_row()]) + b"1,2,3\n", "more or fewer cells"),
    ],
)
def test_a_malformed_file_gets_a_clear_message_and_nothing_is_written(reviewer_client, data, message):
    response = check(reviewer_client, "events", data)

    assert message in response.context["file_error"]
    assert "token" not in response.context
    assert not Event.objects.exists()


def test_the_commit_checks_again_and_writes_nothing_if_a_row_went_bad_since_the_dry_run(reviewer_client):
    draft = EventFactory()
    checked = check(
        reviewer_client, "events", as_csv(EVENT_HEADER, [event_row(), event_row(id=draft.pk, title="Changed")])
    )
    draft.status = EventStatus.PUBLISHED
    draft.save()

    response = reviewer_client.post(IMPORT_URL, {"token": checked.context["token"], "_commit": "1"})

    assert problems(response) == [(3, "id")]
    assert Event.objects.count() == 1


def test_a_failure_while_writing_rolls_back_every_row(reviewer_client, monkeypatch):
    calls = []

    def failing_link(self, event, field, record):
        calls.append(event)
        if len(calls) == 2:
            raise RuntimeError("disk full")

    OrganisationFactory(name="Alliance")
    monkeypatch.setattr(EventImport, "link", failing_link)
    rows = [event_row(organisations="Alliance"), event_row(organisations="Alliance")]
    checked = check(reviewer_client, "events", as_csv(EVENT_HEADER, rows))
    reviewer_client.raise_request_exception = False

    reviewer_client.post(IMPORT_URL, {"token": checked.context["token"], "_commit": "1"})

    assert not Event.objects.exists()


def test_organisations_are_added_and_updated_from_their_export_columns(reviewer_client):
    organisation = OrganisationFactory(name="Kaoural Renouveau", kind="political_party", other_names="")
    header = ["id", "name", "url", "acronym", "kind", "status", "status_event_url", "country", "events"]
    header += ["other_names", "description"]
    rows = [
        [
            organisation.pk,
            "Kaoural Renouveau",
            "",
            "",
            "political_party",
            "dissolved",
            "",
            "ML",
            "1",
            "Kaoural Renewal",
            "",
        ],
        ["", "New Coalition", "", "NC", "coalition", "active", "", "ML", "0", "Nouvelle Coalition; NC Mali", "Formed."],
        ["", "new coalition", "", "", "coalition", "active", "", "ML", "0", "", ""],
    ]

    response = check(reviewer_client, "organisations", as_csv(header, rows))
    assert problems(response) == [(4, "name")]

    check_and_commit(reviewer_client, "organisations", as_csv(header, rows[:2]))
    organisation.refresh_from_db()
    assert organisation.other_names_list == ["Kaoural Renewal"]
    created = Organisation.objects.get(name="New Coalition")
    assert (created.acronym, created.other_names_list, created.slug) == (
        "NC",
        ["Nouvelle Coalition", "NC Mali"],
        "new-coalition",
    )


def test_people_and_sources_are_imported_from_their_export_columns(reviewer_client):
    person_header = ["id", "name", "url", "country", "description", "affiliations", "events", "other_names"]
    source_header = ["id", "title", "url", "publisher", "published", "link", "author", "language", "events"]

    check_and_commit(
        reviewer_client, "people", as_csv(person_header, [["", "Clément Dembélé", "", "ML", "Activist", "", "0", ""]])
    )
    check_and_commit(
        reviewer_client,
        "sources",
        as_csv(source_header, [["", "Mali report", "", "HRW", "2024-03", "https://hrw.org/x", "", "en", "0"]]),
    )

    assert Person.objects.get().slug == "clement-dembele"
    source = Source.objects.get()
    assert (source.published_on.isoformat(), source.published_precision, source.url) == (
        "2024-03-01",
        DatePrecision.MONTH,
        "https://hrw.org/x",
    )


def test_a_neutralised_cell_loses_its_apostrophe():
    rows = read_csv(as_csv(["id", "title"], [["", "-5 protesters"]]), ["id"])

    assert rows[0]["title"] == "'-5 protesters"
    importer = EventImport([{**{column: "" for column in EVENT_HEADER}, **event_row(title=rows[0]["title"])}])
    importer.validate()
    assert importer.prepared[0][0].cleaned_data["title"] == "-5 protesters"


def test_a_new_organisation_like_an_existing_one_is_pointed_out_but_not_refused(reviewer_client):
    existing = OrganisationFactory(name="Société Civile", country="ML")
    header = ["id", "name", "url", "acronym", "kind", "status", "status_event_url", "country", "events"]
    row = ["", "societe civile", "", "", "ngo", "", "", "SN", "0"]

    response = check(reviewer_client, "organisations", as_csv(header, [row]))

    assert response.context["row_errors"] == []
    assert [(warning.row, warning.column) for warning in response.context["row_warnings"]] == [(2, "name")]
    assert f"(id {existing.pk})" in response.content.decode()
    assert response.context["token"]
