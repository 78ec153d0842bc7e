"""Imports stay within their limits: queries that do not grow with the rows, capped lists, checked files kept on disk
rather than in the session, and a commit that writes nothing once any batch finds a problem. Time and memory at the
limits are measured by bench/import_size.py, not here."""

import datetime
import itertools
import os
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

from events import imports
from events.admin_views import SESSION_KEY
from events.imports import EventImport, OrganisationImport, breaks, read_csv
from events.models import Event, EventStatus, Outcome
from organisations.models import Organisation
from tests.factories import EventFactory, EventOrganisationFactory, OrganisationFactory, PersonFactory, SourceFactory
from tests.test_import import EVENT_HEADER, IMPORT_URL, as_csv, check, event_row, problems

pytestmark = pytest.mark.django_db


def queries_to_check_and_commit(rows, reviewer):
    csv_file = read_csv(as_csv(EVENT_HEADER, rows), EventImport.required_columns)
    with CaptureQueriesContext(connection) as checked:
        EventImport(csv_file.header).check(csv_file.rows())
    with CaptureQueriesContext(connection) as committed:
        importer = EventImport(csv_file.header)
        importer.commit(csv_file.rows(), reviewer)
    assert importer.error_count == 0
    return len(checked), len(committed)


def rows_of(count, drafts=()):
    """New events, or updates of ``drafts``, each with its own dates and links, one of them with a new role."""
    rows = []
    for number in range(count):
        day = datetime.date(2020, 1, 1) + datetime.timedelta(days=number)
        row = event_row(
            title=f"Event {number}",
            date=day.isoformat(),
            end_date=(day + datetime.timedelta(days=number)).isoformat(),
            organisations=f"Organisation {number} [perpetrator]",
            people=f"Person {number}",
            sources=f"Report {number}",
        )
        rows.append(row | ({"id": drafts[number].pk} if drafts else {}))
    return rows


def records_for(count):
    for number in range(count):
        OrganisationFactory(name=f"Organisation {number}")
        PersonFactory(name=f"Person {number}")
        SourceFactory(title=f"Report {number}")


def test_checking_and_committing_thirty_rows_costs_the_queries_of_three(reviewer):
    records_for(30)
    few = queries_to_check_and_commit(rows_of(3), reviewer)
    many = queries_to_check_and_commit(rows_of(30), reviewer)
    assert few == many
    # Check: organisations, people and sources read once for the name lookups. Commit: the same three, then for the
    # batch: insert the events and their history, then for organisations, people and sources: insert the links
    # and their history; and a savepoint around the whole.
    assert few == (3, 3 + 2 + 3 * 2 + 2)
    assert Event.objects.count() == 33

    drafts = list(Event.objects.order_by("pk"))
    few = queries_to_check_and_commit(rows_of(3, drafts[:3]), reviewer)
    many = queries_to_check_and_commit(rows_of(30, drafts[3:]), reviewer)
    assert few == many
    assert Event.objects.filter(organisation_links__role="perpetrator").count() == 33


def test_only_the_first_problems_are_listed_and_every_one_is_counted(reviewer_client, monkeypatch):
    monkeypatch.setattr(imports, "MAX_LISTED", 2)

    response = check(reviewer_client, "events", as_csv(EVENT_HEADER, [event_row(type="riot")] * 3))

    assert (response.context["error_count"], problems(response)) == (3, [(2, "type"), (3, "type")])
    assert "3 problems found" in response.content.decode()
    assert "The first 2 of 3 are listed." in response.content.decode()


def test_a_file_that_names_too_many_records_is_refused_as_a_whole(reviewer_client, monkeypatch):
    OrganisationFactory(name="Alliance")
    monkeypatch.setattr(imports, "MAX_LINKS", 2)

    response = check(reviewer_client, "events", as_csv(EVENT_HEADER, [event_row(organisations="Alliance")] * 3))

    assert "names more than 2 organisations, people and sources" in response.context["file_error"]
    assert "token" not in response.context


