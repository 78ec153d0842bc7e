"""Pages go by key: following "next" visits every row once, in order, whatever the list, sort or filter; "previous"
comes back to the same pages; and a deep page costs the queries the first does."""

import re

import pytest
from django.core.cache import cache
from django.utils.http import urlencode

from civicspace.dates import Interval, PartialDate
from civicspace.pagination import EXACT_COUNT_LIMIT, count
from events.models import Event
from events.services import unpublish_events
from tests.factories import (
    EventFactory,
    EventOrganisationFactory,
    OrganisationFactory,
    PublishedEventFactory,
    SourceFactory,
    UserFactory,
    build_hidden_world,
    on,
)
from tests.queries import time_limited
from tests.tallies import untallied

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'href="\?([^"]*)" rel="next"')
PREVIOUS = re.compile(r'href="\?([^"]*)" rel="prev"')


def dated_events(number):
    """Events on few distinct days, with wide and open intervals among them, so that ties need every key."""
    shapes = [
        lambda n: on(2024, 1 + n % 3, 1),
        lambda n: on(2024, 1 + n % 3),
        lambda n: on(2024),
        lambda n: Interval(None, PartialDate(2024, 1 + n % 3)),
        lambda n: Interval(PartialDate(2024, 1 + n % 3), None),
    ]
    return [
        PublishedEventFactory(title=f"Event {n % 7}", event_type=["arrest", "exile"][n % 2], date=shapes[n % 5](n))
        for n in range(number)
    ]


def walk(client, url, query=""):
    """Every page's rows (their pks) following "next" links from the first page; and the pages' queries."""
    pages, address = [], f"{url}?{query}"
    while address:
        response = client.get(address)
        assert response.status_code == 200, address
        pages.append(([row.pk for row in response.context["page_obj"].object_list], address))
        found = NEXT.search(response.content.decode().replace("&amp;", "&"))
        address = f"{url}?{found[1]}" if found else None
    return pages


@pytest.mark.parametrize(
    ("url", "query", "expected"),
    [
        ("/events/", "", lambda: Event.objects.public().order_by("-date_sort", "date_sort_end", "-id")),
        ("/events/", "sort=-date", lambda: Event.objects.public().order_by("-date_sort", "-id")),
        ("/events/", "sort=title", lambda: Event.objects.public().order_by("title", "id")),
        ("/events/", "sort=type&type=arrest", lambda: Event.objects.public().filter(event_type="arrest")
         .order_by("pk")),
        ("/", "", lambda: Event.objects.public().timeline()),
        ("/", "order=oldest", lambda: Event.objects.public().timeline(newest_first=False)),
    ],
)  # fmt: skip
def test_following_next_visits_every_event_once_in_the_lists_order(client, url, query, expected):
    dated_events(123)
    build_hidden_world()  # a draft in the data must not take a place on any page

    pages = walk(client, url, query)

    assert all(len(rows) == 50 for rows, _address in pages[:-1])
    assert [pk for rows, _address in pages for pk in rows] == list(expected().values_list("pk", flat=True))


def test_previous_comes_back_to_the_same_pages(client):
    dated_events(120)
    pages = walk(client, "/events/", "type=arrest")
    _rows, last_address = pages[-1]
    response = client.get(last_address)
    back = PREVIOUS.search(response.content.decode().replace("&amp;", "&"))[1]

    assert [row.pk for row in client.get(f"/events/?{back}").context["page_obj"].object_list] == pages[-2][0]
    assert 'rel="prev"' not in client.get("/events/?type=arrest").content.decode()


def organisation_with_a_name_it_shares(number):
    """Nine names, each in several countries: the order by name alone would not be total."""
    country = ["ML", "NE", "BF", "SN", "GN", "TD", "NG"][number // 9]
    organisation = OrganisationFactory(name=f"Org {number % 9}", country=country)
    EventOrganisationFactory(event=PublishedEventFactory(), organisation=organisation)


def source_from_one_of_three_years(number):
    PublishedEventFactory(citation__source=SourceFactory(published=on(2020 + number % 3)))


@pytest.mark.parametrize(
    ("url", "make"),
    [("/organisations/", organisation_with_a_name_it_shares), ("/sources/", source_from_one_of_three_years)],
)
def test_the_other_lists_page_by_key_too(client, url, make):
    for number in range(60):
        make(number)

    pages = walk(client, url)

    rows = [pk for page, _address in pages for pk in page]
    assert len(rows) == len(set(rows)) == 60


def test_a_deep_page_costs_the_queries_the_first_does(client, django_assert_num_queries):
    dated_events(160)
    pages = walk(client, "/events/", "type=arrest")
    first, deep = pages[0][1], pages[-1][1]

    # the page's keys, then its events with their links (events/export.py); from the tally (events/tally.py): the
    # days the events stand on, their count, the facets' counts of types, countries and outcomes, the chart's counts
    # by month and type (time-limited); the facet of organisation kinds, counted from the events (time-limited).
    for address in (first, deep):
        cache.clear()  # the facets' counts, kept after the first page, would make the deep one look cheaper
        with django_assert_num_queries(9 + time_limited(2)):
            assert client.get(address).status_code == 200


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda event: PublishedEventFactory(event_type="arrest"), ("4", "3")),
        (lambda event: Event.objects.get(pk=event.pk).delete(), ("2", "1")),
        (lambda event: unpublish_events(Event.objects.filter(pk=event.pk), UserFactory()), ("2", "1")),
        (lambda event: EventFactory(event_type="arrest"), ("3", "2")),  # a draft: nothing public changes
    ],
    ids=["published", "deleted", "unpublished", "draft"],
)
def test_the_counts_kept_between_requests_follow_every_change_of_the_public_data(client, change, expected):
    event = dated_events(3)[0]
    assert event.event_type == "arrest"
    assert count_and_facet(client) == ("3", "2")

    change(event)

    assert count_and_facet(client) == expected


def count_and_facet(client):
    """The list's count and the number beside the "Arrest" choice of its type filter, as a reader sees them."""
    page = client.get("/events/").content.decode()
    total = re.search(r"<strong>(\d+)</strong> events?", page).group(1)
    arrests = re.search(r"Arrest \((\d+)\)", page).group(1)
    return total, arrests


def test_counts_are_exact_up_to_the_limit_and_then_said_to_be_more(settings):
    dated_events(12)
    assert count(Event.objects.public(), limit=20) == count(Event.objects.public())
    capped = count(Event.objects.public(), limit=10)
    assert not capped.exact
    assert capped.value is None or capped.value > 10
    assert EXACT_COUNT_LIMIT >= 10_000


def test_the_count_says_more_than_when_it_stops_counting(client, monkeypatch):
    dated_events(12)
    monkeypatch.setattr("civicspace.pagination.EXACT_COUNT_LIMIT", 10)
    monkeypatch.setattr("civicspace.views.count", lambda queryset: count(queryset, limit=10))
    untallied(monkeypatch)

    page = client.get("/events/?" + urlencode({"type": ["arrest", "exile"]}, doseq=True)).content.decode()

    assert "more than <strong>10</strong>" in page or "about <strong>" in page
