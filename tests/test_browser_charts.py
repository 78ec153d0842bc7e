"""The charts in a real browser: drawn, named by their titles, readable at a phone's width, nothing blocked by the
Content-Security-Policy and nothing axe-core calls serious. Screenshots of each page are kept in ``test-artefacts/``
(ignored by git) for a person to look at."""

from pathlib import Path

import pytest
from django.conf import settings

from organisations.models import Protection
from tests.factories import (
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
    PublishedEventFactory,
    on,
)
from tests.test_browser import Tab, browser, serious_accessibility_violations  # noqa: F401 - browser is the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTEFACTS = Path(settings.BASE_DIR) / "test-artefacts"


def charted_world():
    organisation = OrganisationFactory(name="Charted Union")
    person = PersonFactory(name="Charted Person")
    withheld = PersonFactory(name="Withheld Realname", protection=Protection.WITHHELD)
    dated = [
        PublishedEventFactory(event_type="dissolution", date=on(2024, 3, 6)),
        PublishedEventFactory(event_type="suspension", date=on(2024, 5)),
        PublishedEventFactory(event_type="arrest", date=on(2024)),
        PublishedEventFactory(event_type="arrest", date=on(2023, 11, 2)),
    ]
    for event in dated:
        EventOrganisationFactory(event=event, organisation=organisation)
        EventPersonFactory(event=event, person=person)
    EventPersonFactory(event=dated[0], person=withheld)
    EventPersonFactory(event=EventFactory(title="Draft arrest of an activist"), person=person)  # a draft
    return organisation, person


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_charts_are_drawn_with_their_titles_and_pass_axe_core(browser, live_server, width):  # noqa: F811
    organisation, person = charted_world()
    tab = Tab(browser, live_server.url, viewport={"width": width, "height": 900})
    ARTEFACTS.mkdir(exist_ok=True)

    pages = {
        "timeline": ("/", ["events-chart", "closures-chart", "people-chart"]),
        "events": ("/events/?from=2023-11", ["events-chart"]),
        "organisation": (organisation.get_absolute_url(), ["record-chart"]),
        "person": (person.get_absolute_url(), ["record-chart"]),
    }
    for name, (path, charts) in pages.items():
        page = tab.open(path)
        for chart_id in charts:
            svg = page.locator(f'svg[aria-labelledby="{chart_id}-title {chart_id}-desc"]')
            assert svg.is_visible(), (path, chart_id)
            box = svg.bounding_box()
            assert box["width"] > 200 and box["height"] > 40, (path, chart_id, box)
            assert page.locator(f"#{chart_id}-title").text_content().strip(), (path, chart_id)
            assert svg.locator("rect.chart-bar").count() > 0
        if name == "events":
            # The year-only arrest is drawn in the approximate band, not in a bar.
            assert page.locator("#events-chart-desc").text_content().startswith("4 events from November 2023")
            assert page.locator("rect.chart-bar.approximate").count() > 0
        page.screenshot(path=ARTEFACTS / f"chart-{name}-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        assert serious_accessibility_violations(page) == [], path
    assert tab.policy_violations() == []


def test_the_data_table_opens_without_script_and_holds_the_charts_numbers(browser, live_server):  # noqa: F811
    charted_world()
    tab = Tab(browser, live_server.url, java_script_enabled=False)

    page = tab.open("/events/")
    page.locator(".chart-data summary").first.click()
    table = page.locator(".chart-data table").first
    assert table.is_visible()
    assert "March 2024" in table.inner_text()
