"""The data-quality page lists what a reviewer should check, in one query per list."""

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import LinkCheck
from tests.factories import (
    CitationFactory,
    EventFactory,
    EventOrganisationFactory,
    OrganisationFactory,
    SourceCopyFactory,
    SourceFactory,
    on,
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
    pinnable = CitationFactory(event__title="Pinnable", event__date=on(2024)).event
    CitationFactory(event__title="Source vague too", event__date=on(2024), source__published=on(2024))
    CitationFactory(event__title="Already to the day")

    response = reviewer_client.get(QUALITY_URL)

    assert list(response.context["pinnable_events"]) == [pinnable]


def test_quotes_not_found_in_their_sources_copy_are_listed_with_the_number_of_sources_checked(reviewer_client):
    copy = SourceCopyFactory(text="The authorities dissolved the association on 6 March.")
    CitationFactory(source=copy.source, quote="authorities   dissolved the association")
    missing = CitationFactory(source=copy.source, quote="The <b>party</b> was suspended")

    response = reviewer_client.get(QUALITY_URL)

    assert list(response.context["missing_quotes"]) == [missing]
    text = response.content.decode()
    assert "Checked against the text copy of 1 source" in text
    assert "The &lt;b&gt;party&lt;/b&gt; was suspended" in text


def test_sources_without_a_copy_are_listed(reviewer_client):
    uncopied = SourceFactory(title="Nothing kept")
    SourceCopyFactory(source__title="Text kept")
    SourceCopyFactory(source__title="Capture kept", text="", archive_url="https://web.archive.org/web/2024/x")

    response = reviewer_client.get(QUALITY_URL)

    assert list(response.context["uncopied_sources"]) == [uncopied]


def test_only_reviewers_see_the_page_and_the_admin_index_links_to_it(reviewer_client, contributor_client):
    assert contributor_client.get(QUALITY_URL).status_code == 403
    assert QUALITY_URL not in contributor_client.get(reverse("admin:index")).content.decode()
    assert QUALITY_URL in reviewer_client.get(reverse("admin:index")).content.decode()


def make_problems(count):
    for _ in range(count):
        EventFactory(date=on(2024))
        CitationFactory(quote="", event__date=on(2024))
        SourceFactory()
        OrganisationFactory()
        copy = SourceCopyFactory(archive_url="https://web.archive.org/web/2024/https://example.org/gone")
        CitationFactory(source=copy.source, quote="a passage the copy does not hold")
        source = SourceFactory(url=f"https://example.org/gone/{copy.pk}")
        for url in (source.url, copy.archive_url):
            LinkCheck.objects.get_or_create(url=url, defaults={"checked_at": timezone.now(), "status_code": 404})
    LinkCheck.objects.update(broken_since=timezone.now())


@pytest.mark.parametrize("count", [1, 12])
def test_the_page_makes_the_same_queries_for_few_and_many_rows(reviewer_client, django_assert_num_queries, count):
    make_problems(count)
    reviewer_client.get(QUALITY_URL)  # warm the session

    # 1-2. the session and the user
    # 3-4. the user's permissions, direct and through groups (the reviewer check)
    # 5-9. one query for each list: uncited events, unquoted citations (with their event and source), unused
    #      sources, idle organisations, year-precision events with precise sources
    # 10-12. the sources whose quotes are checked; for their one chunk: their text copies, their citations (with
    #      their event and source)
    # 13-15. sources without a copy, sources and captures whose link stopped answering (each with its check)
    with django_assert_num_queries(15):
        response = reviewer_client.get(QUALITY_URL)
        for name in ["uncited_events", "unquoted_citations", "unused_sources", "idle_organisations"]:
            assert len(listed(response, name)) >= count
        assert len(list(response.context["pinnable_events"])) == count
        for name in ["missing_quotes", "broken_source_links", "broken_captures"]:
            assert len(response.context[name]) == count
        assert len(listed(response, "uncopied_sources")) >= count
        assert "answered HTTP 404" in response.content.decode()
