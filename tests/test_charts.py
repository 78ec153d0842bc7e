"""The charts (civicspace/charts.py): their numbers are the counts of public events, drafts left out, the list's filters
followed, approximate dates counted as spans and never pinned to one month, in the reader's language."""

import datetime
from html.parser import HTMLParser

import pytest

from civicspace.charts import dated_counts, nice_step, period_chart
from civicspace.dates import DateCertainty, Interval, PartialDate
from civicspace.vocabulary import EVENT_TYPE_LABELS
from events.models import Event
from organisations.models import Protection
from tests.factories import (
    SECRETS,
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
    PublishedEventFactory,
    build_hidden_world,
    on,
)

pytestmark = pytest.mark.django_db


class Charts(HTMLParser):
    """Every chart of a page by its SVG's id prefix: its title, description, bar titles, legend and data table."""

    def __init__(self, html):
        super().__init__()
        self.charts, self.current, self.into, self.row, self.in_legend = {}, None, None, None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and attrs.get("role") == "img":
            chart_id = attrs["aria-labelledby"].split()[0].removesuffix("-title")
            assert attrs["aria-labelledby"] == f"{chart_id}-title {chart_id}-desc"
            self.current = self.charts[chart_id] = {"title": "", "desc": "", "bars": [], "legend": [], "rows": []}
        elif self.current is None:
            return
        elif tag in ("title", "desc"):
            self.into = tag if tag == "desc" or attrs.get("id") else "bar"
            if self.into == "bar":
                self.current["bars"].append("")
        elif tag == "ul" and "chart-legend" in attrs.get("class", ""):
            self.in_legend = True
        elif tag == "li" and self.in_legend:
            self.current["legend"].append("")
            self.into = "legend"
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.row.append("")
            self.into = "cell"

    def handle_endtag(self, tag):
        if tag == "figure":
            self.current = None
        elif tag == "ul":
            self.in_legend = False
        elif tag == "tr" and self.current is not None and self.row is not None:
            self.current["rows"].append(self.row)
            self.row = None
        if tag in ("title", "desc", "li", "td", "th"):
            self.into = None

    def handle_data(self, data):
        if self.current is None or self.into is None:
            return
        if self.into in ("title", "desc"):
            self.current[self.into] += data
        elif self.into == "bar":
            self.current["bars"][-1] += data
        elif self.into == "legend":
            self.current["legend"][-1] += data.strip()
        elif self.into == "cell":
            self.row[-1] += data.strip()


