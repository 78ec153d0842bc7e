"""What the public sees is each model's public(): nothing only a draft concerns, no protected person by name.

Every test here runs on ``build_hidden_world()``: a published event beside a draft, a pseudonymised person, a
withheld one, one pseudonymised without a pseudonym yet, and an unlisted member of a listed organisation.
"""

import csv
import io
import json

import pytest
from django.utils.text import slugify

from events.models import Event, EventStatus, Source
from organisations.models import Organisation, Person, Protection
from tests.factories import (
    SECRETS,
    EventPersonFactory,
    PersonFactory,
    PublishedEventFactory,
    SourceFactory,
    build_hidden_world,
)
from tests.test_seed import load_seed

pytestmark = pytest.mark.django_db

LISTS = ["/", "/events/", "/organisations/", "/people/", "/sources/"]
EXPORTS = [
    "/events.csv",
    "/events.json",
    "/events.atom",
    "/organisations.csv",
    "/organisations.json",
    "/people.csv",
    "/people.json",
    "/sources.csv",
    "/sources.json",
    "/events.json?_size=all",
    "/organisations.json?_size=all",
    "/people.json?_size=all",
    "/sources.json?_size=all",
    "/datapackage.json",
]


@pytest.fixture
def world():
    return build_hidden_world()


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def assert_tells_no_secret(response, where):
    text = body(response).casefold()
    leaked = [secret for secret in SECRETS if secret.casefold() in text]
    assert not leaked, f"{where} shows {leaked}"


def public_pages(world):
    """Every public address a visitor can reach in the world, with filters that touch each kind of record."""
    return [
        *LISTS,
        *EXPORTS,
        "/types/",
        world.event.get_absolute_url(),
        world.organisation.get_absolute_url(),
        world.listed.get_absolute_url(),
        world.named.get_absolute_url(),
        world.listed_member.get_absolute_url(),
        "/people/student-activist-a/",
        world.event.citations.get().source.get_absolute_url(),
        "/events/?person=student-activist-a",
        "/events.csv?person=student-activist-a",
        "/events/?organisation=public-union",
        "/suggest/people.json?q=a",
        "/suggest/people.json?q=se",
        "/suggest/organisations.json?q=dr",
        "/suggest/sources.json?q=dr",
        "/people/?sort=name",
        "/people/?sort=-events",
        "/people.csv?sort=name",
        "/events/?type=arrest",
        "/?q=activist",
    ]


def test_no_public_page_export_or_feed_shows_a_draft_or_a_protected_persons_identity(client, world):
    for url in public_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_tells_no_secret(response, url)


def test_everything_only_a_draft_concerns_has_no_public_page(client, world):
    hidden = [
        world.draft.get_absolute_url(),
        world.draft_organisation.get_absolute_url(),
        world.draft_person.get_absolute_url(),
        world.draft_source.get_absolute_url(),
        world.unlisted_member.get_absolute_url(),
    ]
    for url in hidden:
        assert client.get(url).status_code == 404, url


def test_a_protected_persons_own_slug_leads_nowhere(client, world):
    for slug in ("aminata-secret", "withheld-realname", "pseudonymless-realname"):
        assert client.get(f"/people/{slug}/").status_code == 404, slug
        assert client.get(f"/events/?person={slug}").status_code == 400, slug


def test_a_pseudonymised_person_is_shown_by_the_pseudonym_only(client, world):
    page = body(client.get("/people/student-activist-a/"))
    assert "<title>Student activist A ·" in page
    assert "<h1>Student activist A</h1>" in page
    assert "Published dissolution" in page
    # No affiliation either: "Secretary-General of Public Union" beside a pseudonym would say who it is.
    assert "Secretary-General" not in page
    assert world.pseudonymised.get_absolute_url() == "/people/student-activist-a/"
    event_page = body(client.get(world.event.get_absolute_url()))
    assert '<a href="/people/student-activist-a/">Student activist A</a>' in event_page


def test_the_exports_name_a_pseudonymised_person_by_the_pseudonym_and_nothing_else(client, world):
    people = list(csv.DictReader(io.StringIO(body(client.get("/people.csv")))))
    row = next(row for row in people if row["name"] == "Student activist A")
    assert row["url"] == "http://testserver/people/student-activist-a/"
    assert (row["country"], row["description"], row["affiliations"], row["other_names"]) == ("", "", "", "")
    records = json.loads(body(client.get("/people.json")))["results"]
    assert {record["name"] for record in records} == {"Named Spokesperson", "Student activist A", "Listed Member"}
    event_row = next(csv.DictReader(io.StringIO(body(client.get("/events.csv")))))
    assert event_row["people"] == "Named Spokesperson [target]; Student activist A [target]"


