import datetime
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from civicspace.dates import PartialDate
from events.filters import EventFilter, SourceFilter, TimelineFilter
from events.models import Event, EventType, Outcome, Source
from tests.factories import on

from .factories import (
    CitationFactory,
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
    PublishedEventFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def matching(query, filterset_class=EventFilter, queryset=None):
    """The titles a query string selects, in order; the filterset's form must be valid."""
    if queryset is None:
        queryset = Event.objects.public()
    filterset = filterset_class(QueryDict(query), queryset=queryset)
    assert filterset.is_valid(), filterset.errors
    return [getattr(obj, "title", None) for obj in filterset.qs]


@pytest.fixture
def dated_events():
    """A day, a month and a year-precision event, and one that lasts."""
    PublishedEventFactory(title="6 March 2024", date=on(2024, 3, 6))
    PublishedEventFactory(title="March 2024", date=on(2024, 3))
    PublishedEventFactory(title="2023", date=on(2023))
    PublishedEventFactory(title="Suspended 2022 to 2024", date=on(2022, 5, 2), end_date=datetime.date(2024, 2, 1))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("from=2024-03-10", {"March 2024"}),
        ("from=2024-03-06&to=2024-03-06", {"6 March 2024", "March 2024"}),
        ("to=2023-06", {"2023", "Suspended 2022 to 2024"}),
        ("from=2023-12-31&to=2023-12-31", {"2023", "Suspended 2022 to 2024"}),
        ("from=2024-02&to=2024-02", {"Suspended 2022 to 2024"}),
        ("from=2024", {"6 March 2024", "March 2024", "Suspended 2022 to 2024"}),
        ("to=2024-03", {"6 March 2024", "March 2024", "2023", "Suspended 2022 to 2024"}),
        ("to=2024-02-29", {"2023", "Suspended 2022 to 2024"}),
        ("from=2024-04", set()),
    ],
)
def test_a_date_range_matches_every_event_whose_period_overlaps_it(dated_events, query, expected):
    assert set(matching(query)) == expected


@pytest.mark.parametrize("value", ["2024-13", "24-03", "March 2024", "2024-02-30", "0000", "2024-03-06-01", "x" * 40])
def test_an_invalid_date_is_a_form_error(value):
    filterset = EventFilter(QueryDict(urlencode({"from": value})), queryset=Event.objects.all())
    assert not filterset.is_valid()
    assert filterset.errors["from"]


def test_several_types_can_be_chosen_at_once():
    PublishedEventFactory(title="dissolved", event_type=EventType.DISSOLUTION)
    PublishedEventFactory(title="suspended", event_type=EventType.SUSPENSION)
    PublishedEventFactory(title="arrested", event_type=EventType.ARREST)
    assert set(matching("type=dissolution&type=suspension")) == {"dissolved", "suspended"}


def test_an_unknown_type_is_a_form_error():
    filterset = EventFilter(QueryDict("type=coup_de_theatre"), queryset=Event.objects.all())
    assert not filterset.is_valid()
    assert "type" in filterset.errors


def test_organisation_kind_and_person_filters_follow_the_links():
    party = OrganisationFactory(slug="party", kind="political_party")
    union = OrganisationFactory(slug="union", kind="trade_union")
    person = PersonFactory(slug="moussa")
    with_party = PublishedEventFactory(title="party event")
    EventOrganisationFactory(event=with_party, organisation=party)
    EventOrganisationFactory(event=with_party, organisation=union, role="supporter")
    EventOrganisationFactory(event=PublishedEventFactory(title="union event"), organisation=union)
    EventPersonFactory(event=PublishedEventFactory(title="person event"), person=person)

    assert matching("organisation=party") == ["party event"]
    assert set(matching("organisation=party&organisation=union")) == {"party event", "union event"}
    assert set(matching("kind=trade_union")) == {"party event", "union event"}
    assert matching("person=moussa") == ["person event"]


def test_an_unknown_organisation_slug_is_a_form_error():
    filterset = EventFilter(QueryDict("organisation=nobody"), queryset=Event.objects.all())
    assert "organisation" in filterset.errors


def test_country_location_and_outcome_filter_the_events():
    PublishedEventFactory(title="Bamako", location="Bamako", country="ML")
    PublishedEventFactory(title="Niamey", location="Niamey", country="NE", outcome=Outcome.ATTEMPTED)
    assert matching("country=NE") == ["Niamey"]
    assert matching("location=bamak") == ["Bamako"]
    assert matching("outcome=attempted") == ["Niamey"]


