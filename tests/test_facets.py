"""Facets: the count beside each filter choice, stopped by the database when it would take too long."""

import re

import pytest
from django.db import connection

from civicspace import facets
from events.models import Event
from tests.factories import (
    EventFactory,
    EventOrganisationFactory,
    OrganisationFactory,
    PublishedEventFactory,
)
from tests.tallies import untallied

pytestmark = pytest.mark.django_db


def slow_query(cursor):
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_sleep(5)")
    else:
        cursor.execute(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000000) SELECT count(*) FROM n"
        )


def test_a_query_that_outlasts_its_time_limit_is_stopped_and_the_connection_goes_on():
    with pytest.raises(facets.TimedOut), facets.time_limit(50), connection.cursor() as cursor:
        slow_query(cursor)

    # The next query runs normally: no limit left behind, no transaction left broken.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert Event.objects.count() == 0


def test_a_query_within_its_time_limit_is_answered():
    PublishedEventFactory(event_type="arrest")

    assert facets.facet_counts(Event.objects.public(), "event_type") == {"arrest": 1}


def type_choices(client, url="/events/"):
    """The labels of the type filter's choices on the events list, as a reader sees them."""
    page = client.get(url).content.decode()
    choices = re.search(r'<div id="id_type">(.*?)</fieldset>', page, re.S).group(1)
    return re.findall(r'<input type="checkbox" name="type"[^>]*>\s*([^<]+?)\s*</label>', choices)


def facets_timed_out(monkeypatch):
    """As when every facet's count takes too long: the fields whose values present are then read from the events
    are listed in the list returned."""
    monkeypatch.setattr("civicspace.views.facet_counts", lambda rows, field: None)
    reads = []

    def present_values(rows, field):
        reads.append(field)
        return facets.present_values(rows, field)

    monkeypatch.setattr("civicspace.views.present_values", present_values)
    return reads


@pytest.fixture
def arrests_and_a_draft_exile():
    PublishedEventFactory(event_type="arrest")
    PublishedEventFactory(event_type="arrest")
    EventFactory(event_type="exile")  # a draft: its type is no choice


def test_choices_show_their_counts_and_only_the_values_present(client, arrests_and_a_draft_exile):
    assert type_choices(client) == ["Arrest (2)"]


def test_a_facet_that_took_too_long_shows_the_values_present_without_counts(
    client, arrests_and_a_draft_exile, monkeypatch
):
    untallied(monkeypatch)
    monkeypatch.setattr("civicspace.views.facet_counts", lambda rows, field: None)

    assert type_choices(client) == ["Arrest"]


def test_a_facet_that_took_too_long_offers_the_values_of_the_whole_list_read_once(
    client, arrests_and_a_draft_exile, monkeypatch
):
    PublishedEventFactory(event_type="dissolution", country="BF")
    untallied(monkeypatch)
    reads = facets_timed_out(monkeypatch)

    # Every type a public event has, though no arrest was in Burkina Faso; never the draft's exile.
    assert type_choices(client, "/events/?country=BF") == ["Dissolution", "Arrest"]
    read_for_the_first_filters = len(reads)
    assert type_choices(client, "/events/?country=ML") == ["Dissolution", "Arrest"]
    assert len(reads) == read_for_the_first_filters, "read again for another set of filters"


def test_when_even_the_values_present_take_too_long_every_choice_is_offered(
    client, arrests_and_a_draft_exile, monkeypatch
):
    untallied(monkeypatch)
    monkeypatch.setattr("civicspace.views.facet_counts", lambda rows, field: None)
    monkeypatch.setattr("civicspace.views.present_values", lambda rows, field: facets.ALL)

    choices = type_choices(client)

    assert "Arrest" in choices and "Exile" in choices and len(choices) > 10


def test_the_values_present_of_a_type_are_read_from_the_tally_when_its_count_took_too_long(
    client, arrests_and_a_draft_exile, monkeypatch
):
    reads = facets_timed_out(monkeypatch)

    # A word: the tally cannot count the types it leaves, but it knows the types of every public event.
    assert type_choices(client, "/events/?q=nowhere") == ["Arrest"]
    assert "event_type" not in reads


def test_the_kinds_present_are_those_of_organisations_in_a_published_event_when_their_count_took_too_long(
    client, monkeypatch
):
    EventOrganisationFactory(event=PublishedEventFactory(), organisation=OrganisationFactory(kind="media"))
    EventOrganisationFactory(event=EventFactory(), organisation=OrganisationFactory(kind="trade_union"))  # a draft's
    OrganisationFactory(kind="coalition")  # in no event
    reads = facets_timed_out(monkeypatch)

    page = client.get("/events/?q=nowhere").content.decode()

    assert re.findall(r'<input type="checkbox" name="kind" value="([a-z_]+)"', page) == ["media"]
    assert "organisations__kind" not in reads


@pytest.mark.parametrize("page", ["/events/", "/"])
def test_a_chart_that_takes_too_long_to_count_is_left_out_and_said_to_be_and_not_counted_again(
    client, settings, monkeypatch, page
):
    PublishedEventFactory(event_type="arrest", title="The arrest listed")
    settings.TRACKER_FACET_TIME_LIMIT_MS = 5
    counted = []

    def slow_counts(queryset):
        counted.append(queryset)
        with connection.cursor() as cursor:
            slow_query(cursor)

    monkeypatch.setattr("events.views.dated_counts", slow_counts)

    for _request in range(2):
        html = client.get(f"{page}?q=arrest").content.decode()
        assert "charting them would take too long" in html
        assert '<figure class="chart">' not in html and "The arrest listed" in html
    assert len(counted) == 1


def test_the_filter_form_is_kept_for_every_page_of_its_filters_until_the_data_changes(client):
    for number in range(60):
        PublishedEventFactory(event_type="arrest", title=f"Arrest {number}")

    first = client.get("/events/?type=arrest")
    following = client.get(f"/events/?type=arrest&cursor={first.context['page_obj'].next_cursor}")

    assert "includes/filter_form.html" in [template.name for template in first.templates]
    assert "includes/filter_form.html" not in [template.name for template in following.templates]
    assert "Arrest (60)" in following.content.decode()
    # Another language, or a change to the public data, renders it again.
    assert "Arrestation (60)" in client.get("/fr/events/?type=arrest").content.decode()
    PublishedEventFactory(event_type="arrest")
    assert "Arrest (61)" in client.get("/events/?type=arrest").content.decode()


def test_a_filter_form_with_errors_is_never_kept(client):
    PublishedEventFactory(event_type="arrest")
    client.get("/events/?type=arrest")

    refused = client.get("/events/?type=arrest&from=someday")

    assert refused.status_code == 400
    assert "includes/filter_form.html" in [template.name for template in refused.templates]
