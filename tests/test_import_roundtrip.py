"""What the public CSV exports write, the import reads back as it was: every field, every link with its role, and any
text the admin accepts (long, multi-line, quoted, formula-like, accented, holding the cells' "; " separator)."""

import csv
import datetime
import io

import pytest

from civicspace.dates import DateCertainty, Interval, PartialDate
from events.imports import interval_columns, read_csv
from events.models import Citation, Event, EventStatus, Outcome, Role, Source
from organisations.models import Organisation, Person
from tests.factories import (
    AffiliationFactory,
    CitationFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
    PublishedEventFactory,
    SourceFactory,
    build_hidden_world,
)
from tests.test_import import check, check_and_commit, exported

pytestmark = pytest.mark.django_db

# Line breaks as LF: the admin stores every one so (a browser sends CRLF), and the import reads them so.
LONG_TEXT = "\n".join(["A paragraph of the summary, longer than any line limit would allow."] * 2000)  # 140 KB
HARD_TEXTS = [
    'Line one\nline two\nline three with "quotes", commas, and a tab:\there',
    '=HYPERLINK("http://example.org")',
    "-5 protesters",
    "+223 20 22 33 44",
    "@mention",
    "'=already behind an apostrophe",
    "''two apostrophes",
    "'s-Hertogenbosch",
    "Société civile: Goïta, Ségou, «guillemets», 中文, 🙂",
    "Arrests; crackdown; and a last;",
]

EVENT_FIELDS = [
    "title",
    "event_type",
    "date_earliest",
    "date_earliest_precision",
    "date_latest",
    "date_latest_precision",
    "date_certainty",
    "end_date",
    "country",
    "location",
    "summary",
    "authority",
    "justification",
    "outcome",
]


def public_person(**values):
    """A person the public sees without an event: listed, and affiliated with a listed organisation."""
    person = PersonFactory(listed=True, **values)
    AffiliationFactory(person=person, organisation=OrganisationFactory(listed=True))
    return person


def cited_source(**values):
    """A source the public sees: one a published event cites."""
    source = SourceFactory(**values)
    CitationFactory(event=PublishedEventFactory(), source=source)
    return source


def as_exported(event):
    """Everything about an event that its row in events.csv carries."""
    return {
        **{name: str(getattr(event, name)) for name in EVENT_FIELDS},
        "organisations": sorted((link.organisation_id, link.role) for link in event.organisation_links.all()),
        "people": sorted((link.person_id, link.role) for link in event.person_links.all()),
        "sources": sorted({citation.source_id for citation in event.citations.all()}),
    }


def with_ids_blanked(data):
    """The file as exported, each row a new record: only the id cells are emptied, nothing is written again."""
    csv_file = read_csv(data, ["id"])
    out = io.StringIO()
    writer = csv.DictWriter(out, csv_file.header)
    writer.writeheader()
    for _number, row in csv_file.rows():
        writer.writerow({**row, "id": ""})
    return ("\ufeff" + out.getvalue()).encode()


@pytest.fixture
def hard_events():
    """Published events full of text that is hard to carry through CSV, linked with every kind of role."""
    movement = OrganisationFactory(name="Mouvement; Renouveau [bar]", acronym="M;R")
    ministry = OrganisationFactory(name="=Ministère de l'Administration territoriale", acronym="")
    person = PersonFactory(name="Goïta; Assimi")
    other = PersonFactory(name="'=Named like a formula")
    source = SourceFactory(publisher="RFI; Afrique", title="Arrests; crackdown continues")
    second_source = SourceFactory(publisher="HRW", title="-Minus first")
    events = []
    for number, text in enumerate(HARD_TEXTS):
        event = PublishedEventFactory(
            title=text[:300],
            summary=LONG_TEXT if number == 0 else text,
            justification=text,
            authority=text[:300],
            location=text[:200],
            # Every kind of interval, in turn: a month, a range, an upper bound only, a lower bound only.
            date=[
                Interval.single(PartialDate(2024, 3), DateCertainty.INFERRED),
                Interval(PartialDate(2024, 3, 6), PartialDate(2024, 4, 20)),
                Interval(None, PartialDate(2024, 5), DateCertainty.INFERRED),
                Interval(PartialDate(2024, 2), None),
            ][number % 4],
            end_date=datetime.date(2024, 4, 30) if number % 2 else None,
            outcome=Outcome.ATTEMPTED,
            citation__source=source,
        )
        EventOrganisationFactory(event=event, organisation=movement, role=Role.TARGET)
        EventOrganisationFactory(event=event, organisation=ministry, role=Role.PERPETRATOR)
        EventPersonFactory(event=event, person=person, role=Role.SPOKESPERSON)
        EventPersonFactory(event=event, person=person, role=Role.TARGET)
        EventPersonFactory(event=event, person=other, role=Role.AUTHOR)
        CitationFactory(event=event, source=second_source, quote="kept on update")
        events.append(event)
    return events


def test_an_events_export_imported_as_new_events_has_every_field_and_link_with_its_role(
    hard_events, client, reviewer_client
):
    before = sorted((as_exported(event) for event in Event.objects.all()), key=lambda event: event["title"])
    data = with_ids_blanked(exported(client, "events:event-csv"))
    Event.objects.all().delete()

    response = check_and_commit(reviewer_client, "events", data)

    assert response.status_code == 302
    after = sorted((as_exported(event) for event in Event.objects.all()), key=lambda event: event["title"])
    assert after == before
    assert set(Event.objects.values_list("status", flat=True)) == {EventStatus.DRAFT}


