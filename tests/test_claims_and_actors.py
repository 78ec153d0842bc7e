"""Who acted is a record researchers can filter by; an allegation is marked as someone's claim, on the page and in
the exports."""

import csv
import io

import pytest

from events.models import ReportedAs, Role
from tests.factories import (
    CitationFactory,
    EventFactory,
    EventOrganisationFactory,
    OrganisationFactory,
    PublishedEventFactory,
)
from tests.test_admin import admin_url, change_form

pytestmark = pytest.mark.django_db


def rows(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.fixture
def ministry():
    return OrganisationFactory(name="Ministry of Territorial Administration", slug="ministry", kind="state_body")


def test_who_acted_is_linked_beside_the_sources_wording(client, ministry):
    event = PublishedEventFactory(title="AEEM dissolved", authority="the minister of territorial administration")
    EventOrganisationFactory(event=event, organisation=ministry, role=Role.PERPETRATOR)

    page = client.get(event.get_absolute_url()).content.decode()

    assert '<a href="/organisations/ministry/">Ministry of Territorial Administration</a>' in page
    assert "<q>the minister of territorial administration</q>" in page
    row = rows(client.get("/events.csv"))[0]
    assert row["perpetrators"] == "Ministry of Territorial Administration"
    assert row["authority"] == "the minister of territorial administration"


def test_the_lists_filter_by_who_acted_as_published_events_say(client, ministry):
    acted = PublishedEventFactory(title="Acted")
    EventOrganisationFactory(event=acted, organisation=ministry, role=Role.PERPETRATOR)
    PublishedEventFactory(title="Someone else")
    secret = OrganisationFactory(name="Secret police", slug="secret-police", listed=True)
    EventOrganisationFactory(event=EventFactory(), organisation=secret, role=Role.PERPETRATOR)

    assert [row["title"] for row in rows(client.get("/events.csv?perpetrator=ministry"))] == ["Acted"]
    assert [
        row["title"] for row in rows(client.get("/events.csv?perpetrator=Ministry of territorial administration"))
    ] == ["Acted"]
    # A draft naming the secret police as perpetrator is no part of what the filter finds.
    assert rows(client.get("/events.csv?perpetrator=secret-police")) == []
    organisations = rows(client.get("/organisations.csv?role=perpetrator"))
    assert [row["name"] for row in organisations] == ["Ministry of Territorial Administration"]


def test_an_event_only_alleged_by_its_sources_says_so_on_its_page_and_in_the_exports(client):
    event = PublishedEventFactory(title="AEEM members arrested")
    event.citations.update(reported_as=ReportedAs.ALLEGATION, alleged_by="the minister of territorial administration")

    page = client.get(event.get_absolute_url()).content.decode()

    assert "the sources report this as a claim by the minister of territorial administration" in page
    assert "An allegation by the minister of territorial administration, as reported by" in page
    assert '<span class="allegation-label">alleged</span>' in client.get("/events/").content.decode()
    row = rows(client.get("/events.csv"))[0]
    assert (row["reported_as"], row["alleged_by"]) == ("allegation", "the minister of territorial administration")


def test_one_source_reporting_it_as_fact_makes_it_no_longer_merely_alleged(client):
    event = PublishedEventFactory()
    event.citations.update(reported_as=ReportedAs.ALLEGATION, alleged_by="the government")
    CitationFactory(event=event)

    assert "Alleged:" not in client.get(event.get_absolute_url()).content.decode()
    assert rows(client.get("/events.csv"))[0]["reported_as"] == "fact"


def test_the_admin_refuses_someone_alleging_what_is_reported_as_fact(reviewer_client):
    citation = CitationFactory()

    response = reviewer_client.post(
        admin_url("events.event", "change", citation.event.pk),
        change_form(citation, **{"citations-0-alleged_by": "the minister"}),
    )

    assert response.status_code == 200
    assert "Only an allegation is alleged by someone" in response.content.decode()
