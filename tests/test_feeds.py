"""The Atom feed of newly published events."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from events.models import Event
from tests.factories import EventFactory, PublishedEventFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    return feed, feed.findall(f"{ATOM}entry")


def test_the_feed_lists_published_events_newest_published_first_and_never_drafts(client):
    older = PublishedEventFactory(title="Published first", published_at=timezone.now() - timezone.timedelta(days=1))
    newer = PublishedEventFactory(title="Published later", published_at=timezone.now())
    EventFactory(title="Still a draft")

    _, items = entries(client.get("/events.atom"))

    titles = [item.find(f"{ATOM}title").text for item in items]
    assert titles == [str(newer), str(older)]


def test_the_feed_takes_the_events_lists_filters_and_links_back_to_that_list(client):
    PublishedEventFactory(title="A dissolution", event_type="dissolution")
    PublishedEventFactory(title="An arrest", event_type="arrest")

    feed, items = entries(client.get("/events.atom?type=arrest"))

    assert [item.find(f"{ATOM}title").text.endswith("An arrest") for item in items] == [True]
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["alternate"].endswith("/events/?type=arrest")
    assert links["self"].endswith("/events.atom?type=arrest")


def test_the_summary_reaches_feed_readers_escaped(client):
    PublishedEventFactory(summary='<script>alert("x")</script>')

    _, items = entries(client.get("/events.atom"))

    summary = items[0].find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<script>" not in summary.text and "&lt;script&gt;" in summary.text


@pytest.mark.parametrize("query", ["from=2024-13", "type=nope", "organisation=" + "x" * 3000])
def test_a_bad_filter_gets_a_400_that_says_why(client, query):
    response = client.get(f"/events.atom?{query}")

    assert response.status_code == 400
    assert response.content.decode().startswith(("These filters are not valid", "The address is too long"))


@pytest.mark.parametrize("count", [1, 20])
def test_feed_queries_do_not_grow_with_entries(client, django_assert_num_queries, count):
    for _ in range(count):
        PublishedEventFactory()
    # the events, nothing per entry.
    with django_assert_num_queries(1):
        assert len(entries(client.get("/events.atom"))[1]) == count


def test_the_events_list_links_to_its_feed_and_json_with_its_filters(client):
    PublishedEventFactory()

    page = client.get("/events/?type=dissolution").content.decode()

    assert 'href="/events.atom?type=dissolution"' in page
    # The whole export, as the CSV link gives it, not one page.
    assert 'href="/events.json?type=dissolution&amp;_size=all"' in page


def test_control_characters_already_stored_are_left_out_of_the_feed_instead_of_breaking_it(client):
    # Written straight to the database, as text stored before the forms refused them would be.
    event = PublishedEventFactory()
    Event.objects.filter(pk=event.pk).update(
        title="Vertical\x0btab, escape\x1b and C1\x85 in a title", summary="Shift+Enter in Word:\x0bnext line\x7f"
    )

    _, items = entries(client.get("/events.atom"))

    assert items[0].find(f"{ATOM}title").text.endswith("Verticaltab, escape and C1 in a title")
    assert "Shift+Enter in Word:next line" in items[0].find(f"{ATOM}summary").text
