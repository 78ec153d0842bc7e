"""The site in a real browser (Debian's Chromium driven by Playwright): what only a browser can show.

Scripts and styles run under the Content-Security-Policy, the admin's autocomplete works, pages fit a phone, a
researcher and two editors can do their work by clicking, and axe-core finds no serious accessibility fault in the
admin. CHROMIUM_PATH names the browser (default /usr/bin/chromium; `make test` installs Debian's package when it is
missing, and axe-core from package-lock.json with npm).
"""

import csv
import datetime
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse
from playwright.sync_api import sync_playwright

from civicspace.dates import DatePrecision
from events.models import Event, EventStatus
from organisations.models import Protection
from tests.admin_records import PROJECT_ADMINS, admin_url, build
from tests.factories import (
    ContributorFactory,
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
    PublishedEventFactory,
    ReviewerFactory,
    SourceCopyFactory,
    SourceFactory,
    on,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct horse battery staple"  # the factories' password
# Flags for a closed network: without them Chromium keeps trying to reach Google's services.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

# axe-core, installed by `make test` (npm ci): the accessibility rules the admin's pages are checked against.
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots of the pages as the browser tests saw them (ignored by git; CI can keep them).
ARTEFACTS = Path(settings.BASE_DIR) / "test-artefacts"

# Transactional, so that the live server sees the rows; serialized_rollback restores what migrations created
# (the roles' groups) after each flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser(monkeypatch):
    assert Path(CHROMIUM).exists(), f"No browser at {CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH."
    # Playwright's synchronous API runs an event loop in this thread; the ORM calls the tests make between its
    # steps are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While Playwright runs, the test's queries open connections of their own (the running event loop gives them
        # another context); close them here, or PostgreSQL cannot drop the test database at the end.
        connections.close_all()


class Tab:
    """A page that keeps the console's errors, so a test can assert the policy blocked nothing."""

    def __init__(self, browser, base_url, **context):
        self.page = browser.new_context(**context).new_page()
        self.base_url = base_url
        self.errors = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))

    def open(self, path):
        response = self.page.goto(self.base_url + path)
        assert response.status < 400, (path, response.status)
        return self.page

    def policy_violations(self):
        return [error for error in self.errors if "Content Security Policy" in error]

    def log_in(self, user):
        self.open(reverse("admin:login"))
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        assert self.page.url.endswith(reverse("admin:index"))


def test_a_researcher_filters_dissolutions_opens_each_event_and_its_source_and_downloads_them(browser, live_server):
    organisation = OrganisationFactory(name="Kaoural Renouveau")
    wanted = PublishedEventFactory(title="Authorities dissolve Kaoural Renouveau", date=on(2024, 2, 28))
    EventOrganisationFactory(event=wanted, organisation=organisation)
    PublishedEventFactory(title="Observatory dissolved", date=on(2023, 12, 20))
    PublishedEventFactory(title="Too early", date=on(2023, 11, 1))
    PublishedEventFactory(title="An arrest", event_type="arrest", date=on(2024, 1, 5))
    tab = Tab(browser, live_server.url)

    page = tab.open("/events/")
    page.get_by_label("Dissolution").check()
    page.fill("#id_from", "2023-12")
    page.fill("#id_to", "2024-03")
    page.get_by_role("button", name="Apply filters").click()

    assert "2 events match these filters" in page.inner_text("main")
    titles = page.locator("#results tbody tr td:nth-child(3) a").all_inner_texts()
    assert titles == ["Authorities dissolve Kaoural Renouveau", "Observatory dissolved"]
    csv_link = page.get_by_role("link", name="Download CSV").get_attribute("href")
    assert csv_link.startswith("/events.csv?") and "type=dissolution" in csv_link

    page.get_by_role("link", name="Authorities dissolve Kaoural Renouveau").click()
    assert page.locator("h1").inner_text() == "Authorities dissolve Kaoural Renouveau"
    source = wanted.citations.get().source
    page.get_by_role("link", name=str(source)).click()
    assert page.locator("h1").inner_text() == source.title

    download = page.request.get(live_server.url + csv_link)
    rows = list(csv.DictReader(io.StringIO(download.text().lstrip("\ufeff"))))
    assert [row["title"] for row in rows] == titles
    assert tab.policy_violations() == []


