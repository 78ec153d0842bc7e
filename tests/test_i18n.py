"""The site in French under /fr/, chosen with the footer's links, dates worded in French; the admin follows the
browser."""

import re
import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from civicspace.dates import DateCertainty, Interval, PartialDate
from tests.factories import on

from .factories import CitationFactory, PublishedEventFactory, SourceFactory

PO_FILE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


@pytest.mark.django_db
def test_the_timeline_is_in_french_under_fr(client):
    PublishedEventFactory(title="Dissolution de l'association", date=on(2024, 3, 6))
    html = client.get("/fr/").content.decode()
    assert '<html lang="fr">' in html
    assert "Chronologie" in html
    assert "Organisations" in html and "Personnes" in html
    assert "6 mars 2024" in html


@pytest.mark.django_db
def test_an_address_without_a_prefix_is_english_whatever_the_browser_or_a_cookie_asks(client):
    PublishedEventFactory(date=on(2024, 3, 6))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/events/", headers={"accept-language": "fr-FR,fr;q=0.9"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "6 March 2024" in html and "mars" not in html
    # So caches keep one copy whatever the readers' browsers ask for.
    assert "Accept-Language" not in response.get("Vary", "")
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_site_is_in_english_when_nothing_asks_for_another_language(client):
    PublishedEventFactory(date=on(2024, 3, 6))
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Timeline" in html
    assert "6 March 2024" in html


@pytest.mark.django_db
def test_the_french_pages_link_to_french_pages(client):
    event = PublishedEventFactory(event_type="arrest")
    html = client.get("/fr/events/?type=arrest").content.decode()
    assert f'href="/fr/events/{event.pk}/"' in html
    assert 'href="/fr/organisations/"' in html
    # Exports are the same in every language: one address each, without a prefix.
    assert 'href="/events.csv?type=arrest"' in html and 'href="/events.json?type=arrest&amp;_size=all"' in html
    # The feed is read in the page's language.
    assert 'href="/fr/events.atom?type=arrest"' in html


def language_switch(html):
    return re.search(r'<nav class="language-switch".*?</nav>', html, re.S).group(0)


@pytest.mark.django_db
def test_the_language_switch_links_to_the_same_page_and_filters_in_the_other_language(client):
    switch = language_switch(client.get("/events/?type=arrest&q=mali").content.decode())
    assert '<a href="/fr/events/?type=arrest&amp;q=mali" hreflang="fr" lang="fr">Français</a>' in switch
    assert '<strong lang="en" aria-current="true">English</strong>' in switch

    switch = language_switch(client.get("/fr/events/?type=arrest&q=mali").content.decode())
    assert '<a href="/events/?type=arrest&amp;q=mali" hreflang="en" lang="en">English</a>' in switch
    assert '<strong lang="fr" aria-current="true">Français</strong>' in switch
    assert "<form" not in switch and "onchange" not in switch and "style=" not in switch


@pytest.mark.django_db
def test_the_language_switch_of_a_record_leads_to_the_same_record(client):
    event = PublishedEventFactory()
    switch = language_switch(client.get(f"/fr/events/{event.pk}/").content.decode())
    assert f'<a href="/events/{event.pk}/" hreflang="en"' in switch


@pytest.mark.django_db
def test_exports_under_the_french_prefix_move_for_good_to_their_one_address(client):
    response = client.get("/fr/events.csv?type=arrest")
    assert response.status_code == 301
    assert response["Location"] == "/events.csv?type=arrest"
    assert client.get("/fr/people.json").headers["Location"] == "/people.json"
    # The rows link to the pages without a prefix.
    event = PublishedEventFactory()
    rows = b"".join(client.get("/events.csv").streaming_content).decode()
    assert f"http://testserver/events/{event.pk}/" in rows


@pytest.mark.django_db
def test_the_old_language_form_still_leads_to_the_page_in_the_language_chosen(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/events/?q=mali"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/events/?q=mali"


@pytest.mark.django_db
def test_switching_language_never_sends_the_reader_to_another_site(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "https://example.com/"})
    assert response["Location"] == "/fr/"


