import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from events.models import Event, EventStatus, EventType
from organisations.models import Protection
from tests.factories import on
from tests.queries import time_limited

from .factories import (
    AffiliationFactory,
    CitationFactory,
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
    PublishedEventFactory,
    SourceCopyFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

LISTS = ["/", "/events/", "/organisations/", "/people/", "/sources/"]


def published_event_with_links(**kwargs):
    """A published event concerning one organisation and one person, citing one source."""
    event = PublishedEventFactory(**kwargs)
    EventOrganisationFactory(event=event)
    EventPersonFactory(event=event)
    return event


def text(response):
    return response.content.decode()


@pytest.mark.parametrize("url", [*LISTS, "/types/"])
def test_every_public_page_renders_in_the_base_layout(client, url):
    published_event_with_links()
    response = client.get(url)
    assert response.status_code == 200
    assert '<nav aria-label="Main">' in text(response)
    assert "<main" in text(response)


def test_detail_pages_link_everything_an_event_touches(client):
    event = published_event_with_links(title="Dissolution of the CMAS", justification="Trouble à l'ordre public")
    organisation = event.organisation_links.get().organisation
    person = event.person_links.get().person
    citation = event.citations.get()
    page = text(client.get(event.get_absolute_url()))
    for url in (organisation.get_absolute_url(), person.get_absolute_url(), citation.source.get_absolute_url()):
        assert url in page
    assert citation.quote in page
    assert "Trouble à l&#x27;ordre public" in page
    assert '<time datetime="2024-03-06">6 March 2024</time>' in page
    for url in (organisation.get_absolute_url(), person.get_absolute_url(), citation.source.get_absolute_url()):
        assert "Dissolution of the CMAS" in text(client.get(url))


def test_the_csp_header_allows_nothing_inline(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_timeline_groups_by_year_and_month_and_dates_at_their_precision(client):
    PublishedEventFactory(title="A day", date=on(2024, 3, 6))
    PublishedEventFactory(title="A month", date=on(2024, 2))
    PublishedEventFactory(title="A year", date=on(2023))
    page = text(client.get("/"))
    assert page.index('<h2 id="year-2024">2024</h2>') < page.index("March 2024</time></h3>")
    assert page.index("March 2024</time></h3>") < page.index("February 2024</time></h3>")
    assert "2023, month not known" in page
    assert '<time datetime="2024-02">February 2024</time>' in page
    assert '<time datetime="2023">2023</time>' in page
    assert "<strong>3</strong> events match" in page
    assert page.index("A day") < page.index("A month") < page.index("A year")
    assert 'href="?order=oldest">oldest first</a>' in page
    oldest = text(client.get("/?order=oldest"))
    assert oldest.index("A year") < oldest.index("A month") < oldest.index("A day")


def test_every_type_label_links_to_its_definition(client):
    published_event_with_links(event_type=EventType.SUSPENSION)
    for url in ["/", "/events/"]:
        assert 'href="/types/#suspension"' in text(client.get(url))
    types = text(client.get("/types/"))
    assert 'id="suspension"' in types
    assert "activities are suspended" in types


# Drafts never reach the public.


def test_drafts_never_appear_in_a_list_or_count(client):
    published_event_with_links(title="Published event")
    draft = EventFactory(title="Secret draft")
    EventOrganisationFactory(event=draft)
    CitationFactory(event=draft)
    for url in ["/", "/events/", "/?q=secret", "/events/?type=dissolution"]:
        page = text(client.get(url))
        assert "Secret draft" not in page
    assert "<strong>1</strong> event matches" in text(client.get("/events/"))


def test_a_draft_event_page_is_not_found(client):
    draft = EventFactory()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_withdrawn_event_page_answers_gone_with_its_reason_and_nothing_of_the_event(client):
    event = PublishedEventFactory(
        title="Withdrawn claim", summary="A summary no longer shown", withdrawal_reason="The source retracted it."
    )
    Event.objects.filter(pk=event.pk).update(status=EventStatus.WITHDRAWN)

    response = client.get(event.get_absolute_url())

    assert response.status_code == 410
    page = text(response)
    assert "The source retracted it." in page
    assert "Withdrawn claim" not in page and "A summary no longer shown" not in page
    csv_text = b"".join(client.get("/events.csv").streaming_content).decode()
    assert "Withdrawn claim" not in text(client.get("/events/")) + csv_text


def test_a_draft_dissolution_does_not_change_an_organisations_status(client):
    organisation = OrganisationFactory()
    EventOrganisationFactory(organisation=organisation, event=PublishedEventFactory(event_type=EventType.STATEMENT))
    EventOrganisationFactory(organisation=organisation, event=EventFactory(title="Draft dissolution"))
    page = text(client.get(organisation.get_absolute_url()))
    assert "status-active" in page
    assert "Draft dissolution" not in page
    assert "status-active" in text(client.get("/organisations/"))


def test_an_organisation_page_shows_the_published_event_that_set_its_status(client):
    organisation = OrganisationFactory()
    event = PublishedEventFactory(title="Decree of dissolution")
    EventOrganisationFactory(organisation=organisation, event=event)
    page = text(client.get(organisation.get_absolute_url()))
    assert "status-dissolved" in page
    assert f'href="{event.get_absolute_url()}"' in page


def test_a_person_page_lists_only_published_events(client):
    person = PersonFactory()
    EventPersonFactory(person=person, event=PublishedEventFactory(title="Published arrest"))
    EventPersonFactory(person=person, event=EventFactory(title="Draft arrest"))
    AffiliationFactory(person=person, organisation=OrganisationFactory(name="Le Parti", listed=True), role="President")
    AffiliationFactory(person=person, organisation=OrganisationFactory(name="Only in drafts"), role="Member")
    page = text(client.get(person.get_absolute_url()))
    assert "Published arrest" in page
    assert "Draft arrest" not in page
    assert "Le Parti" in page
    assert "President" in page
    assert "Only in drafts" not in page


def test_a_source_cited_only_by_a_draft_is_not_public(client):
    citation = CitationFactory(event=EventFactory(title="Draft title"), quote="a passage only a draft quotes")
    assert client.get(citation.source.get_absolute_url()).status_code == 404
    page = text(client.get("/sources/"))
    assert citation.source.title not in page
    assert "Draft title" not in page
    assert "a passage only a draft quotes" not in page


def test_the_people_and_organisation_lists_count_published_events_only(client):
    person = PersonFactory()
    EventPersonFactory(person=person, event=PublishedEventFactory())
    EventPersonFactory(person=person, event=EventFactory())
    organisation = OrganisationFactory()
    EventOrganisationFactory(organisation=organisation, event=PublishedEventFactory())
    EventOrganisationFactory(organisation=organisation, event=EventFactory())
    assert [row.event_count for row in client.get("/people/").context["object_list"]] == [1]
    assert [row.event_count for row in client.get("/organisations/").context["object_list"]] == [1]


# Bad input never yields a 500.


@pytest.mark.parametrize(
    ("query", "field_error"),
    [
        ("from=2024-13", "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        ("to=yesterday", "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        ("type=coup", "Select a valid choice"),
        ("organisation=nobody", "Nothing public is called “nobody”"),
        ("source=abc", "Nothing public is called “abc”"),
        ("q=%FF%FE" + "x" * 300, "Ensure this value has at most 200 characters"),
    ],
)
@pytest.mark.parametrize("url", ["/", "/events/"])
def test_invalid_filters_answer_400_with_the_forms_errors_and_no_rows(client, url, query, field_error):
    published_event_with_links(title="Should not be listed")
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    page = text(response)
    assert field_error in page
    assert 'class="errorlist' in page
    assert "Should not be listed" not in page


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/", "order=random"),
        ("/events/", "sort=password"),
        ("/organisations/", "status=banned"),
        ("/organisations/", "event_type=coup"),
        ("/people/", "organisation=nobody"),
        ("/people/", "role=victim"),
        ("/sources/", "from=2024-02-30"),
        ("/sources/", "language=klingon"),
    ],
)
def test_invalid_filters_on_the_other_lists_answer_400(client, url, query):
    assert client.get(f"{url}?{query}").status_code == 400


@pytest.mark.parametrize("url", LISTS)
def test_a_cursor_the_list_did_not_write_answers_400_and_an_old_page_number_the_first_page(client, url):
    published_event_with_links()
    for cursor in ("abc", "WyJuIiwiMjAyNC0wMy0wNiJd", "W10", "%00"):
        assert client.get(f"{url}?cursor={cursor}").status_code == 400, cursor
    # Links from before pages went by key still lead somewhere: the list from its start.
    assert client.get(f"{url}?page=99999").status_code == 200


@pytest.mark.parametrize("url", ["/events/abc/", "/sources/1x/", "/events/-1/", "/organisations/a%20b/"])
def test_a_malformed_id_in_the_path_is_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [*LISTS, "/events.csv"])
def test_an_overlong_query_string_is_refused_with_400(client, url):
    response = client.get(f"{url}?q={'a' * 2100}")
    assert response.status_code == 400
    assert "too long" in text(response)


