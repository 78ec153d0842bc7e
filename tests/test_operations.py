"""Nothing lost in operation: the health check, a backup that restores every record with its history, and exports
that cannot pass for complete when they are not."""

import json
from unittest import mock

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import OperationalError, connection
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicspace.views import csv_lines, json_document
from events.models import Event, EventStatus
from tests.factories import (
    AffiliationFactory,
    ContributorFactory,
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    PublishedEventFactory,
    ReviewerFactory,
    on,
)

pytestmark = pytest.mark.django_db


def test_health_answers_ok_with_one_query_and_no_cookie_or_cache(client, django_assert_num_queries):
    # SELECT 1
    with django_assert_num_queries(1):
        response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_health_answers_503_when_the_database_is_unreachable(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get(reverse("health"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_health_refuses_a_post(client):
    assert client.post(reverse("health")).status_code == 405


def every_row():
    """{model label: its rows} for every table, the history and many-to-many tables included.

    A many-to-many row is dumped as part of its owner and restored under a new id, so those rows are compared
    by what they join.
    """
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.auto_created:
            fields = [field.attname for field in model._meta.concrete_fields if not field.primary_key]
            rows[model._meta.label] = sorted(model._base_manager.values_list(*fields))
        else:
            rows[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return rows


# Outside a test transaction, as a restore runs: PostgreSQL refuses to empty tables with checks still pending.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_and_restore_keeps_every_record_and_its_whole_history(tmp_path):
    reviewer = ReviewerFactory()
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    event = PublishedEventFactory(title="Authorities dissolve an association", date=on(2024, 3, 1))
    EventOrganisationFactory(event=event)
    EventPersonFactory(event=event)
    AffiliationFactory()
    event.title = "Authorities dissolve the association"
    event.save()
    EventFactory(status=EventStatus.DRAFT).delete()  # its history says it was deleted
    ContributorFactory()
    before = every_row()
    assert len(before["events.HistoricalEvent"]) == 4  # created x2, changed, deleted

    # XML, as the README says: dumpdata's JSON cuts times to the millisecond, so history times would change.
    backup = tmp_path / "backup.xml"
    call_command("dumpdata", format="xml", output=str(backup), verbosity=0)
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert Event.objects.count() == 0
    call_command("loaddata", str(backup), verbosity=0)

    assert every_row() == before


def test_a_json_export_cut_midway_has_no_closing_bracket():
    def records_then_failure():
        yield {"id": 1, "title": "first"}
        yield {"id": 2, "title": "second"}
        raise OperationalError("the database went away")

    produced = []
    with pytest.raises(OperationalError):
        for piece in json_document({"n": None}, records_then_failure()):
            produced.append(piece)

    assert "".join(produced) == '{"n": null, "results": [\n{"id": 1, "title": "first"},\n{"id": 2, "title": "second"}'
    assert json.loads("".join(json_document({"next": None}, iter([{"id": 1}])))) == {
        "next": None,
        "results": [{"id": 1}],
    }


def test_a_csv_export_cut_midway_raises_instead_of_ending_quietly():
    def rows_then_failure():
        yield [1, "first"]
        raise OperationalError("the database went away")

    with pytest.raises(OperationalError):
        list(csv_lines(["id", "title"], rows_then_failure()))


def test_the_export_links_say_how_many_rows_the_download_holds(client):
    PublishedEventFactory.create_batch(3)
    EventFactory(status=EventStatus.DRAFT)

    html = client.get(reverse("events:event-list")).content.decode()

    assert "(all 3 matching rows, not only this page)" in html