def charts_of(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return Charts(response.content.decode()).charts


def table(chart):
    """{row heading: {column heading: number}} from a chart's data table."""
    header, *rows = chart["rows"]
    return {
        row[0]: {name: int(cell.replace(",", "")) for name, cell in zip(header[1:], row[1:], strict=True)}
        for row in rows
    }


def hidden_draft_and_protected_person():
    """A draft and people the public may not see, beside every chart's data."""
    draft = EventFactory(title="Draft arrest of an activist", event_type="dissolution", date=on(2024, 3, 6))
    EventPersonFactory(event=draft, person=PersonFactory(name="Withheld Realname", protection=Protection.WITHHELD))
    return draft


def test_the_events_chart_counts_the_public_events_of_each_type_and_month_and_never_a_draft(client):
    hidden_draft_and_protected_person()
    PublishedEventFactory(event_type="dissolution", date=on(2024, 3, 6))
    PublishedEventFactory(event_type="dissolution", date=on(2024, 3, 20, certainty=DateCertainty.INFERRED))
    PublishedEventFactory(event_type="arrest", date=on(2024, 3))
    PublishedEventFactory(event_type="suspension", date=on(2024, 5, 2))

    for url in ("/events/", "/"):
        chart = charts_of(client, url)["events-chart"]
        counts = table(chart)
        assert counts["March 2024"] == {"Dissolution": 2, "Arrest": 1, "Suspension": 0, **approximate(0)}
        assert counts["May 2024"] == {"Dissolution": 0, "Arrest": 0, "Suspension": 1, **approximate(0)}
        assert "April 2024" not in counts  # no event: no row, but a place on the axis
        assert "March 2024, Dissolution: 2 events" in chart["bars"]
        assert "March 2024, Arrest: 1 event" in chart["bars"]
        assert chart["legend"] == ["Dissolution", "Arrest", "Suspension"]
        assert chart["title"] == "Events by type"
        assert chart["desc"].startswith("4 events from March 2024 to May 2024, counted by month")


def approximate(number):
    return {"Date approximate (may fall in this period)": number}


def test_the_events_chart_follows_the_lists_filters(client):
    hidden_draft_and_protected_person()
    party = OrganisationFactory(slug="party")
    kept = PublishedEventFactory(event_type="arrest", date=on(2024, 3, 6))
    EventOrganisationFactory(event=kept, organisation=party)
    EventOrganisationFactory(event=kept, organisation=party, role="other")  # two links: still one event
    PublishedEventFactory(event_type="arrest", date=on(2024, 4, 6))
    PublishedEventFactory(event_type="dissolution", date=on(2024, 3, 6))

    for url in ("/events/?organisation=party", "/?organisation=party"):
        chart = charts_of(client, url)["events-chart"]
        assert table(chart) == {"March 2024": {"Arrest": 1, **approximate(0)}}
        assert chart["title"] == "Events matching these filters, by type"
    assert table(charts_of(client, "/events/?type=dissolution")["events-chart"]) == {
        "March 2024": {"Dissolution": 1, **approximate(0)}
    }


def test_a_filter_that_matches_nothing_or_is_not_valid_draws_no_chart(client):
    PublishedEventFactory()
    assert "events-chart" not in charts_of(client, "/events/?type=arrest")
    response = client.get("/events/?from=not-a-month")
    assert response.status_code == 400
    assert "events-chart" not in Charts(response.content.decode()).charts


def test_a_date_known_only_to_its_year_is_drawn_across_every_month_and_never_pinned_to_one(client):
    hidden_draft_and_protected_person()
    PublishedEventFactory(event_type="dissolution", date=on(2024, 3, 6))
    PublishedEventFactory(event_type="arrest", date=on(2024))

    chart = charts_of(client, "/events/")["events-chart"]
    counts = table(chart)
    months = [PartialDate(2024, month).words() for month in range(1, 13)]
    assert list(counts) == months
    assert [counts[month]["Date approximate (may fall in this period)"] for month in months] == [1] * 12
    assert sum(counts[month]["Arrest"] for month in months) == 0  # in no month's bar
    assert counts["March 2024"]["Dissolution"] == 1
    assert "January 2024: 1 event whose date is approximate and may fall in this period" in chart["bars"]
    assert "1 event is not dated within a single month" in chart["desc"]
    assert "Date approximate (the band under the axis)" in chart["legend"]


def test_a_range_and_an_open_bound_are_spans_of_the_months_they_may_fall_in(client):
    PublishedEventFactory(event_type="arrest", date=Interval(PartialDate(2023, 11), PartialDate(2024, 2)))
    PublishedEventFactory(event_type="arrest", date=Interval(None, PartialDate(2023, 12)))  # "by December 2023"
    PublishedEventFactory(event_type="dissolution", date=on(2023, 10, 1))

    counts = table(charts_of(client, "/events/")["events-chart"])
    spans = {month: row["Date approximate (may fall in this period)"] for month, row in counts.items()}
    # The open bound reaches back to the chart's first month; the range covers its four months.
    assert spans == {"October 2023": 1, "November 2023": 2, "December 2023": 2, "January 2024": 1, "February 2024": 1}
    assert counts["October 2023"]["Dissolution"] == 1


def test_the_dates_a_filter_asks_for_bound_how_far_an_approximate_date_is_drawn(client):
    PublishedEventFactory(event_type="arrest", date=Interval(PartialDate(2020, 8), PartialDate(2024)))
    PublishedEventFactory(event_type="dissolution", date=on(2024, 3, 6))

    counts = table(charts_of(client, "/events/?from=2024-01&to=2024-06")["events-chart"])
    assert list(counts) == [PartialDate(2024, month).words() for month in range(1, 7)]
    assert counts["March 2024"] == {"Arrest": 0, "Dissolution": 1, **approximate(1)}


def test_more_than_three_years_of_data_is_counted_by_year_and_a_year_date_is_then_exact(client):
    hidden_draft_and_protected_person()
    PublishedEventFactory(event_type="arrest", date=on(2019, 5, 1))
    PublishedEventFactory(event_type="arrest", date=on(2024))
    PublishedEventFactory(event_type="dissolution", date=Interval(PartialDate(2021), PartialDate(2022)))

    chart = charts_of(client, "/events/")["events-chart"]
    assert table(chart) == {
        "2019": {"Arrest": 1, "Dissolution": 0, **approximate(0)},
        "2021": {"Arrest": 0, "Dissolution": 0, **approximate(1)},
        "2022": {"Arrest": 0, "Dissolution": 0, **approximate(1)},
        "2024": {"Arrest": 1, "Dissolution": 0, **approximate(0)},
    }
    assert "counted by year" in chart["desc"]


def test_the_home_page_sums_dissolutions_and_suspensions_by_year_and_people_by_type_whatever_the_filters(client):
    hidden_draft_and_protected_person()
    world = build_hidden_world()  # a published dissolution concerning a named, a pseudonymised and a withheld person
    Event.objects.filter(pk=world.event.pk).update(date_earliest=datetime.date(2024, 3, 6))
    PublishedEventFactory(event_type="suspension", date=on(2023, 2, 1))
    PublishedEventFactory(event_type="suspension", date=on(2023))  # a year: exact in a chart by year
    PublishedEventFactory(event_type="arrest", date=on(2023, 2, 1))

    response = client.get("/?type=arrest")
    html = response.content.decode()
    charts = Charts(html).charts
    assert table(charts["closures-chart"]) == {
        "2023": {"Dissolution": 0, "Suspension": 2, **approximate(0)},
        "2024": {"Dissolution": 1, "Suspension": 0, **approximate(0)},
    }
    people = table(charts["people-chart"])
    shown = world.event.person_links.values("person").distinct().count()
    assert people == {"Dissolution": {"People concerned": shown, "Of whom identity withheld": 2}}
    assert all(secret not in html for secret in SECRETS)


def test_the_home_page_counts_people_by_the_type_their_events_have_now(client):
    person = PersonFactory(protection=Protection.PUBLIC)
    arrest = PublishedEventFactory(event_type="arrest")
    EventPersonFactory(event=arrest, person=person)
    EventPersonFactory(event=PublishedEventFactory(event_type="arrest"), person=person)  # counted once
    assert table(charts_of(client, "/")["people-chart"]) == {"Arrest": {"People concerned": 1, **withheld(0)}}

    arrest.event_type = "exile"
    arrest.save()

    assert table(charts_of(client, "/")["people-chart"]) == {
        "Arrest": {"People concerned": 1, **withheld(0)},
        "Exile": {"People concerned": 1, **withheld(0)},
    }


def withheld(number):
    return {"Of whom identity withheld": number}


def test_an_organisation_and_a_person_page_chart_their_public_events_only(client):
    organisation = OrganisationFactory()
    person = PersonFactory(protection=Protection.PSEUDONYMISED, pseudonym="Student A", pseudonym_slug="student-a")
    for event in (
        PublishedEventFactory(event_type="arrest", date=on(2024, 3, 6)),
        PublishedEventFactory(event_type="exile", date=on(2024, 5)),
        EventFactory(event_type="arrest", date=on(2024, 3, 6)),  # a draft
    ):
        EventOrganisationFactory(event=event, organisation=organisation)
        EventPersonFactory(event=event, person=person)

    for url in (organisation.get_absolute_url(), person.get_absolute_url()):
        response = client.get(url)
        chart = Charts(response.content.decode()).charts["record-chart"]
        assert table(chart) == {
            "March 2024": {"Arrest": 1, "Exile": 0, **approximate(0)},
            "May 2024": {"Arrest": 0, "Exile": 1, **approximate(0)},
        }
        assert person.name not in response.content.decode()


def test_the_charts_are_in_french_for_a_french_reader(client):
    hidden_draft_and_protected_person()
    PublishedEventFactory(event_type="arrest", date=on(2024, 3, 6))
    PublishedEventFactory(event_type="dissolution", date=on(2024))

    response = client.get("/fr/events/")
    html = response.content.decode()
    chart = Charts(html).charts["events-chart"]
    counts = table(chart)
    assert counts["mars 2024"]["Arrestation"] == 1
    assert chart["title"] == "Événements par type"
    assert "Tableau de données" in html
    assert "mars 2024, Arrestation : 1 événement" in chart["bars"]
    assert any(label.startswith("Date approximative") for label in chart["legend"])
    assert ">jan.<" in html and ">mars<" in html  # the axis names the months in French
    # Numbers in attributes stay numbers whatever the language's decimal separator.
    assert 'viewBox="0 0 600 ' in html and not any("," in value for value in attribute_values(html, "height"))


def attribute_values(html, name):
    class Values(HTMLParser):
        found = []

        def handle_starttag(self, tag, attrs):
            self.found.extend(value for key, value in attrs if key == name and value)

    parser = Values()
    parser.feed(html)
    return parser.found


def test_each_chart_is_an_image_named_by_its_title_and_described_with_a_table_of_its_numbers(client):
    hidden_draft_and_protected_person()
    EventPersonFactory(event=PublishedEventFactory(event_type="dissolution", date=on(2024, 3, 6)))
    html = client.get("/").content.decode()
    for chart_id in ("events-chart", "closures-chart", "people-chart"):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
        assert f'<title id="{chart_id}-title">' in html and f'<desc id="{chart_id}-desc">' in html
    assert html.count("<summary>Data table</summary>") == 3
    assert " style=" not in html and "<style" not in html  # the Content-Security-Policy allows no inline style


def test_the_charts_query_does_not_grow_with_the_events(django_assert_num_queries):
    for day in range(1, 21):
        PublishedEventFactory(date=on(2024, 3, day))
    with django_assert_num_queries(1):
        groups = dated_counts(Event.objects.public())
    assert groups == [(datetime.date(2024, 3, 1), datetime.date(2024, 3, 1), "dissolution", 20)]


def test_past_six_types_the_least_frequent_are_summed_as_other_types(client):
    types = ["arrest", "exile", "sentence", "statement", "attack", "release", "censorship", "harassment"]
    for index, event_type in enumerate(types):
        for _ in range(len(types) - index):  # arrest the most frequent, harassment the least
            PublishedEventFactory(event_type=event_type, date=on(2024, 3, 6))

    chart = charts_of(client, "/events/")["events-chart"]
    assert chart["legend"] == ["Arrest", "Exile", "Sentence", "Statement", "Attack", "Release", "Other types"]
    assert table(chart)["March 2024"]["Other types"] == 3
    assert "March 2024, Other types: 3 events (Censorship 2, Harassment 1)" in chart["bars"]


def test_a_chart_of_nothing_is_none_and_the_scale_steps_are_round():
    assert period_chart([], EVENT_TYPE_LABELS, "x", "title") is None
    assert [nice_step(top) for top in (1, 3, 4, 5, 9, 17, 40, 130)] == [1, 1, 1, 2, 5, 5, 10, 50]