def test_an_events_export_imported_over_edited_drafts_restores_them_and_keeps_the_quotes(
    hard_events, client, reviewer_client, reviewer
):
    before = {event.pk: as_exported(event) for event in Event.objects.all()}
    data = exported(client, "events:event-csv")
    Event.objects.update(status=EventStatus.DRAFT, title="Edited", summary="Edited", end_date=None)
    Citation.objects.filter(quote="kept on update").update(quote="Quoted by an editor")
    for event in Event.objects.all():
        event.organisation_links.update(role=Role.OTHER)
        event.person_links.filter(role=Role.AUTHOR).delete()

    response = check_and_commit(reviewer_client, "events", data)

    assert response.status_code == 302
    assert {event.pk: as_exported(event) for event in Event.objects.all()} == before
    assert Citation.objects.filter(quote="Quoted by an editor").count() == len(hard_events)
    event = Event.objects.get(pk=hard_events[0].pk)
    assert (event.version, event.updated_by) == (hard_events[0].version + 1, reviewer)
    latest = event.history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_user, latest.version) == ("~", reviewer, event.version)


def test_the_export_reads_back_unchanged(hard_events, client, reviewer_client):
    response = check(reviewer_client, "events", exported(client, "events:event-csv"))

    assert response.context["row_errors"] == []
    assert response.context["counts"] == {"new": 0, "updated": 0, "unchanged": len(hard_events)}


@pytest.mark.parametrize(
    ("kind", "url_name", "model", "fields", "make"),
    [
        (
            "organisations",
            "organisations:organisation-csv",
            Organisation,
            ["name", "acronym", "kind", "country", "other_names", "description"],
            # Listed, so that the public (and so the export) sees them without an event.
            lambda number, text: OrganisationFactory(
                listed=True,
                name=f"{text[:280]} {number}",
                acronym=f"A;{number}",
                other_names=f"{text}\nAncien nom; avec point-virgule\n=Formule {number}".replace("\r\n", " "),
                description=LONG_TEXT if number == 0 else text,
                country="ML" if number % 2 else "",
            ),
        ),
        (
            "people",
            "organisations:person-csv",
            Person,
            ["name", "country", "description", "other_names"],
            lambda number, text: public_person(
                name=f"{text[:280]} {number}",
                description=text[:300],
                other_names="\n".join([text.replace("\r\n", " ").replace("\n", " "), "; leading separator"]),
            ),
        ),
        (
            "sources",
            "events:source-csv",
            Source,
            ["title", "publisher", "url", "author", *interval_columns("published"), "language"],
            lambda number, text: cited_source(
                title=text[:500],
                publisher=f"{text[:280]} {number}",
                author=text[:300],
                url=f"https://example.org/a;b?q={number}",
                published=Interval(PartialDate(2023), PartialDate(2023, 6, 1)) if number % 2 else None,
                language="fr",
            ),
        ),
    ],
)
def test_an_export_of_records_imported_as_new_ones_has_every_exported_field(
    client, reviewer_client, kind, url_name, model, fields, make
):
    for number, text in enumerate(HARD_TEXTS):
        make(number, text)
    before = sorted(tuple(str(value) for value in row) for row in model.objects.values_list(*fields))
    data = with_ids_blanked(exported(client, url_name))
    Event.objects.all().delete()  # what made them public, and kept them from being deleted
    model.objects.all().delete()

    response = check_and_commit(reviewer_client, kind, data)

    assert response.status_code == 302
    after = sorted(tuple(str(value) for value in row) for row in model.objects.values_list(*fields))
    assert after == before


def test_protected_people_survive_an_export_read_back_over_drafts(client, reviewer_client):
    world = build_hidden_world()
    stored_links = set(world.event.person_links.values_list("person_id", "role"))
    data = exported(client, "events:event-csv")
    Event.objects.filter(pk=world.event.pk).update(status=EventStatus.DRAFT)
    world.event.person_links.update(role=Role.OTHER)  # an editor's change, which the file's roles undo

    response = check_and_commit(reviewer_client, "events", data)

    assert response.status_code == 302
    # The pseudonym led back to the person; the withheld people, in no cell, kept their links.
    assert set(world.event.person_links.values_list("person_id", "role")) == {
        (person, Role.TARGET if person in (world.named.pk, world.pseudonymised.pk) else Role.OTHER)
        for person, _role in stored_links
    }


def test_a_protected_persons_row_reads_back_unchanged_and_refuses_an_edit(client, reviewer_client):
    world = build_hidden_world()
    data = exported(client, "organisations:person-csv")

    unchanged = check(reviewer_client, "people", data)
    edited = check(reviewer_client, "people", data.replace(b"Student activist A", b"Aminata Secret"))

    assert unchanged.context["row_errors"] == []
    assert unchanged.context["counts"]["updated"] == 0
    assert [error.column for error in edited.context["row_errors"]] == ["name"]
    world.pseudonymised.refresh_from_db()
    assert world.pseudonymised.name == "Aminata Secret"
