"""The site in French: negotiated from the browser, chosen with the footer's switch, dates worded in French."""

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
def test_the_timeline_is_in_french_when_the_browser_asks_for_it(client):
    PublishedEventFactory(title="Dissolution de l'association", date=on(2024, 3, 6))
    response = client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Chronologie" in html
    assert "Organisations" in html and "Personnes" in html
    assert "6 mars 2024" in html


@pytest.mark.django_db
def test_the_language_cookie_chooses_french(client):
    PublishedEventFactory(date=on(2024, 3, 6))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get("/").content.decode()
    assert '<html lang="fr">' in html
    assert "6 mars 2024" in html


@pytest.mark.django_db
def test_the_site_is_in_english_when_nothing_asks_for_another_language(client):
    PublishedEventFactory(date=on(2024, 3, 6))
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Timeline" in html
    assert "6 March 2024" in html


@pytest.mark.django_db
def test_every_page_offers_the_language_switch_as_a_form_that_needs_no_script(client):
    html = client.get("/events/?q=mali").content.decode()
    form = re.search(r'<form class="language-switch".*?</form>', html, re.S).group(0)
    assert 'action="/i18n/setlang/"' in form and 'method="post"' in form
    assert '<label for="language-select">Language</label>' in form
    assert '<option value="fr" lang="fr">Français</option>' in form
    assert '<input name="next" type="hidden" value="/events/?q=mali">' in form
    assert '<button type="submit">' in form
    assert "onchange" not in form and "style=" not in form


@pytest.mark.django_db
def test_switching_language_returns_to_the_page_and_keeps_the_choice(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/events/?q=mali"})
    assert response.status_code == 302
    assert response["Location"] == "/events/?q=mali"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"

    html = client.get("/events/?q=mali").content.decode()
    assert '<html lang="fr">' in html
    assert "Événements" in html
    assert "selected>Français</option>" in html

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_switching_language_never_sends_the_reader_to_another_site(client):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "https://example.com/"})
    assert response["Location"] == "/"


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
    html = client.get("/sources/", headers={"accept-language": "fr"}).content.decode()
    assert "<td>Anglais</td>" in html
    # The language filter offers the languages the sources are in, named in French, each with its count.
    assert '<option value="en">Anglais (2)</option>' in html  # the event's own source is in English too
    assert "<td>English</td>" in client.get("/sources/", headers={"accept-language": "en"}).content.decode()


@pytest.mark.django_db
def test_the_event_form_names_its_organisations_and_people_in_french(reviewer_client):
    html = reviewer_client.get(reverse("admin:events_event_add"), headers={"accept-language": "fr"}).content.decode()
    assert re.search(r'<th class="column-person[^"]*"[^>]*>\s*Personne', html)
    assert re.search(r'<th class="column-organisation[^"]*"[^>]*>\s*Organisation', html)
    assert "Comment la date est bornée" in html