def test_a_reader_filters_the_french_events_and_switches_to_english_keeping_the_filters(browser, live_server):
    PublishedEventFactory(title="Arrestation d'un militant", event_type="arrest", date=on(2024, 3, 6))
    PublishedEventFactory(title="Dissolution", date=on(2024, 3, 7))
    tab = Tab(browser, live_server.url)

    page = tab.open("/fr/events/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Arrestation").check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    assert "/fr/events/?" in page.url and "type=arrest" in page.url
    assert page.locator("#results tbody tr td:nth-child(3) a").all_inner_texts() == ["Arrestation d'un militant"]
    assert "6 mars 2024" in page.inner_text("#results")

    page.get_by_role("link", name="English").click()
    assert page.url.startswith(live_server.url + "/events/?") and "type=arrest" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#results tbody tr td:nth-child(3) a").all_inner_texts() == ["Arrestation d'un militant"]
    assert "6 March 2024" in page.inner_text("#results")

    page.get_by_role("link", name="Français").click()
    assert "/fr/events/?" in page.url and "type=arrest" in page.url
    assert tab.policy_violations() == []
    # The page's schema.org data is data, not a script: a title written to break out of it runs nothing, and the
    # policy has nothing to block.
    title = "</script><script>window.ran = 1</script>"
    page = tab.open(PublishedEventFactory(title=title).get_absolute_url())
    data = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    assert data["@type"] == "Event" and data["name"] == title
    assert page.evaluate("typeof window.ran") == "undefined"
    assert tab.policy_violations() == []


@pytest.mark.parametrize(
    "path", ["/", "/events/", "/organisations/", "/people/", "/sources/", "/types/", "/fr/", "/fr/events/?type=arrest"]
)
def test_public_pages_fit_a_phone_screen_and_pass_axe_core(browser, live_server, path):
    event = PublishedEventFactory(title="A long title " * 8, event_type="arrest")
    # Enough named links to wrap onto several lines, where small links would crowd each other.
    for number in range(4):
        EventOrganisationFactory(event=event, organisation=OrganisationFactory(name=f"Association number {number}"))
        EventPersonFactory(event=event, person=PersonFactory(name=f"Person {number}", protection=Protection.PUBLIC))
    EventPersonFactory(event=event, person=PersonFactory(protection=Protection.WITHHELD))
    EventPersonFactory(event=EventFactory(event_type="exile"), person=PersonFactory(name="Drafted Name"))
    tab = Tab(browser, live_server.url, viewport={"width": 390, "height": 844})

    page = tab.open(path)
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTEFACTS / f"phone{path.replace('/', '-').replace('?', '-')}.png", full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # On a phone the results come before the filters, or the filters are folded into one button above them.
    assert page.locator("#filters").count() == 0 or page.evaluate(
        "(filters => filters.top > document.querySelector('#results').getBoundingClientRect().top "
        "|| filters.height < 80)(document.querySelector('#filters').getBoundingClientRect())"
    )
    assert "Drafted Name" not in page.content()
    assert serious_accessibility_violations(page) == []
    assert tab.policy_violations() == []


def test_a_source_page_with_its_kept_copies_fits_a_phone_screen(browser, live_server):
    source = PublishedEventFactory().citations.get().source
    SourceCopyFactory(
        source=source,
        text="",
        archive_url="https://web.archive.org/web/20240601000000/https://example.org/" + "a-very-long-path/" * 6,
    )
    SourceCopyFactory(source=source, retrieved_on=datetime.date(2024, 6, 1))
    tab = Tab(browser, live_server.url, viewport={"width": 390, "height": 844})

    page = tab.open(source.get_absolute_url())

    assert page.locator(".hash").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert tab.policy_violations() == []


