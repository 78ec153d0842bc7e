"""Open data: the licence stated everywhere the data goes, /datapackage.json describing the CSV exports as they are
written, and the JSON exports as real lists and objects, page by page or streamed whole.

Every test runs on ``build_hidden_world()`` (a draft and what only it concerns, a pseudonymised person, a withheld
one), so that each also shows what must stay out.
"""

import csv
import datetime
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from civicspace.dates import Interval, PartialDate
from events.models import Event, Source
from organisations.models import Organisation, OrganisationStatus, Person
from tests.factories import (
    SECRETS,
    AffiliationFactory,
    CitationFactory,
    EventOrganisationFactory,
    PublishedEventFactory,
    build_hidden_world,
    on,
)

pytestmark = pytest.mark.django_db

LISTS = {"events": Event, "organisations": Organisation, "people": Person, "sources": Source}


@pytest.fixture
def world():
    return build_hidden_world()


def text_of(response):
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def document(client, address):
    return json.loads(text_of(client.get(address)))


def assert_tells_no_secret(text, where):
    leaked = [secret for secret in SECRETS if secret.casefold() in text.casefold()]
    assert not leaked, f"{where} shows {leaked}"


def local(url):
    """The path and query of an absolute address the site wrote, for the test client."""
    parts = urlsplit(url)
    assert parts.netloc == "testserver"
    return parts.path + (f"?{parts.query}" if parts.query else "")


# The licence


def test_the_data_licence_is_stated_in_the_footer_every_json_document_and_the_data_package(client, world):
    licence = settings.TRACKER_DATA_LICENCE
    assert licence["name"] == "CC-BY-4.0"

    footer = text_of(client.get("/events/")).split('<footer class="site-footer">')[1]
    assert f'<a rel="license" href="{licence["path"]}">{licence["title"]}</a>' in footer
    assert '<a href="/datapackage.json">' in footer
    for name in LISTS:
        assert document(client, f"/{name}.json")["licence"] == licence
        assert document(client, f"/{name}.json?_size=all")["licence"] == licence
    package = document(client, "/datapackage.json")
    assert package["licenses"] == [licence]
    assert all(resource["licenses"] == [licence] for resource in package["resources"])


def test_the_footer_states_the_licence_in_french_too(client, world):
    footer = text_of(client.get("/fr/events/")).split('<footer class="site-footer">')[1]

    assert "Les données sont publiées sous la licence" in footer
    assert settings.TRACKER_DATA_LICENCE["path"] in footer


# The data package


def cell_problem(field, value):
    """Why ``value`` (a CSV cell) does not fit its Table Schema ``field``, or None."""
    constraints = field.get("constraints", {})
    if value == "":
        return "required but blank" if constraints.get("required") else None
    try:
        if field["type"] == "integer":
            number = int(value)
            if number < constraints.get("minimum", number):
                return "below its minimum"
        elif field["type"] == "date":
            datetime.date.fromisoformat(value)
    except ValueError:
        return f"not a {field['type']}"
    if field.get("format") == "uri" and not re.fullmatch(r"https?://\S+", value):
        return "not an address"
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
        return "does not match its pattern"
    if "enum" in constraints and value not in constraints["enum"]:
        return "not one of its values"
    return None


def csv_rows(client, path):
    text = text_of(client.get(path))
    return list(csv.reader(io.StringIO(text)))


def test_the_data_package_describes_each_csv_export_as_it_is_written(client, world):
    dissolved = Organisation.objects.get(pk=world.organisation.pk)
    assert dissolved.status == OrganisationStatus.DISSOLVED  # so that a foreign key has a value to check
    package = document(client, "/datapackage.json")
    assert package["profile"] == "tabular-data-package"
    assert package["homepage"] == "http://testserver/"
    assert package["last_modified"] and package["created"]

    resources = {resource["name"]: resource for resource in package["resources"]}
    assert list(resources) == list(LISTS)
    tables = {}
    for name, resource in resources.items():
        assert resource["path"] == f"http://testserver/{name}.csv"
        schema = resource["schema"]
        header, *rows = csv_rows(client, local(resource["path"]))
        # One definition: the schema's fields are the CSV's columns, in order.
        assert [field["name"] for field in schema["fields"]] == header, name
        assert rows, name
        assert all(field["description"] and field["type"] for field in schema["fields"])
        assert schema["primaryKey"] == ["id"]
        for row in rows:
            for field, value in zip(schema["fields"], row, strict=True):
                assert cell_problem(field, value) is None, (name, field["name"], value, cell_problem(field, value))
        for field in schema["fields"]:
            if field.get("constraints", {}).get("unique"):
                values = [row[header.index(field["name"])] for row in rows]
                assert len(values) == len(set(values)), (name, field["name"])
        tables[name] = [dict(zip(header, row, strict=True)) for row in rows]

    keys = resources["organisations"]["schema"]["foreignKeys"]
    assert keys == [{"fields": "status_event_url", "reference": {"resource": "events", "fields": "url"}}]
    referring = {row["status_event_url"] for row in tables["organisations"]} - {""}
    assert referring and referring <= {row["url"] for row in tables["events"]}