def test_source_and_publisher_filter_the_events_that_cite_them():
    amnesty = SourceFactory(publisher="Amnesty International")
    cited = PublishedEventFactory(title="cited by Amnesty")
    CitationFactory(event=cited, source=amnesty)
    CitationFactory(event=cited, source=SourceFactory(publisher="Amnesty International"))
    PublishedEventFactory(title="other")
    assert matching(f"source={amnesty.pk}") == ["cited by Amnesty"]
    assert matching("publisher=amnesty") == ["cited by Amnesty"]


def test_a_non_numeric_source_id_is_a_form_error():
    filterset = EventFilter(QueryDict("source=abc"), queryset=Event.objects.all())
    assert "source" in filterset.errors


def test_text_search_covers_title_summary_and_quoted_passages_and_needs_every_word():
    PublishedEventFactory(title="Dissolution of the CMAS", summary="A movement close to the imam.")
    quoted = PublishedEventFactory(title="Decree", summary="A decree.")
    CitationFactory(event=quoted, quote="Le mouvement a été dissous par décret")
    CitationFactory(event=quoted, quote="dissous encore")
    assert matching("q=cmas") == ["Dissolution of the CMAS"]
    assert matching("q=imam movement") == ["Dissolution of the CMAS"]
    assert matching("q=dissous") == ["Decree"]
    assert matching("q=imam dissous") == []


def test_an_overlong_search_is_a_form_error():
    filterset = EventFilter(QueryDict(urlencode({"q": "a" * 201})), queryset=Event.objects.all())
    assert "q" in filterset.errors


def test_sort_is_whitelisted_and_stable():
    PublishedEventFactory(title="B", date=on(2024, 1, 1))
    PublishedEventFactory(title="A", date=on(2024, 1, 1))
    PublishedEventFactory(title="C", date=on(2023, 1, 1))
    assert matching("sort=title") == ["A", "B", "C"]
    assert matching("sort=date") == ["C", "B", "A"]
    assert "sort" in EventFilter(QueryDict("sort=summary"), queryset=Event.objects.all()).errors


def test_the_timeline_puts_a_year_after_its_months_newest_first_and_before_them_oldest_first():
    PublishedEventFactory(title="1 January 2024", date=on(2024, 1, 1))
    PublishedEventFactory(title="2024", date=on(2024))
    PublishedEventFactory(title="January 2024", date=on(2024, 1))
    PublishedEventFactory(title="5 May 2024", date=on(2024, 5, 5))
    newest = Event.objects.public().timeline()
    assert matching("order=newest", TimelineFilter, newest) == ["5 May 2024", "1 January 2024", "January 2024", "2024"]
    assert matching("order=oldest", TimelineFilter, newest) == ["2024", "January 2024", "1 January 2024", "5 May 2024"]


def test_a_filter_survives_the_round_trip_to_a_url_and_back():
    event = PublishedEventFactory()
    EventOrganisationFactory(event=event, organisation=OrganisationFactory(slug="cmas"))
    source = event.citations.get().source
    data = {
        "q": "dissous",
        "type": ["dissolution", "suspension"],
        "from": "2023-12",
        "to": "2024-03",
        "organisation": ["cmas"],
        "country": "ML",
        "source": str(source.pk),
        "sort": "-date",
    }
    query = urlencode(data, doseq=True)
    filterset = EventFilter(QueryDict(query), queryset=Event.objects.all())
    assert filterset.is_valid(), filterset.errors
    # The form redisplays exactly what the URL said, so submitting it again gives the same URL.
    again = QueryDict(mutable=True)
    for name, field in filterset.form.fields.items():
        value = field.widget.value_from_datadict(filterset.form.data, filterset.form.files, name)
        if value not in (None, "", []):
            again.setlist(name, value if isinstance(value, list) else [value])
    assert again.urlencode() == QueryDict(query).urlencode()
    assert filterset.form.cleaned_data["from"] == PartialDate(2023, 12)


def test_drafts_are_outside_the_published_queryset_whatever_the_filter():
    EventFactory(title="draft", event_type=EventType.DISSOLUTION)
    assert matching("type=dissolution") == []


def test_sources_filter_by_publisher_publication_range_language_and_text():
    SourceFactory(title="Rapport", publisher="RFI", language="fr", published=on(2024, 3))
    SourceFactory(title="Report", publisher="Human Rights Watch", language="en", published=on(2023, 5, 2))
    sources = Source.objects.all()
    assert matching("publisher=rfi", SourceFilter, sources) == ["Rapport"]
    assert matching("language=en", SourceFilter, sources) == ["Report"]
    assert matching("from=2024-03-20", SourceFilter, sources) == ["Rapport"]
    assert matching("to=2023", SourceFilter, sources) == ["Report"]
    assert matching("q=human watch", SourceFilter, sources) == ["Report"]
    assert "from" in SourceFilter(QueryDict("from=2024-99"), queryset=sources).errors