@pytest.mark.parametrize("query", ["q=a%00b", "organisation=a%00", "type=%00", "%00=x"])
@pytest.mark.parametrize("url", [*LISTS, "/events.csv"])
def test_a_null_character_is_refused_with_400(client, url, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert "null character" in text(response)


@pytest.mark.parametrize("url", LISTS)
def test_binary_junk_in_the_query_string_never_breaks_a_page(client, url):
    response = client.get(f"{url}?q=%C3%28%A0%A1%FF&country=%E2%82&page=1")
    assert response.status_code in (200, 400)


ODD_QUERIES = [
    "sort=date,title",
    "sort=,",
    "sort=-",
    "page=last",
    "from=&to=",
    "q=%ff%fe",
    "organisation=%ff",
    "source=99999999999999999999999",
    "source=-1",
    "country=%ff",
    "from=9999-12-31",
    "to=9999",
    "to=9999-12",
    "from=0001-01-01&to=9999-12-31",
    "to=0001",
    "person=%C3%28",
    "publisher=%27%22%3Cscript%3E",
    "kind=x&kind=association",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
@pytest.mark.parametrize("url", [*LISTS, "/events.csv", "/organisations.csv", "/people.csv", "/sources.csv"])
def test_odd_query_strings_never_yield_a_500(client, url, query):
    published_event_with_links()
    response = client.get(f"{url}?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 200 and hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)


def test_a_submitted_form_with_every_field_empty_is_valid(client):
    published_event_with_links()
    query = "q=&from=&to=&country=&location=&outcome=&source=&publisher=&sort="
    response = client.get(f"/events/?{query}")
    assert response.status_code == 200
    assert response.context["active_filters"] == []
    assert len(response.context["object_list"]) == 1


# Filter state lives in the query string.


def test_pagination_keeps_the_filters_and_the_sort(client):
    for _ in range(51):
        PublishedEventFactory(event_type=EventType.ARREST)
    response = client.get("/events/?type=arrest&sort=-date")
    cursor = response.context["page_obj"].next_cursor
    assert f'href="?type=arrest&amp;sort=-date&amp;cursor={cursor}" rel="next"' in text(response)
    second = client.get(f"/events/?type=arrest&sort=-date&cursor={cursor}")
    assert len(second.context["object_list"]) == 1


def test_active_filters_are_shown_each_with_a_link_that_removes_it(client):
    EventOrganisationFactory(event=PublishedEventFactory(), organisation=OrganisationFactory(slug="cmas", name="CMAS"))
    page = text(client.get("/events/?type=dissolution&type=suspension&organisation=cmas&from=2023-12"))
    assert "<strong>Dissolution</strong>" in page
    assert "<strong>CMAS</strong>" in page
    assert 'href="/events/?type=suspension&amp;organisation=cmas&amp;from=2023-12"' in page
    assert 'href="/events/?type=dissolution&amp;type=suspension&amp;organisation=cmas"' in page
    assert "Clear all filters" in page


@pytest.mark.parametrize(
    ("url", "csv"),
    [
        ("/", "/events.csv"),
        ("/events/", "/events.csv"),
        ("/organisations/", "/organisations.csv"),
        ("/people/", "/people.csv"),
        ("/sources/", "/sources.csv"),
    ],
)
def test_each_list_links_to_its_csv_with_the_current_filters(client, url, csv):
    page = text(client.get(f"{url}?q=mali&page=1"))
    assert f'href="{csv}?q=mali">Download CSV' in page


def test_every_form_control_has_a_label(client):
    for url in LISTS:
        response = client.get(url)
        form = response.context["filter"].form
        page = text(response)
        for bound_field in form:
            if bound_field.use_fieldset:  # a group of checkboxes: a legend, and a label around each box
                assert f"<legend>{bound_field.label}:</legend>" in page, (url, bound_field.name)
            else:
                assert f'<label for="{bound_field.id_for_label}">' in page, (url, bound_field.name)


@pytest.mark.parametrize(
    ("prefix", "type_label", "withheld", "role"),
    [
        ("", "Arrest", "1 person whose identity is withheld", "target"),
        ("/fr", "Arrestation", "1 personne dont l'identité est masquée", "cible"),
    ],
)
def test_every_list_of_events_links_what_an_event_concerns_by_the_names_its_page_uses(
    client, prefix, type_label, withheld, role
):
    # The lists read their events as the exports do (events/listing.py), the event's page as model instances: the
    # same records, labels and addresses, in the reader's language.
    event = PublishedEventFactory(title="Editor held", event_type=EventType.ARREST, country="BF", location="Bobo")
    union = OrganisationFactory(name="Union of Journalists", acronym="UJ")
    EventOrganisationFactory(event=event, organisation=union)
    named = PersonFactory(name="Awa Named", protection=Protection.PUBLIC)
    pseudonymised = PersonFactory(
        name="Zoe Real", protection=Protection.PSEUDONYMISED, pseudonym="Alpha witness", pseudonym_slug="alpha-witness"
    )
    for person in (named, pseudonymised, PersonFactory(name="Kept Hidden", protection=Protection.WITHHELD)):
        EventPersonFactory(event=event, person=person)
    source = CitationFactory(event=event).source
    EventPersonFactory(event=EventFactory(), person=PersonFactory(name="Only In A Draft"))
    # Reversed before any request, which leaves the language it was made in active.
    event_url, union_url, named_url = event.get_absolute_url(), union.get_absolute_url(), named.get_absolute_url()
    source_url = source.get_absolute_url()

    event_page = text(client.get(f"{prefix}{event_url}"))
    for url in ("/events/", "/", union_url, named_url, source_url):
        page = text(client.get(f"{prefix}{url}"))
        assert f'<a href="{prefix}{event_url}">Editor held</a>' in page, url
        assert f'#arrest">{type_label}</a>' in page, url
        assert "Bobo, Burkina Faso" in page, url
        for link in [
            f'<a href="{prefix}{union_url}">Union of Journalists (UJ)</a>',
            f'<a href="{prefix}{named_url}">Awa Named</a>',
            f'<a href="{prefix}/people/alpha-witness/">Alpha witness</a>',
        ]:
            assert link in page, (url, link)
            assert link in event_page
        assert withheld in page, url
        if url != "/events/":  # the table names no roles
            assert f'<a href="{prefix}{named_url}">Awa Named</a> <small>({role})</small>' in page, url
        for secret in ("Zoe Real", "Kept Hidden", "Only In A Draft"):
            assert secret not in page, (url, secret)
    assert withheld in event_page


# Query counts do not grow with rows.


def make_rows(count):
    for _ in range(count):
        event = published_event_with_links()
        AffiliationFactory(
            person=event.person_links.get().person, organisation=event.organisation_links.get().organisation
        )


@pytest.mark.parametrize("rows", [1, 20])
def test_the_timeline_and_event_list_queries_do_not_grow_with_rows(client, django_assert_num_queries, rows):
    make_rows(rows)
    withheld = PersonFactory(protection=Protection.WITHHELD)
    EventPersonFactory(event=Event.objects.first(), person=withheld)
    # The page's keys, then those events with their links (events/listing.py). The home page adds its summary of the
    # whole record: dissolutions and suspensions, people by event type.
    for url, page, summary in [("/", 2, 2), ("/events/", 2, 0)]:
        cache.clear()
        # From the tally (events/tally.py): the days the events stand on, their count, the facets' counts of types,
        # countries and outcomes, the chart's counts by month and type (time-limited); the facet of organisation
        # kinds, counted from the events (time-limited).
        with django_assert_num_queries(page + 7 + summary + time_limited(2)):
            response = client.get(url)
        assert f"<strong>{rows}</strong>" in text(response)
        assert "1 person whose identity is withheld" in text(response)
        # The count, the facets' and the charts' counts are kept until the public data changes: the page alone.
        with django_assert_num_queries(page):
            assert f"<strong>{rows}</strong>" in text(client.get(url))


@pytest.mark.parametrize("rows", [1, 20])
def test_the_organisation_person_and_source_lists_queries_do_not_grow_with_rows(
    client, django_assert_num_queries, rows
):
    make_rows(rows)
    # any status whose suspension has ended since (none), page of organisations with event counts, count; the
    # facets' counts of kinds, countries and statuses.
    with django_assert_num_queries(6 + time_limited(3)):
        response = client.get("/organisations/")
    assert f"<strong>{rows}</strong> organisation" in text(response)
    # page of people with event counts, prefetch affiliations with organisations, count, the count of people
    # withheld; the facet's count of countries.
    with django_assert_num_queries(5 + time_limited(1)):
        response = client.get("/people/")
    assert f"<strong>{rows}</strong> people" in text(response) or rows == 1
    # page of sources with event counts, count; the facet's count of languages.
    with django_assert_num_queries(3 + time_limited(1)):
        response = client.get("/sources/")
    assert f"<strong>{rows}</strong> source" in text(response)


def test_a_source_page_shows_each_kept_copys_date_and_hash_but_never_its_text(client):
    source = PublishedEventFactory().citations.get().source
    text_copy = SourceCopyFactory(source=source, text="The publisher's full article, not republished here.")
    file_copy = SourceCopyFactory(
        source=source, text="", file=SimpleUploadedFile("article.pdf", b"%PDF"), retrieved_on=datetime.date(2024, 6, 1)
    )
    SourceCopyFactory(
        source=source, text="", archive_url="https://web.archive.org/web/20240601/https://example.org/a?b=1&c=2"
    )

    page = text(client.get(source.get_absolute_url()))

    assert "Kept by the tracker; the date it was retrieved is not known." in page
    assert f'SHA-256: <code class="hash">{text_copy.sha256}</code>' in page
    assert "Kept by the tracker, retrieved on 1 June 2024." in page and file_copy.sha256 in page
    assert (
        'Web-archive capture: <a href="https://web.archive.org/web/20240601/https://example.org/a?b=1&amp;c=2"' in page
    )
    assert "full article" not in page and "article.pdf" not in page and "/media/" not in page


def test_a_source_page_says_when_no_copy_is_kept(client):
    source = PublishedEventFactory().citations.get().source

    assert "<dt>Kept copy</dt><dd>None yet</dd>" in text(client.get(source.get_absolute_url()))


@pytest.mark.parametrize("links", [1, 10])
def test_detail_pages_queries_do_not_grow_with_links(client, django_assert_num_queries, links):
    organisation, person, source = OrganisationFactory(), PersonFactory(), SourceFactory()
    for _ in range(links):
        event = PublishedEventFactory()
        EventOrganisationFactory(event=event, organisation=organisation)
        EventOrganisationFactory(event=event)
        EventPersonFactory(event=event, person=person)
        CitationFactory(event=event, source=source)
        AffiliationFactory(person=person)
        AffiliationFactory(organisation=organisation)
    # event, prefetch organisations, links to people, the public ones among those people, citations with sources.
    with django_assert_num_queries(5):
        response = client.get(event.get_absolute_url())
    assert person.name in text(response)
    # any status whose suspension has ended since (none), organisation, the event that set its status, its events'
    # keys, then those events with their links (events/listing.py), affiliations, the chart's counts of its events
    # by month and type.
    with django_assert_num_queries(7):
        response = client.get(organisation.get_absolute_url())
    assert text(response).count('<article class="event">') == links
    # person with event count, prefetch affiliations, their events' keys, then those events with their links, the
    # chart's counts of their events by month and type.
    with django_assert_num_queries(5):
        response = client.get(person.get_absolute_url())
    assert text(response).count('<article class="event">') == links
    # source with event count, its kept copies, the keys of the events citing it, then those events with their links.
    with django_assert_num_queries(4):
        response = client.get(source.get_absolute_url())
    assert text(response).count('<article class="event">') == links


def test_the_timeline_applies_the_same_filters_as_the_events_list(client):
    party = OrganisationFactory(slug="party", kind="political_party")
    wanted = PublishedEventFactory(title="Wanted", date=on(2024))
    EventOrganisationFactory(event=wanted, organisation=party)
    EventOrganisationFactory(event=wanted, organisation=party, role="other")
    EventOrganisationFactory(event=PublishedEventFactory(title="Other"), organisation=OrganisationFactory())
    query = "organisation=party&kind=political_party&from=2024-02&order=oldest"
    response = client.get(f"/?{query}")
    assert [event.title for event in response.context["object_list"]] == ["Wanted"]
    assert "<strong>1</strong> event matches these filters" in text(response)
    assert [event.title for event in client.get(f"/events/?{query}").context["object_list"]] == ["Wanted"]


def test_each_record_has_a_stable_public_address():
    event = PublishedEventFactory()
    source = event.citations.get().source
    assert event.get_absolute_url() == f"/events/{event.pk}/"
    assert source.get_absolute_url() == f"/sources/{source.pk}/"
    assert OrganisationFactory(slug="cmas").get_absolute_url() == "/organisations/cmas/"
    assert PersonFactory(slug="mahmoud-dicko").get_absolute_url() == "/people/mahmoud-dicko/"


def test_a_suspension_stops_counting_the_day_after_it_ends_without_a_restart(client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2024, 6, 30))
    organisation = OrganisationFactory()
    suspension = PublishedEventFactory(
        event_type=EventType.SUSPENSION, date=on(2024, 3, 6), end_date=datetime.date(2024, 6, 30)
    )
    EventOrganisationFactory(organisation=organisation, event=suspension)
    assert "status-suspended" in text(client.get("/organisations/"))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2024, 7, 1))
    assert "status-active" in text(client.get("/organisations/"))
    assert "status-active" in text(client.get(organisation.get_absolute_url()))