@pytest.mark.parametrize("events", [1, 20])
def test_the_data_package_costs_four_queries_whatever_the_rows_then_none(client, django_assert_num_queries, events):
    for _ in range(events):
        EventOrganisationFactory(event=PublishedEventFactory())
    # The latest change among public events, organisations, people and sources: one aggregate each.
    with django_assert_num_queries(4):
        first = document(client, "/datapackage.json")
    # Remembered until the public data changes.
    with django_assert_num_queries(0):
        assert document(client, "/datapackage.json")["last_modified"] == first["last_modified"]


def test_the_data_package_names_no_draft_and_no_protected_person(client, world):
    assert_tells_no_secret(text_of(client.get("/datapackage.json")), "/datapackage.json")


# The JSON exports' shapes


def test_an_events_json_record_carries_its_organisations_people_and_citations_as_lists(client, world):
    citation = world.event.citations.get()
    CitationFactory(event=world.event, quote="A second passage", source=citation.source)

    (record,) = document(client, "/events.json")["results"]

    assert record["id"] == world.event.pk
    assert record["url"] == f"http://testserver/events/{world.event.pk}/"
    assert record["date"] == {
        "earliest": "2024-03-06",
        "earliest_precision": "day",
        "latest": "2024-03-06",
        "latest_precision": "day",
        "certainty": "stated",
        "edtf": "2024-03-06",
    }
    assert record["organisations"] == [
        {
            "id": world.organisation.pk,
            "name": "Public Union",
            "acronym": "",
            "role": "target",
            "url": "http://testserver/organisations/public-union/",
        }
    ]
    # The people the public may see, by their public names; the other two only counted.
    assert sorted((person["name"], person["url"]) for person in record["people"]) == [
        ("Named Spokesperson", "http://testserver/people/named-spokesperson/"),
        ("Student activist A", "http://testserver/people/student-activist-a/"),
    ]
    assert record["people_withheld"] == 2
    assert [citation["quote"] for citation in record["citations"]] == [citation.quote, "A second passage"]
    assert record["citations"][0] | {"published": None} == {
        "source_id": citation.source.pk,
        "title": citation.source.title,
        "publisher": citation.source.publisher,
        "published": None,
        "url": f"http://testserver/sources/{citation.source.pk}/",
        "link": citation.source.url or None,
        "quote": citation.quote,
        "location": "",
        "reported_as": "fact",
        "alleged_by": "",
    }
    assert record["reported_as"] == "fact" and record["alleged_by"] == []


def test_people_follow_popolo_and_a_pseudonymised_person_has_only_the_pseudonym(client, world):
    AffiliationFactory(person=world.named, organisation=world.organisation, role="Spokesperson")
    world.named.other_names = "N. Spokesperson"
    world.named.description = "Spokesperson of the union"
    world.named.save()

    people = {person["name"]: person for person in document(client, "/people.json")["results"]}

    assert set(people) == {"Named Spokesperson", "Student activist A", "Listed Member"}
    named = people["Named Spokesperson"]
    assert named["other_names"] == [{"name": "N. Spokesperson"}]
    assert named["summary"] == "Spokesperson of the union"
    assert [
        (membership["organization_id"], membership["organization_name"], membership["role"])
        for membership in named["memberships"]
    ] == [(world.organisation.pk, "Public Union", "Spokesperson")]
    assert named["links"] == [{"url": "http://testserver/people/named-spokesperson/", "note": "Civic Space Tracker"}]
    assert people["Student activist A"] | {"id": None, "events": None} == {
        "id": None,
        "name": "Student activist A",
        "url": "http://testserver/people/student-activist-a/",
        "pseudonymised": True,
        "other_names": [],
        "summary": "",
        "country": None,
        "memberships": [],
        "events": None,
        "links": [{"url": "http://testserver/people/student-activist-a/", "note": "Civic Space Tracker"}],
    }
    assert document(client, "/people.json")["people_withheld"] == 2


