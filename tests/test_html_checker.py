"""The admin's lists and forms, and the public pages, are valid HTML to the Nu HTML checker (vnu.jar, installed by
`make test` with npm ci from package-lock.json, and run with Java), checked in one run of the checker per test."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.text import slugify

from civicspace.dates import DatePrecision
from organisations.models import Protection
from tests.admin_records import PROJECT_ADMINS, admin_url, build
from tests.factories import (
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    PersonFactory,
    PublishedEventFactory,
    on,
)

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_errors(pages):
    """The Nu HTML checker's errors on the files ``pages``: (file name, line, message)."""
    assert VNU.exists(), f"No Nu HTML checker at {VNU}: run `make test`, or `npm ci`, to install it."
    java = shutil.which("java")
    assert java, "The Nu HTML checker needs Java: apt-get install default-jre-headless."
    # A fixed command on files the test wrote.
    checked = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    messages = json.loads(checked.stdout)["messages"]
    return [(Path(message["url"]).name, message.get("lastLine"), message["message"]) for message in messages]


def saved(client, url, folder):
    """The page at ``url``, written to a file of ``folder`` named after the address."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = folder / f"{slugify(url) or 'home'}.html"
    page.write_bytes(response.content)
    return page


@pytest.mark.django_db
def test_the_admin_lists_and_forms_have_no_html_error(reviewer_client, tmp_path):
    pages = []
    for model_admin in PROJECT_ADMINS:
        record = build(model_admin, DatePrecision.DAY, "reviewer")
        for view, args in [("changelist", []), ("add", []), ("change", [record.pk])]:
            pages.append(saved(reviewer_client, admin_url(model_admin, view, *args), tmp_path))

    assert html_errors(pages) == []


@pytest.mark.django_db
def test_the_public_pages_have_no_html_error(client, tmp_path):
    event = PublishedEventFactory(event_type="arrest", date=on(2024, 3))
    organisation = EventOrganisationFactory(event=event).organisation
    person = EventPersonFactory(event=event, person=PersonFactory(protection=Protection.PUBLIC)).person
    EventPersonFactory(event=event, person=PersonFactory(protection=Protection.WITHHELD))
    EventPersonFactory(event=EventFactory(event_type="exile"), person=PersonFactory())  # a draft's person
    PublishedEventFactory(event_type="dissolution", date=on(2023))
    source = event.citations.get().source
    urls = [
        "/",
        "/events/",
        "/events/?type=arrest&from=2024",
        "/organisations/",
        "/people/",
        "/sources/",
        "/types/",
        event.get_absolute_url(),
        organisation.get_absolute_url(),
        person.get_absolute_url(),
        source.get_absolute_url(),
        "/fr/",
        "/fr/events/?type=arrest",
    ]

    assert html_errors([saved(client, url, tmp_path) for url in urls]) == []