def test_the_favicon_address_leads_to_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_text_entered_by_editors_is_escaped_on_every_public_page(client):
    hostile = '<script>alert("x")</script>'
    organisation = OrganisationFactory(name=f"Org {hostile}", acronym=hostile, description=hostile)
    person = PersonFactory(name=f"Person {hostile}", description=hostile)
    event = PublishedEventFactory(
        title=f"Event {hostile}",
        summary=hostile,
        authority=hostile,
        justification=hostile,
        location=hostile,
        citation__quote=hostile,
        citation__source__title=f"Source {hostile}",
        citation__source__publisher=hostile,
        citation__source__notes=hostile,
    )
    EventOrganisationFactory(event=event, organisation=organisation, note=hostile)
    EventPersonFactory(event=event, person=person, note=hostile)
    AffiliationFactory(person=person, organisation=organisation, role=hostile)
    source = event.citations.get().source
    pages = [
        "/",
        "/events/",
        "/organisations/",
        "/people/",
        "/sources/",
        event.get_absolute_url(),
        organisation.get_absolute_url(),
        person.get_absolute_url(),
        source.get_absolute_url(),
        f"/events/?q={hostile}",
    ]

    for url in pages:
        page = text(client.get(url))
        assert "<script>" not in page, url
        assert "&lt;script&gt;" in page, url