@pytest.mark.django_db
def test_the_admin_follows_the_language_cookie(reviewer_client):
    reviewer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = reviewer_client.get(reverse("admin:index"))
    assert '<html lang="fr"' in response.content.decode()
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_the_admin_login_page_is_in_french(client):
    html = client.get(reverse("admin:login"), headers={"accept-language": "fr"}).content.decode()
    assert '<html lang="fr"' in html
    assert "Observatoire de l&#x27;espace civique : rédaction" in html
    assert "Connexion" in html


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (on(2024, 3, 6), "6 mars 2024"),
        (on(2024, 3, 1), "1er mars 2024"),
        (on(2024, 3), "mars 2024"),
        (on(2024), "2024"),
        (on(2024, 3, 6, DateCertainty.INFERRED), "6 mars 2024 (déduite)"),
        (on(2024, 3, certainty=DateCertainty.INFERRED), "mars 2024 (déduite)"),
        (Interval(None, PartialDate(2024, 3, 6)), "au plus tard le 6 mars 2024"),
        (Interval(None, PartialDate(2024, 3)), "au plus tard en mars 2024"),
        (Interval(None, PartialDate(2024)), "au plus tard en 2024"),
        (Interval(PartialDate(2024, 3), None), "en mars 2024 ou après"),
        (Interval(PartialDate(2024, 3, 1), PartialDate(2024, 4)), "entre le 1er mars 2024 et avril 2024"),
    ],
)
def test_dates_read_naturally_in_french(interval, text):
    with translation.override("fr"):
        assert str(interval) == text


def test_the_first_of_the_month_stays_a_plain_number_in_english():
    with translation.override("en"):
        assert str(on(2024, 3, 1)) == "1 March 2024"
        assert str(Interval(None, PartialDate(2024, 3, 1))) == "by 1 March 2024"


def po_entries(text):
    """(flags, msgid, msgstrs) for each entry of a .po file; enough of the format for the files makemessages writes."""
    entries = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip() and not line.startswith("#~")]
        if not lines:
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[current] += line.strip()[1:-1]
            else:
                current, _, rest = line.partition(" ")
                fields[current] = rest.strip()[1:-1]
        msgstrs = [value for key, value in fields.items() if key.startswith("msgstr")]
        entries.append((flags, fields.get("msgid"), msgstrs))
    return entries


def test_the_french_catalogue_has_no_untranslated_or_fuzzy_entry():
    header, *entries = po_entries(PO_FILE.read_text(encoding="utf-8"))
    assert header[1] == ""
    assert len(entries) > 300
    assert [msgid for flags, msgid, _ in entries if "fuzzy" in flags] == []
    assert [msgid for _, msgid, msgstrs in entries if not msgstrs or "" in msgstrs] == []


def test_the_compiled_catalogue_holds_every_entry_of_the_french_one():
    # A fresh machine may have no gettext to compile it, so the .mo in the repository must be current.
    magic, _revision, count = struct.unpack("<3I", MO_FILE.read_bytes()[:12])
    assert magic == 0x950412DE
    assert count == len(po_entries(PO_FILE.read_text(encoding="utf-8")))
    with translation.override("fr"):
        assert translation.gettext("Timeline") == "Chronologie"


@pytest.mark.django_db
def test_a_sources_language_is_named_in_the_readers_language(client):
    CitationFactory(event=PublishedEventFactory(), source=SourceFactory(language="en"))
    html = client.get("/fr/sources/").content.decode()
    assert "<td>Anglais</td>" in html
    # The language filter offers the languages the sources are in, named in French, each with its count.
    assert '<option value="en">Anglais (2)</option>' in html  # the event's own source is in English too
    assert "<td>English</td>" in client.get("/sources/").content.decode()


@pytest.mark.django_db
def test_the_event_form_names_its_organisations_and_people_in_french(reviewer_client):
    html = reviewer_client.get(reverse("admin:events_event_add"), headers={"accept-language": "fr"}).content.decode()
    assert re.search(r'<th class="column-person[^"]*"[^>]*>\s*Personne', html)
    assert re.search(r'<th class="column-organisation[^"]*"[^>]*>\s*Organisation', html)
    assert "Comment la date est bornée" in html