def test_organisations_follow_popolo_with_founding_and_dissolution_dates(client, world):
    world.organisation.founded = on(1990, 5)
    world.organisation.other_names = "Union publique"
    world.organisation.save()

    organisations = {record["name"]: record for record in document(client, "/organisations.json")["results"]}

    union = organisations["Public Union"]
    assert union["classification"] == world.organisation.kind
    assert union["other_names"] == [{"name": "Union publique"}]
    assert union["founding_date"] == "1990-05"
    assert union["founded"]["edtf"] == "1990-05"
    # Dissolved by the published event, on its date.
    assert (union["status"], union["dissolution_date"]) == ("dissolved", "2024-03-06")
    assert union["status_event_url"] == f"http://testserver/events/{world.event.pk}/"
    listed = organisations["Listed Federation"]
    assert (listed["status"], listed["dissolution_date"], listed["dissolved"]) == ("active", None, None)
    assert "Draft-only Org" not in organisations


def test_a_dissolution_known_only_as_a_range_has_no_popolo_date_but_its_interval(client, world):
    between = Interval(PartialDate(2024, 3, 6), PartialDate(2024, 4, 20))
    organisation = EventOrganisationFactory(event=PublishedEventFactory(title="Dissolved in spring", date=between))
    organisation = organisation.organisation

    (record,) = [
        record for record in document(client, "/organisations.json")["results"] if record["id"] == organisation.pk
    ]

    assert record["dissolution_date"] is None
    assert record["dissolved"]["edtf"] == "[2024-03-06..2024-04-20]"


# Pages and the whole export


@pytest.mark.parametrize("name", LISTS)
def test_following_next_returns_every_public_record_once_and_no_draft_or_protected_person(client, world, name):
    for number in range(4):
        event = PublishedEventFactory(title=f"Extra {number}")
        EventOrganisationFactory(event=event)
    whole = document(client, f"/{name}.json?_size=all")["results"]
    assert len(whole) >= 3

    seen, address, pages = [], f"/{name}.json?_size=2", 0
    while address:
        page = document(client, address)
        assert_tells_no_secret(json.dumps(page, ensure_ascii=False), address)
        assert len(page["results"]) <= 2
        assert page["count"] == len(whole) and page["count_is_exact"]
        seen += [record["id"] for record in page["results"]]
        address = page["next"] and local(page["next"])
        pages += 1

    assert seen == [record["id"] for record in whole]
    assert len(set(seen)) == len(seen)
    assert pages == -(-len(whole) // 2)
    assert set(seen) == set(LISTS[name].objects.public().values_list("pk", flat=True))


def test_previous_leads_back_to_the_first_page(client, world):
    for number in range(3):
        PublishedEventFactory(title=f"Extra {number}")
    first = document(client, "/events.json?_size=2")
    second = document(client, local(first["next"]))

    assert first["previous"] is None
    assert document(client, local(second["previous"]))["results"] == first["results"]


def test_the_json_pages_keep_the_lists_filters(client, world):
    arrest = PublishedEventFactory(title="Published arrest", event_type="arrest")

    page = document(client, "/events.json?type=arrest&_size=1")
    streamed = document(client, "/events.json?type=arrest&_size=all")

    assert [record["id"] for record in page["results"]] == [record["id"] for record in streamed["results"]]
    assert [record["id"] for record in streamed["results"]] == [arrest.pk]
    assert page["next"] is None and page["count"] == 1


@pytest.mark.parametrize("name", LISTS)
def test_the_whole_json_streams_as_one_document_that_ends_only_after_the_last_record(client, world, name):
    response = client.get(f"/{name}.json?_size=all")
    assert response.streaming and response["Content-Type"] == "application/json"
    pieces = [piece.decode() if isinstance(piece, bytes) else piece for piece in response.streaming_content]

    # Each record arrives as a piece of its own, and a stream cut after any piece but the last is no document.
    assert pieces[-1] == "\n]}\n"
    for cut in range(1, len(pieces)):
        with pytest.raises(json.JSONDecodeError):
            json.loads("".join(pieces[:cut]))
    whole = json.loads("".join(pieces))
    assert len(pieces) == len(whole["results"]) + 2
    assert whole["next"] is None and whole["count"] == len(whole["results"])
    assert_tells_no_secret("".join(pieces), name)


@pytest.mark.parametrize(
    "query",
    [
        "_size=0",
        "_size=1001",
        "_size=-1",
        "_size=ten",
        "_size=1e3",
        "_size=%C2%B2",
        "cursor=nonsense",
        "cursor=WyJ4Il0",
    ],
)
def test_a_bad_page_size_or_cursor_gets_a_400(client, world, query):
    response = client.get(f"/events.json?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
