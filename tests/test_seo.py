"""Findable and shareable: each page's description, canonical and language alternates, OpenGraph and schema.org data,
the sitemap and robots.txt, the Atom feed's authors and dates, and compressed delivery.

Every test runs on ``build_hidden_world()``: a published event beside a draft and what only the draft concerns, a
pseudonymised person, a withheld one, and one pseudonymised without a pseudonym yet.
"""

import datetime
import gzip
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.db import connection
from django.templatetags.static import static
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicspace import sitemaps
from civicspace.dates import Interval, PartialDate
from tests.factories import SECRETS, PublishedEventFactory, build_hidden_world, on

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world():
    return build_hidden_world()


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def head(html):
    return html.split("</head>")[0]


def meta(html, attribute, name):
    found = re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', head(html))
    assert len(found) == 1, (name, found)
    return found[0]


def links(html, rel):
    return re.findall(rf'<link rel="{rel}"([^>]*)>', head(html))


def structured_data(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def public_pages(world):
    return [
        "/",
        "/events/?type=dissolution",
        "/organisations/",
        "/people/",
        "/sources/",
        "/types/",
        world.event.get_absolute_url(),
        world.organisation.get_absolute_url(),
        world.pseudonymised.get_absolute_url(),
        world.named.get_absolute_url(),
        world.event.sources.get().get_absolute_url(),
    ]


def test_every_public_page_has_its_canonical_address_and_its_alternates_in_both_languages(client, world):
    for path in public_pages(world):
        for prefix in ("", "/fr"):
            html = page(client, prefix + path)
            [canonical] = links(html, "canonical")
            assert canonical == f' href="http://testserver{prefix}{path}"'.replace("&", "&amp;")
            alternates = dict(re.findall(r' hreflang="([^"]+)" href="([^"]+)"', "".join(links(html, "alternate"))))
            assert alternates == {
                "en": f"http://testserver{path}".replace("&", "&amp;"),
                "fr": f"http://testserver/fr{path}".replace("&", "&amp;"),
                "x-default": f"http://testserver{path}".replace("&", "&amp;"),
            }
            assert meta(html, "property", "og:url") == f"http://testserver{prefix}{path}".replace("&", "&amp;")


def test_every_public_page_describes_itself_and_names_no_protected_person(client, world):
    for path in public_pages(world):
        for prefix in ("", "/fr"):
            html = page(client, prefix + path)
            description = meta(html, "name", "description")
            assert description and len(description) <= 200
            assert meta(html, "property", "og:description") == description
            assert meta(html, "property", "og:title") == re.search(r"<title>(.*?)</title>", html).group(1)
            locale = "fr_FR" if prefix else "en_GB"
            assert meta(html, "property", "og:locale") == locale
            assert [secret for secret in SECRETS if secret in html] == []


def test_a_list_describes_its_filters_and_how_many_records_match(client, world):
    PublishedEventFactory(event_type="arrest", title="Second")
    html = page(client, "/events/?type=dissolution")
    assert meta(html, "name", "description") == "1 event in the Civic Space Tracker, filtered by Type: Dissolution."
    french = meta(page(client, "/fr/events/?type=dissolution"), "name", "description")
    assert "Dissolution" in french and french.startswith("1 ")


def test_an_event_page_describes_the_event_by_its_date_place_and_type(client, world):
    html = page(client, world.event.get_absolute_url())
    assert meta(html, "name", "description") == "6 March 2024, Mali. Dissolution: The authorities dissolved it."
    assert meta(html, "property", "og:type") == "article"
    assert meta(page(client, "/fr" + world.event.get_absolute_url()), "name", "description").startswith("6 mars 2024")


def test_a_description_is_the_records_text_escaped_once(client, world):
    world.event.summary = "L'AEEM & <b>co</b> dissoute"
    world.event.save()
    html = page(client, world.event.get_absolute_url())
    assert meta(html, "name", "description").endswith("Dissolution: L&#x27;AEEM &amp; &lt;b&gt;co&lt;/b&gt; dissoute")


def test_a_pseudonymised_persons_page_is_described_without_their_description(client, world):
    html = page(client, world.pseudonymised.get_absolute_url())
    assert "under a pseudonym" in meta(html, "name", "description")
    assert meta(html, "property", "og:title").startswith("Student activist A")


def test_the_home_page_describes_the_dataset_and_where_to_download_it(client, world, settings):
    data = structured_data(page(client, "/"))
    assert data["@type"] == "Dataset"
    assert data["license"] == settings.TRACKER_DATA_LICENCE["path"]
    downloads = {item["contentUrl"]: item["encodingFormat"] for item in data["distribution"]}
    assert downloads["http://testserver/events.csv"] == "text/csv"
    assert downloads["http://testserver/events.json"] == "application/json"
    for url in downloads:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200
    # The French page's downloads are the same files.
    french = structured_data(page(client, "/fr/"))
    assert french["inLanguage"] == "fr" and french["distribution"] == data["distribution"]


def test_an_event_page_describes_the_event_for_search_engines_with_its_date_as_precise_as_the_sources(client, world):
    data = structured_data(page(client, world.event.get_absolute_url()))
    assert data["@type"] == "Event"
    assert data["name"] == "Published dissolution"
    assert data["startDate"] == "2024-03-06"
    assert data["location"]["address"]["addressCountry"] == "ML"
    assert [organisation["name"] for organisation in data["about"]] == ["Public Union"]

    month = PublishedEventFactory(date=on(2024, 3))
    assert structured_data(page(client, month.get_absolute_url()))["startDate"] == "2024-03"
    # A range of possible dates is no start date.
    bounded = PublishedEventFactory(date=Interval(PartialDate(2024, 3, 6), PartialDate(2024, 4, 20)))
    assert "startDate" not in structured_data(page(client, bounded.get_absolute_url()))


def test_structured_data_cannot_end_its_script_element_and_is_never_run(client, world):
    world.event.title = "</script><script>alert(1)</script><!--"
    world.event.save()
    html = page(client, world.event.get_absolute_url())
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block
    assert structured_data(html)["name"] == "</script><script>alert(1)</script><!--"
    # Only scripts from the site itself may run: the data block needs no exception in the policy.
    policy = client.get(world.event.get_absolute_url())["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "script-src" not in policy


def test_every_page_offers_the_atom_feed_of_its_events(client, world):
    html = page(client, "/events/?type=dissolution")
    feeds = [attributes for attributes in links(html, "alternate") if "application/atom+xml" in attributes]
    assert feeds == [
        ' type="application/atom+xml" title="Civic Space Tracker" href="http://testserver/events.atom?type=dissolution"'
    ]
    assert "http://testserver/fr/events.atom" in head(page(client, "/fr/organisations/"))


def sitemap_urls(client):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    entries = {}
    for location in index.iter(f"{SITEMAP}loc"):
        section = client.get(location.text.removeprefix("http://testserver"))
        assert section.status_code == 200
        for url in ET.fromstring(section.content).iter(f"{SITEMAP}url"):
            alternates = {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")}
            entries[url.find(f"{SITEMAP}loc").text] = alternates
    return entries


def test_the_sitemap_lists_public_records_only_in_both_languages(client, world):
    entries = sitemap_urls(client)
    paths = {url.removeprefix("http://testserver") for url in entries}
    for record in (world.event, world.organisation, world.named, world.pseudonymised, world.event.sources.get()):
        assert record.get_absolute_url() in paths
        assert "/fr" + record.get_absolute_url() in paths
    assert "/people/student-activist-a/" in paths
    assert {"/", "/fr/", "/events/", "/fr/types/"} <= paths
    assert entries[f"http://testserver{world.event.get_absolute_url()}"] == {
        "en": f"http://testserver{world.event.get_absolute_url()}",
        "fr": f"http://testserver/fr{world.event.get_absolute_url()}",
        "x-default": f"http://testserver{world.event.get_absolute_url()}",
    }
    body = "".join(client.get(url.removeprefix("http://testserver")).content.decode() for url in entries)
    everything = " ".join(entries) + body
    for hidden in ("aminata-secret", "withheld-realname", "pseudonymless-realname", "draft-only"):
        assert hidden not in " ".join(paths), hidden
    assert f"/events/{world.draft.pk}/" not in paths
    assert f"/sources/{world.draft_source.pk}/" not in paths
    assert [secret for secret in SECRETS if secret in everything] == []


def test_the_sitemap_pages_through_large_sections_at_a_constant_cost(client, world, monkeypatch):
    monkeypatch.setattr(sitemaps.RecordSitemap, "limit", 3)
    for _ in range(3):
        PublishedEventFactory()
    index = ET.fromstring(client.get("/sitemap.xml").content)
    event_pages = [loc.text for loc in index.iter(f"{SITEMAP}loc") if "sitemap-events" in loc.text]
    # 4 published events in 2 languages, 3 addresses a page.
    assert len(event_pages) == 3
    seen = []
    for number, url in enumerate(event_pages, start=1):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url.removeprefix("http://testserver"))
        # The count, then the page's records.
        assert len(queries) == 2, number
        seen += [url.find(f"{SITEMAP}loc").text for url in ET.fromstring(response.content).iter(f"{SITEMAP}url")]
    assert len(seen) == len(set(seen)) == 8


def test_robots_txt_allows_the_public_pages_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Allow: /" in lines
    assert "Disallow: /admin/" in lines
    assert {"Disallow: /*.csv", "Disallow: /*.json"} <= set(lines)
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert not any(line in ("Disallow: /", "Disallow: /events/", "Disallow: /fr/") for line in lines)


def test_robots_txt_does_not_publish_an_admin_path_of_its_own(client, settings):
    settings.ADMIN_PATH = "editors-7f3k/"
    assert "editors-7f3k" not in client.get("/robots.txt").content.decode()


def atom_entries(client, path="/events.atom"):
    feed = ET.fromstring(client.get(path).content)
    return feed, feed.findall(f"{ATOM}entry")


def test_every_feed_entry_has_an_author_a_unique_id_and_the_time_it_was_published_or_last_changed(client, world):
    published = timezone.now() - datetime.timedelta(days=3)
    world.event.published_at = published
    world.event.save()
    PublishedEventFactory(published_at=None)
    feed, entries = atom_entries(client)
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Civic Space Tracker"
    assert len(entries) == 2
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == 2 and all(id_.startswith("http://testserver/events/") for id_ in ids)
    for entry in entries:
        assert entry.find(f"{ATOM}author/{ATOM}name").text == "Civic Space Tracker"
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/events/")
        assert entry.find(f"{ATOM}updated").text
    entry = next(entry for entry in entries if entry.find(f"{ATOM}title").text.endswith("Published dissolution"))
    assert datetime.datetime.fromisoformat(entry.find(f"{ATOM}published").text) == published
    updated = datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
    assert updated >= published
    assert [secret for secret in SECRETS if secret in client.get("/events.atom").content.decode()] == []


def test_a_feed_entry_gives_the_events_date_as_the_record_states_it(client, world):
    PublishedEventFactory(title="Monthly", date=on(2024, 3))
    _, entries = atom_entries(client)
    monthly = next(entry for entry in entries if entry.find(f"{ATOM}title").text.endswith("Monthly"))
    content = monthly.find(f"{ATOM}summary").text
    assert '<time datetime="2024-03">March 2024</time> (2024-03)' in content
    _, entries = atom_entries(client, "/fr/events.atom")
    monthly = next(entry for entry in entries if entry.find(f"{ATOM}title").text.endswith("Monthly"))
    assert '<time datetime="2024-03">mars 2024</time>' in monthly.find(f"{ATOM}summary").text


@pytest.mark.parametrize(
    "path",
    ["/", "/fr/events/", "/events.csv", "/events.json", "/events.json?_size=all", "/events.atom", "/sitemap.xml"],
)
def test_pages_and_exports_are_sent_compressed_to_clients_that_accept_gzip(client, world, path):
    for _ in range(5):
        PublishedEventFactory(summary="A long enough summary to be worth compressing. " * 5)
    response = client.get(path, headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    # Exports still stream: compressed chunk by chunk, not read whole first.
    assert response.streaming == path.endswith((".csv", "_size=all"))
    assert "Accept-Encoding" in response["Vary"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = gzip.decompress(body).decode()
    plain = client.get(path)
    assert "Content-Encoding" not in plain
    expected = b"".join(plain.streaming_content) if plain.streaming else plain.content
    assert text == expected.decode()


def test_collected_static_files_have_hashed_names_cached_for_a_year(client, tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, DEBUG=False, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        url = static("css/site.css")
        html = client.get("/types/").content.decode()
        response = client.get(url, headers={"accept-encoding": "gzip"})
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)
    assert f'href="{url}"' in html
    assert response.status_code == 200
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert max_age >= 365 * 24 * 60 * 60 and "immutable" in response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip"


def test_the_sitemaps_default_address_keeps_a_slug_that_looks_like_a_language(client, world):
    world.organisation.slug = "en"
    world.organisation.save()
    alternates = sitemap_urls(client)["http://testserver/organisations/en/"]
    assert alternates["x-default"] == alternates["en"] == "http://testserver/organisations/en/"
    assert alternates["fr"] == "http://testserver/fr/organisations/en/"