def test_people_withheld_are_counted_wherever_people_are_listed(client, world):
    # Withheld, and pseudonymised without a pseudonym: two people the event concerns are not shown.
    event_page = body(client.get(world.event.get_absolute_url()))
    assert "2 people whose identity is withheld" in event_page
    for url in ("/", "/events/"):
        assert "2 people whose identity is withheld" in body(client.get(url))
    assert "2 further people concerned by published events are withheld" in body(client.get("/people/"))
    assert next(csv.DictReader(io.StringIO(body(client.get("/events.csv")))))["people_withheld"] == "2"
    assert json.loads(body(client.get("/events.json")))["results"][0]["people_withheld"] == 2
    assert json.loads(body(client.get("/people.json")))["people_withheld"] == 2
    assert client.get("/people.csv")["X-Withheld-People"] == "2"


def test_the_filters_suggest_only_public_records_under_their_public_names(client, world):
    def suggested(kind, text):
        return client.get(f"/suggest/{kind}.json", {"q": text}).json()

    assert suggested("people", "stud") == [{"value": "student-activist-a", "label": "Student activist A"}]
    assert suggested("people", "amin") == suggested("people", "secret") == suggested("people", "withheld") == []
    assert suggested("people", "draft") == []
    assert suggested("organisations", "union") == [{"value": "public-union", "label": "Public Union"}]
    assert suggested("organisations", "draft") == suggested("sources", "draft") == []
    # A person or organisation is chosen by its public address or name; a protected person's own is unknown.
    assert client.get("/events/?person=Student activist A").status_code == 200
    assert client.get("/events/?person=Aminata Secret").status_code == 400
    assert client.get("/events/?organisation=Draft-only Org").status_code == 400


def test_no_filter_reveals_who_is_behind_a_pseudonym(client, world):
    def names(query):
        return [row["name"] for row in csv.DictReader(io.StringIO(body(client.get(f"/people.csv?{query}"))))]

    assert names("q=aminata") == []
    assert names("q=secret") == []
    assert names("q=student") == ["Student activist A"]
    assert "Student activist A" not in names("country=ML")
    assert "Student activist A" not in names("organisation=public-union")
    assert names("q=withheld") == []


def test_people_sort_by_the_name_the_public_sees(client):
    event = PublishedEventFactory()
    for name, protection, pseudonym in [
        ("Zoe Real", Protection.PSEUDONYMISED, "Alpha witness"),
        ("Bob Named", Protection.PUBLIC, ""),
    ]:
        person = PersonFactory(name=name, protection=protection, pseudonym=pseudonym, pseudonym_slug=slugify(pseudonym))
        EventPersonFactory(event=event, person=person)
    rows = list(csv.DictReader(io.StringIO(body(client.get("/people.csv?sort=name")))))
    assert [row["name"] for row in rows] == ["Alpha witness", "Bob Named"]


def test_publishing_the_draft_makes_what_it_concerns_public_and_unpublishing_hides_it_again(client, world):
    Event.objects.filter(pk=world.draft.pk).update(status=EventStatus.PUBLISHED)
    for url in (world.draft_organisation.get_absolute_url(), world.draft_source.get_absolute_url()):
        assert client.get(url).status_code == 200, url
    assert client.get(world.draft_person.get_absolute_url()).status_code == 200
    Event.objects.filter(pk=world.draft.pk).update(status=EventStatus.WITHDRAWN)
    assert client.get(world.draft_person.get_absolute_url()).status_code == 404
    assert "Draft-only Org" not in body(client.get("/organisations/"))


def test_public_is_one_queryset_per_model(world):
    assert set(Event.objects.public()) == {world.event}
    assert set(Organisation.objects.public()) == {world.organisation, world.listed}
    assert set(Person.objects.public()) == {world.named, world.pseudonymised, world.listed_member}
    assert set(Person.objects.withheld()) == {world.withheld, world.pseudonymless}
    source = world.event.citations.get().source
    SourceFactory(title="Never cited")
    assert set(Source.objects.public()) == {source}


def test_the_seed_people_are_public_figures(db):
    load_seed()
    assert set(Person.objects.values_list("protection", flat=True)) == {Protection.PUBLIC}
    assert Person.objects.public().count() == Person.objects.count()