def test_a_commit_that_finds_a_problem_in_a_later_batch_writes_no_batch(reviewer_client, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_ROWS", 2)
    draft = EventFactory(title="Draft")
    rows = [event_row(title=f"New {number}") for number in range(4)] + [event_row(id=draft.pk, title="Changed")]
    checked = check(reviewer_client, "events", as_csv(EVENT_HEADER, rows))
    Event.objects.filter(pk=draft.pk).update(status=EventStatus.PUBLISHED)

    response = reviewer_client.post(IMPORT_URL, {"token": checked.context["token"], "_commit": "1"})

    assert problems(response) == [(6, "id")]
    assert list(Event.objects.values_list("title", flat=True)) == ["Draft"]


def test_a_record_saved_meanwhile_that_clashes_stops_the_commit_with_a_message(reviewer_client, monkeypatch):
    header = ["id", "name", "acronym", "kind", "country"]
    checked = check(reviewer_client, "organisations", as_csv(header, [["", "Alliance", "", "ngo", "ML"]]))
    OrganisationFactory(name="ALLIANCE", country="ML")  # saved by someone else after the check...
    monkeypatch.setattr(OrganisationImport, "check_batch", lambda self, rows: [])  # ...and after the commit's check

    response = reviewer_client.post(IMPORT_URL, {"token": checked.context["token"], "_commit": "1"})

    assert "clashes with this file while it was being written: nothing was imported" in response.context["file_error"]
    assert list(Organisation.objects.values_list("name", flat=True)) == ["ALLIANCE"]


def test_the_checked_file_waits_in_a_private_file_not_in_the_session(reviewer_client, import_staging_folder):
    data = as_csv(EVENT_HEADER, [event_row()])

    checked = check(reviewer_client, "events", data)

    staged = reviewer_client.session[SESSION_KEY]
    assert set(staged) == {"token", "kind", "name"}
    path = import_staging_folder / staged["name"]
    assert path.read_bytes() == data
    assert path.stat().st_mode & 0o777 == 0o600
    reviewer_client.post(IMPORT_URL, {"token": checked.context["token"], "_commit": "1"})
    assert not path.exists()
    assert SESSION_KEY not in reviewer_client.session
    assert Event.objects.count() == 1


def test_an_import_works_with_sessions_kept_in_signed_cookies(settings, reviewer):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    client = Client()
    client.force_login(reviewer)

    checked = check(client, "events", as_csv(EVENT_HEADER, [event_row(summary="A long summary. " * 10_000)]))
    response = client.post(IMPORT_URL, {"token": checked.context["token"], "_commit": "1"})

    assert response.status_code == 302
    assert Event.objects.get().summary == ("A long summary. " * 10_000).strip()


def test_a_second_check_replaces_the_first_and_a_check_a_day_old_is_removed(reviewer_client, import_staging_folder):
    first = check(reviewer_client, "events", as_csv(EVENT_HEADER, [event_row(title="First")]))
    abandoned = import_staging_folder / "abandoned.csv"
    abandoned.write_bytes(b"id\n")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(abandoned, (two_days_ago, two_days_ago))

    second = check(reviewer_client, "events", as_csv(EVENT_HEADER, [event_row(title="Second")]))
    refused = reviewer_client.post(IMPORT_URL, {"token": first.context["token"], "_commit": "1"}, follow=True)

    assert "That check has expired or was replaced by another" in refused.content.decode()
    assert sorted(path.name for path in import_staging_folder.iterdir()) == [f"{second.context['token']}.csv"]
    reviewer_client.post(IMPORT_URL, {"token": second.context["token"], "_commit": "1"})
    assert list(Event.objects.values_list("title", flat=True)) == ["Second"]


def test_a_commit_whose_checked_file_is_gone_asks_for_the_file_again(reviewer_client, import_staging_folder):
    checked = check(reviewer_client, "events", as_csv(EVENT_HEADER, [event_row()]))
    for path in import_staging_folder.iterdir():
        path.unlink()

    response = reviewer_client.post(IMPORT_URL, {"token": checked.context["token"], "_commit": "1"}, follow=True)

    assert "upload the file again" in response.content.decode()
    assert not Event.objects.exists()


DATES = [None, datetime.date(2024, 2, 27), datetime.date(2024, 2, 28), datetime.date(2024, 2, 29)]


FEB_28 = datetime.date(2024, 2, 28)
# The interval columns (earliest, its precision, latest, its precision): well formed, open, and broken in each way.
BOUNDS = [
    (FEB_28, "day", FEB_28, "day"),
    (None, "", datetime.date(2024, 3, 31), "month"),
    (FEB_28, "day", None, ""),
    (None, "", None, ""),
    (FEB_28, "", FEB_28, "day"),
    (None, "day", FEB_28, "day"),
    (datetime.date(2024, 3, 1), "day", FEB_28, "day"),
    (FEB_28, "week", FEB_28, "day"),
]


@pytest.mark.parametrize(
    ("end_date", "outcome", "status", "bounds"),
    list(itertools.product(DATES, [Outcome.CARRIED_OUT, "riot"], [EventStatus.DRAFT, "secret"], BOUNDS)),
)
def test_the_constraints_evaluated_in_python_judge_as_django_does(end_date, outcome, status, bounds):
    event = Event(title="T", event_type="arrest", end_date=end_date, country="ML", summary="S")
    event.date_earliest, event.date_earliest_precision, event.date_latest, event.date_latest_precision = bounds
    event.outcome, event.status = outcome, status
    for constraint in Event._meta.constraints:
        try:
            constraint.validate(Event, event)
            refused_by_django = False
        except ValidationError:
            refused_by_django = True
        assert breaks(constraint, event) == refused_by_django, constraint.name


def test_a_constraint_python_cannot_evaluate_is_left_to_django(monkeypatch):
    link = EventOrganisationFactory.build(role="target")
    validated = []
    constraint = next(c for c in type(link)._meta.constraints if c.name.endswith("role_valid"))
    monkeypatch.setattr(constraint, "condition", constraint.condition & ~Q(role__startswith="x"))
    monkeypatch.setattr(constraint, "validate", lambda model, record: validated.append(record))

    assert breaks(constraint, link) is False
    assert validated == [link]