def test_a_contributor_drafts_with_autocomplete_and_a_reviewer_publishes_with_history(browser, live_server):
    contributor, reviewer = ContributorFactory(), ReviewerFactory()
    source = SourceFactory(title="Mali Deepens Crackdown on Civil Society", publisher="Human Rights Watch")
    SourceFactory(title="Another report", publisher="Amnesty International")
    drafting = Tab(browser, live_server.url)
    drafting.log_in(contributor)

    page = drafting.open(reverse("admin:events_event_add"))
    page.fill("#id_title", "Authorities dissolve an association")
    page.select_option("#id_event_type", "dissolution")
    page.fill("[name=date_day]", "6")
    page.select_option("[name=date_month]", "3")
    page.fill("[name=date_year]", "2024")
    page.select_option("#id_country", "ML")
    page.fill("#id_summary", "The authorities dissolved an association.")
    page.click("#citations-0 .select2-selection")
    page.keyboard.type("Crackdown")
    page.locator(".select2-results__option", has_text="Mali Deepens Crackdown").click()
    page.fill("#id_citations-0-quote", "On March 6, authorities dissolved")
    page.get_by_role("button", name="Save", exact=True).first.click()
    assert "was added successfully" in page.inner_text(".messagelist")
    event = Event.objects.get(title="Authorities dissolve an association")
    assert (event.status, event.citations.get().source) == (EventStatus.DRAFT, source)

    reviewing = Tab(browser, live_server.url)
    reviewing.log_in(reviewer)
    page = reviewing.open(reverse("admin:events_event_changelist") + "?status__exact=draft")
    page.locator(f"input[name=_selected_action][value='{event.pk}']").check()
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")  # the actions bar's "Go"
    assert "Published 1 event." in page.inner_text(".messagelist")
    assert drafting.policy_violations() + reviewing.policy_violations() == []

    # (simple-history's history list has one inline style attribute, a border, which the policy blocks.)
    page = reviewing.open(reverse("admin:events_event_history", args=[event.pk]))
    history = page.inner_text("#content")
    assert contributor.username in history and reviewer.username in history
    assert "draft" in history and "published" in history


def date_boxes(page, name="date"):
    return [page.input_value(f"[name={name}_{part}]") for part in ("day", "month", "year")]


def test_an_editor_changes_the_date_of_an_existing_event_in_its_boxes_and_sees_it_saved(browser, live_server):
    event = PublishedEventFactory(title="Authorities dissolve Kaoural Renouveau", date=on(2024, 2, 28))
    tab = Tab(browser, live_server.url)
    tab.log_in(ReviewerFactory())

    page = tab.open(reverse("admin:events_event_change", args=[event.pk]))
    assert date_boxes(page) == ["28", "2", "2024"]
    page.fill("[name=date_day]", "")
    page.select_option("[name=date_month]", "3")
    page.get_by_role("button", name="Save", exact=True).first.click()

    assert "was changed successfully" in page.inner_text(".messagelist")
    assert "March 2024" in page.inner_text("#result_list")
    event.refresh_from_db()
    assert event.date == on(2024, 3)
    assert date_boxes(tab.open(reverse("admin:events_event_change", args=[event.pk]))) == ["", "3", "2024"]
    assert tab.policy_violations() == []


def serious_accessibility_violations(page):
    """axe-core's serious and critical findings on the page: (rule, the elements it found)."""
    assert AXE.exists(), f"No axe-core at {AXE}: run `make test`, or `npm ci`, to install it."
    # Evaluated through the browser's debugging protocol, which the Content-Security-Policy does not govern.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    # WCAG 2.2's target size (24 by 24 px for a control) is among axe's rules but off unless asked for.
    results = page.evaluate("axe.run(document, {resultTypes: ['violations'], rules: {'target-size': {enabled: true}}})")
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("model_admin", PROJECT_ADMINS, ids=lambda model_admin: model_admin.opts.model_name)
def test_the_admin_list_and_forms_of_each_kind_of_record_pass_axe_core(browser, live_server, model_admin):
    record = build(model_admin, DatePrecision.DAY, "reviewer")  # two rows in each inline, every field filled
    tab = Tab(browser, live_server.url)
    tab.log_in(ReviewerFactory())

    for url in [
        admin_url(model_admin, "changelist"),
        admin_url(model_admin, "add"),
        admin_url(model_admin, "change", record.pk),
    ]:
        assert serious_accessibility_violations(tab.open(url)) == [], url
