"""The data-quality page lists what a reviewer should check, in one query per list."""

import datetime

import pytest
from django.urls import reverse

from civicspace.dates import DatePrecision
from tests.factories import (
    CitationFactory,
    EventFactory,
    EventOrganisationFactory,
    OrganisationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

QUALITY_URL = reverse("admin:events_quality")


def listed(response, name):
    return [str(record) for record in response.context[name]]


def test_events_without_a_source_are_listed(reviewer_client):
    unsourced = EventFactory(title="Unsourced")
    CitationFactory(event__title="Sourced")

    response = reviewer_client.get(QUALITY_URL)

    assert listed(response, "uncited_events") == [str(unsourced)]


def test_citations_without_a_quote_are_listed(reviewer_client):
    unquoted = CitationFactory(quote="")
    CitationFactory(quote="a passage")

    response = reviewer_client.get(QUALITY_URL)

    assert list(response.context["unquoted_citations"]) == [unquoted]


def test_sources_cited_by_nothing_are_listed(reviewer_client):
    unused = SourceFactory(title="Never cited")
    CitationFactory()

    response = reviewer_client.get(QUALITY_URL)

    assert list(response.context["unused_sources"]) == [unused]


def test_organisations_with_no_events_are_listed(reviewer_client):
    idle = OrganisationFactory(name="Idle")
    EventOrganisationFactory(organisation__name="Busy")

    response = reviewer_client.get(QUALITY_URL)

    assert list(response.context["idle_organisations"]) == [idle]


def test_year_precision_events_whose_sources_give_a_month_or_day_are_listed(reviewer_client):
    year_only = dict(date=datetime.date(2024, 1, 1), date_precision=DatePrecision.YEAR)
    pinnable = CitationFactory(
        event__title="Pinnable",
        event__date_precision=DatePrecision.YEAR,
        **{f"event__{key}": value for key, value in year_only.items() if key != "date_precision"},
    ).event
    CitationFactory(
        event__title="Source vague too",
        source__published_precision=DatePrecision.YEAR,
        source__published_on=datetime.date(2024, 1, 1),
        **{f"event__{key}": value for key, value in year_only.items()},
    )
    CitationFactory(event__title="Already to the day")

    response = reviewer_client.get(QUALITY_URL)

    assert list(response.context["pinnable_events"]) == [pinnable]


def test_only_reviewers_see_the_page_and_the_admin_index_links_to_it(reviewer_client, contributor_client):
    assert contributor_client.get(QUALITY_URL).status_code == 403
    assert QUALITY_URL not in contributor_client.get(reverse("admin:index")).content.decode()
    assert QUALITY_URL in reviewer_client.get(reverse("admin:index")).content.decode()


def make_problems(count):
    for _ in range(count):
        EventFactory(date=datetime.date(2024, 1, 1), date_precision=DatePrecision.YEAR)
        CitationFactory(quote="", event__date=datetime.date(2024, 1, 1), event__date_precision=DatePrecision.YEAR)
        SourceFactory()
        OrganisationFactory()


@pytest.mark.parametrize("count", [1, 12])
def test_the_page_makes_the_same_queries_for_few_and_many_rows(reviewer_client, django_assert_num_queries, count):
    make_problems(count)
    reviewer_client.get(QUALITY_URL)  # warm the session

    # 1-2. the session and the user
    # 3-4. the user's permissions, direct and through groups (the reviewer check)
    # 5-9. one query for each list: uncited events, unquoted citations (with their event and source), unused
    #      sources, idle organisations, year-precision events with precise sources
    with django_assert_num_queries(9):
        response = reviewer_client.get(QUALITY_URL)
        for name in ["uncited_events", "unquoted_citations", "unused_sources", "idle_organisations"]:
            assert len(listed(response, name)) >= count
        assert len(list(response.context["pinnable_events"])) == count
