"""Reviewers import CSV files laid out as the public export writes them: checked first, then written whole or not."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicspace.views import joined, split_joined
from events import imports
from events.imports import EventImport, clean_cell, read_csv
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
    on,
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
    event = Event.objects.public().order_by("pk").first()
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
        (
            as_csv(EVENT_HEADER, [event_row()]) + b"1,2,3\n",
            f"Row 3 has 3 cells where the header has {len(EVENT_HEADER)} columns",
        ),
        (as_csv(EVENT_HEADER, [event_row()]) + b'1,"never closed\n', "not valid CSV near line 3"),
        (as_csv([*EVENT_HEADER, "title"], []), "These columns appear more than once: title"),
        (as_csv(EVENT_HEADER, [event_row()] * 4), "The file has more than 3 rows"),
    ],
)
def test_a_malformed_file_gets_a_clear_message_and_nothing_is_written(reviewer_client, monkeypatch, data, message):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)

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


def test_a_failure_while_writing_rolls_back_every_row_of_every_batch(reviewer_client, monkeypatch):
    written = []
    write_relations = EventImport.write_relations

    def failing_on_the_second_batch(self, rows, history):
        written.append(rows)
        if len(written) == 2:
            raise RuntimeError("disk full")
        write_relations(self, rows, history)

    OrganisationFactory(name="Alliance")
    monkeypatch.setattr(imports, "BATCH_ROWS", 2)
    monkeypatch.setattr(EventImport, "write_relations", failing_on_the_second_batch)
    rows = [event_row(organisations="Alliance", title=f"Event {n}") for n in range(4)]
    checked = check(reviewer_client, "events", as_csv(EVENT_HEADER, rows))
    reviewer_client.raise_request_exception = False

    response = reviewer_client.post(IMPORT_URL, {"token": checked.context["token"], "_commit": "1"})

    assert response.status_code == 500
    assert len(written) == 2
    assert not Event.objects.exists()
    assert not Event.history.exists()


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
    assert (source.published, source.url) == (on(2024, 3), "https://hrw.org/x")


def test_a_neutralised_cell_loses_its_apostrophe():
    csv_file = read_csv(as_csv(["id", "title"], [["", "-5 protesters"]]), ["id"])
    [(number, row)] = list(csv_file.rows())

    assert (number, row["title"]) == (2, "'-5 protesters")
    assert clean_cell(row["title"]) == "-5 protesters"
    assert clean_cell("'Ordinary") == "'Ordinary"
    assert clean_cell("''=kept") == "'=kept"


def test_a_new_organisation_like_an_existing_one_is_pointed_out_but_not_refused(reviewer_client):
    existing = OrganisationFactory(name="Société Civile", country="ML")
    header = ["id", "name", "url", "acronym", "kind", "status", "status_event_url", "country", "events"]
    row = ["", "societe civile", "", "", "ngo", "", "", "SN", "0"]

    response = check(reviewer_client, "organisations", as_csv(header, [row]))

    assert response.context["row_errors"] == []
    assert [(warning.row, warning.column) for warning in response.context["row_warnings"]] == [(2, "name")]
    assert f"(id {existing.pk})" in response.content.decode()
    assert response.context["token"]


@pytest.mark.parametrize("bad_id", ["²", "99999999999999999999", "-1", "1.0", "x"])
def test_an_id_that_is_no_stored_record_is_a_problem_of_its_row_not_an_error_page(reviewer_client, bad_id):
    response = check(reviewer_client, "events", as_csv(EVENT_HEADER, [event_row(id=bad_id)]))

    assert response.status_code == 200
    assert problems(response) == [(2, "id")]


def test_two_rows_may_not_update_the_same_record(reviewer_client):
    draft = EventFactory()
    rows = [event_row(id=draft.pk, title="One"), event_row(id=draft.pk, title="Two")]

    response = check(reviewer_client, "events", as_csv(EVENT_HEADER, rows))

    assert problems(response) == [(3, "id")]
    assert "Row 2 of this file already has this id" in response.content.decode()


def test_an_end_date_before_the_start_breaks_the_models_own_rule(reviewer_client):
    rows = [event_row(end_date="2024-02-27"), event_row(end_date="2024-02-28"), event_row(end_date="")]

    response = check(reviewer_client, "events", as_csv(EVENT_HEADER, rows))

    assert problems(response) == [(2, "date, end_date")]
    assert "The end date cannot be before the start date." in response.content.decode()


def test_a_publication_date_that_is_not_one_is_refused(reviewer_client):
    header = ["id", "title", "publisher", "published"]

    response = check(reviewer_client, "sources", as_csv(header, [["", "T", "P", "2024-13"], ["", "T", "P", "x"]]))

    assert problems(response) == [(2, "published"), (3, "published")]


def test_roles_are_read_from_the_cells_and_a_name_without_one_is_a_target(reviewer_client):
    army = OrganisationFactory(name="Forces armées", acronym="FAMa")
    party = OrganisationFactory(name="Parti; Renouveau")
    person = PersonFactory(name="Goïta")
    row = event_row(
        organisations="FAMa [perpetrator]; Parti;; Renouveau", people="goita [spokesperson]; Goïta [target]"
    )

    check_and_commit(reviewer_client, "events", as_csv(EVENT_HEADER, [row]))

    event = Event.objects.get()
    assert sorted(event.organisation_links.values_list("organisation", "role")) == sorted(
        [(army.pk, "perpetrator"), (party.pk, "target")]
    )
    assert sorted(event.person_links.values_list("person", "role")) == [
        (person.pk, "spokesperson"),
        (person.pk, "target"),
    ]


def test_a_role_that_is_not_one_is_named_in_the_problem(reviewer_client):
    OrganisationFactory(name="Forces armées")

    response = check(reviewer_client, "events", as_csv(EVENT_HEADER, [event_row(organisations="Forces armées [perp]")]))

    assert problems(response) == [(2, "organisations")]
    assert "&quot;perp&quot; is not a role: use one of target, perpetrator" in response.content.decode()


def test_a_bracket_that_holds_no_role_is_part_of_the_name(reviewer_client):
    organisation = OrganisationFactory(name="Coalition [Mali]")

    check_and_commit(reviewer_client, "events", as_csv(EVENT_HEADER, [event_row(organisations="Coalition [Mali]")]))

    assert Event.objects.get().organisation_links.get().organisation == organisation


def test_an_organisation_named_like_a_stored_one_in_the_same_country_is_refused(reviewer_client):
    OrganisationFactory(name="Kaoural Renouveau", country="ML")
    header = ["id", "name", "acronym", "kind", "country"]
    rows = [["", "KAOURAL RENOUVEAU", "", "ngo", "ML"], ["", "Kaoural Renouveau", "", "ngo", "SN"]]

    response = check(reviewer_client, "organisations", as_csv(header, rows))

    assert problems(response) == [(2, "name")]
    assert "An organisation with this name already exists in this country." in response.content.decode()


def test_people_named_alike_get_addresses_of_their_own_across_batches(reviewer_client, monkeypatch):
    PersonFactory(name="Amadou Koné", slug="amadou-kone")
    PersonFactory(name="Someone else", slug="amadou-kone-4")
    monkeypatch.setattr(imports, "BATCH_ROWS", 2)
    rows = [["", "Amadou Koné"]] * 5

    check_and_commit(reviewer_client, "people", as_csv(["id", "name"], rows))

    slugs = Person.objects.filter(name="Amadou Koné").values_list("slug", flat=True)
    assert sorted(slugs) == ["amadou-kone", *(f"amadou-kone-{n}" for n in (5, 6, 7, 8, 9))]


def test_every_imported_record_and_link_has_its_history_entry_by_the_reviewer(reviewer_client, reviewer):
    organisation = OrganisationFactory(name="Alliance")
    source = SourceFactory(title="Report")

    check_and_commit(
        reviewer_client, "events", as_csv(EVENT_HEADER, [event_row(organisations="Alliance", sources="Report")])
    )

    event = Event.objects.get()
    links = [*event.organisation_links.all(), *event.citations.all()]
    for history in [event.history, *(link.history for link in links)]:
        entry = history.get()
        assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
            "+",
            reviewer,
            "Imported from CSV",
        )
    assert (event.organisation_links.get().organisation, event.citations.get().source) == (organisation, source)


@pytest.mark.parametrize(
    ("cell", "values"),
    [
        ("A; B", ["A", "B"]),
        ("A;; B; C", ["A; B", "C"]),
        ("A;;; B", ["A;", "B"]),
        ("; ;;B;", [";B"]),
        ("A;B", ["A", "B"]),
        ("", []),
    ],
)
def test_a_cell_of_many_values_splits_as_the_export_joined_it(cell, values):
    assert split_joined(cell) == values
    if cell.startswith("A") and ";;" in cell:
        assert joined(values) == cell
