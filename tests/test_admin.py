import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicspace.admin import CountryInUseListFilter
from civicspace.dates import DateCertainty
from events.admin import OrganisationListFilter, YearListFilter
from events.models import Citation, Event, EventStatus, EventType
from tests.factories import (
    CitationFactory,
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
    SourceFactory,
    on,
)

pytestmark = pytest.mark.django_db

MODELS = ["events.event", "events.source", "organisations.organisation", "organisations.person"]


def admin_url(model, view, *args):
    app_label, model_name = model.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def test_the_reviewers_group_is_created_by_a_migration_with_every_permission_it_needs():
    codenames = set(Group.objects.get(name="Reviewers").permissions.values_list("codename", flat=True))

    for model in ["event", "source", "citation", "organisation", "person", "affiliation"]:
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= codenames


@pytest.mark.parametrize("role", ["contributor", "reviewer"])
@pytest.mark.parametrize("model", MODELS)
def test_editors_who_are_not_superusers_see_changelists_and_forms(request, role, model):
    assert not request.getfixturevalue(role).is_superuser
    editor_client = request.getfixturevalue(f"{role}_client")
    organisation = OrganisationFactory()
    event = EventFactory()
    EventOrganisationFactory(event=event, organisation=organisation)
    CitationFactory(event=event)
    PersonFactory()
    instance = {
        "events.event": event,
        "events.source": event.citations.get().source,
        "organisations.organisation": organisation,
        "organisations.person": PersonFactory(),
    }[model]

    for url in [admin_url(model, "changelist"), admin_url(model, "add"), admin_url(model, "change", instance.pk)]:
        response = editor_client.get(url)
        assert response.status_code == 200, url


def test_the_event_changelist_filters_by_year_type_status_and_organisation(reviewer_client):
    organisation = OrganisationFactory(name="Kaoural Renouveau")
    wanted = EventFactory(title="Wanted", date=on(2024, 2, 28))
    EventOrganisationFactory(event=wanted, organisation=organisation)
    EventFactory(title="Other year", date=on(2023, 12, 20))
    EventFactory(title="Other type", date=on(2024, 2, 1), event_type=EventType.ARREST)

    response = reviewer_client.get(
        admin_url("events.event", "changelist"),
        {
            "year": "2024",
            "event_type__exact": "dissolution",
            "status__exact": "draft",
            "organisations__id__exact": organisation.pk,
        },
    )

    assert [event.title for event in response.context["cl"].result_list] == ["Wanted"]


@pytest.mark.parametrize("year", ["twenty", "99999999999999999999", "0", "²", "9" * 5000])
def test_a_malformed_year_filter_is_ignored_rather_than_failing(reviewer_client, year):
    EventFactory()

    response = reviewer_client.get(admin_url("events.event", "changelist"), {"year": year})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("events.event", {"date_sort__year": "99999999999999999999"}),
        ("events.event", {"date_sort__year": "2024", "date_sort__month": "13"}),
        ("events.source", {"published_latest__year": "x"}),
        # str.isdigit() takes these, int() does not.
        ("events.event", {"date_sort__year": "²"}),
        ("events.event", {"date_sort__year": "2024", "date_sort__month": "¹"}),
        ("events.source", {"published_latest__year": "²"}),
        # Django's drill-down also reads the year after the one chosen.
        ("events.event", {"date_sort__year": "9999"}),
    ],
)
def test_a_malformed_date_drill_down_gets_the_admins_invalid_lookup_page(reviewer_client, model, query):
    response = reviewer_client.get(admin_url(model, "changelist"), query)

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize("model", MODELS)
def test_the_history_of_a_non_numeric_id_is_not_found(reviewer_client, model):
    assert reviewer_client.get(admin_url(model, "history", "abc")).status_code == 404


def test_autocomplete_finds_organisations_by_acronym_for_the_event_form(reviewer_client):
    OrganisationFactory(name="Association of Pupils and Students of Mali", acronym="AEEM")

    response = reviewer_client.get(
        reverse("admin:autocomplete"),
        {"term": "aeem", "app_label": "events", "model_name": "eventorganisation", "field_name": "organisation"},
    )

    assert [result["text"] for result in response.json()["results"]] == [
        "Association of Pupils and Students of Mali (AEEM)"
    ]


def event_form(**overrides):
    """The POST data of the admin's event form with one citation and one organisation."""
    data = {
        "title": "Authorities dissolve Kaoural Renouveau",
        "event_type": "dissolution",
        "date_day": "28",
        "date_month": "2",
        "date_year": "2024",
        "date_shape": "",
        "date_certainty": "inferred",
        "end_date": "",
        "country": "ML",
        "location": "Bamako",
        "summary": "The authorities dissolved the political organisation.",
        "authority": "the authorities",
        "justification": "defamatory and subversive remarks",
        "outcome": "carried_out",
        "status": "draft",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-source": "",
        "citations-0-quote": "",
        "citations-0-location": "",
        "citations-0-reported_as": "fact",
        "citations-0-alleged_by": "",
        "organisation_links-TOTAL_FORMS": "0",
        "organisation_links-INITIAL_FORMS": "0",
        "person_links-TOTAL_FORMS": "0",
        "person_links-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def change_form(citation, **overrides):
    """The POST data of the change form of ``citation``'s event as it is stored, with one citation row."""
    event = citation.event
    return event_form(
        **{
            "title": event.title,
            "status": event.status,
            "loaded_version": event.version,
            "citations-INITIAL_FORMS": "1",
            "citations-0-id": citation.pk,
            "citations-0-event": event.pk,
            "citations-0-source": citation.source.pk,
            "citations-0-quote": citation.quote,
            **overrides,
        }
    )


def test_a_reviewer_creates_an_event_with_a_citation_through_the_admin_form(reviewer_client, reviewer):
    source = SourceFactory()
    organisation = OrganisationFactory(name="Kaoural Renouveau")

    response = reviewer_client.post(
        admin_url("events.event", "add"),
        event_form(
            **{
                "citations-0-source": source.pk,
                "citations-0-quote": "On February 28, authorities dissolved the political organization Kaoural Renewal",
                "organisation_links-TOTAL_FORMS": "1",
                "organisation_links-0-organisation": organisation.pk,
                "organisation_links-0-role": "target",
                "organisation_links-0-note": "",
                "status": "published",
            }
        ),
    )

    assert response.status_code == 302, response.context["errors"] if response.context else response
    event = Event.objects.get()
    assert event.date == on(2024, 2, 28, DateCertainty.INFERRED)
    assert event.status == EventStatus.PUBLISHED
    assert event.created_by == reviewer
    assert event.citations.get().source == source
    assert list(event.organisations.all()) == [organisation]


@pytest.mark.parametrize(
    ("overrides", "stored", "words"),
    [
        ({"date_day": "", "date_month": "3"}, (datetime.date(2024, 3, 1), datetime.date(2024, 3, 31)), "March 2024"),
        ({"date_day": "", "date_month": ""}, (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)), "2024"),
        (
            {"date_shape": "between", "date_to_day": "20", "date_to_month": "4", "date_to_year": "2024"},
            (datetime.date(2024, 2, 28), datetime.date(2024, 4, 20)),
            "between 28 February 2024 and 20 April 2024",
        ),
        ({"date_shape": "no_later_than", "date_day": ""}, (None, datetime.date(2024, 2, 29)), "by February 2024"),
        ({"date_shape": "no_earlier_than"}, (datetime.date(2024, 2, 28), None), "on or after 28 February 2024"),
    ],
)
def test_a_date_is_stored_as_the_days_its_boxes_bound(reviewer_client, overrides, stored, words):
    reviewer_client.post(admin_url("events.event", "add"), event_form(**overrides, date_certainty="stated"))

    event = Event.objects.get()
    assert (event.date_earliest, event.date_latest) == stored
    assert str(event.date) == words


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date_month": ""}, "A day needs its month."),
        ({"date_shape": "between"}, "A range needs its second date"),
        ({"date_to_year": "2025"}, "The second date is only for a range"),
        ({"date_shape": "between", "date_to_year": "2023"}, "The second date is before the first."),
        ({"date_day": "30", "date_month": "2"}, "That day does not exist in that month."),
        ({"date_year": "", "date_month": "", "date_day": ""}, "This field is required."),
        ({"end_date": "2024-02-01"}, "The end date cannot be before the start date."),
    ],
)
def test_a_mistyped_date_gets_a_clear_message_and_nothing_is_saved(reviewer_client, overrides, message):
    response = reviewer_client.post(admin_url("events.event", "add"), event_form(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_publishing_an_event_without_a_source_is_refused_with_a_clear_message(reviewer_client):
    response = reviewer_client.post(admin_url("events.event", "add"), event_form(status="published"))

    assert response.status_code == 200
    assert "An event without a source cannot be published" in response.content.decode()
    assert not Event.objects.exists()


def test_removing_the_last_citation_of_a_published_event_is_refused(reviewer_client):
    citation = CitationFactory(event__status=EventStatus.PUBLISHED)
    event = citation.event

    response = reviewer_client.post(
        admin_url("events.event", "change", event.pk), change_form(citation, **{"citations-0-DELETE": "on"})
    )

    assert "An event without a source cannot be published" in response.content.decode()
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_the_publish_action_publishes_sourced_drafts_and_refuses_unsourced_ones(reviewer_client, reviewer):
    sourced = CitationFactory(event__title="Sourced").event
    unsourced = EventFactory(title="Unsourced")

    response = reviewer_client.post(
        admin_url("events.event", "changelist"),
        {"action": "publish", "_selected_action": [sourced.pk, unsourced.pk]},
        follow=True,
    )

    sourced.refresh_from_db()
    unsourced.refresh_from_db()
    assert (sourced.status, sourced.updated_by) == (EventStatus.PUBLISHED, reviewer)
    assert unsourced.status == EventStatus.DRAFT
    text = response.content.decode()
    assert "Published 1 event." in text
    assert "An event without a source cannot be published" in text and "Unsourced" in text


def test_the_unpublish_action_returns_events_to_draft(reviewer_client):
    event = CitationFactory(event__status=EventStatus.PUBLISHED).event

    reviewer_client.post(
        admin_url("events.event", "changelist"), {"action": "unpublish", "_selected_action": [event.pk]}
    )

    event.refresh_from_db()
    assert event.status == EventStatus.DRAFT


def test_an_organisation_with_the_same_name_in_the_same_country_gets_a_clear_message(reviewer_client):
    OrganisationFactory(name="Kaoural Renouveau", country="ML")

    response = reviewer_client.post(
        admin_url("organisations.organisation", "add"),
        {
            "name": "kaoural renouveau",
            "kind": "political_party",
            "country": "ML",
            "slug": "kaoural-renouveau-2",
            "founded_year": "",
            "founded_certainty": "stated",
            "affiliations-TOTAL_FORMS": "0",
            "affiliations-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "An organisation with this name already exists in this country." in response.content.decode()


def test_the_organisation_changelist_shows_the_derived_status(reviewer_client):
    organisation = OrganisationFactory(name="Observatory")
    event = CitationFactory(event__status=EventStatus.PUBLISHED).event
    EventOrganisationFactory(event=event, organisation=organisation)

    response = reviewer_client.get(admin_url("organisations.organisation", "changelist"), {"status": "dissolved"})

    assert [row.name for row in response.context["cl"].result_list] == ["Observatory"]


def test_the_country_filter_lists_only_the_countries_in_use_each_once(reviewer_client):
    EventFactory(country="ML")
    EventFactory(country="ML", date=on(2023, 5, 1))
    EventFactory(country="BF")

    response = reviewer_client.get(admin_url("events.event", "changelist"), {"country": "BF"})

    country_filter = next(
        spec for spec in response.context["cl"].filter_specs if isinstance(spec, CountryInUseListFilter)
    )
    assert country_filter.lookup_choices == [("BF", "Burkina Faso"), ("ML", "Mali")]
    assert [event.country.code for event in response.context["cl"].result_list] == ["BF"]


def test_the_event_form_starts_with_the_configured_country(reviewer_client, settings):
    settings.TRACKER_DEFAULT_COUNTRY = "ML"

    response = reviewer_client.get(admin_url("events.event", "add"))

    assert response.context["adminform"].form.initial["country"] == "ML"


def test_a_citation_without_its_quoted_passage_is_refused_on_a_published_event(reviewer_client):
    citation = CitationFactory(quote="")

    response = reviewer_client.post(
        admin_url("events.event", "change", citation.event.pk), change_form(citation, status="published")
    )

    assert "copy the passage here" in response.content.decode()
    citation.event.refresh_from_db()
    assert citation.event.status == EventStatus.DRAFT


def test_the_publish_action_refuses_a_draft_whose_citations_quote_nothing(reviewer_client):
    event = CitationFactory(quote="").event

    reviewer_client.post(admin_url("events.event", "changelist"), {"action": "publish", "_selected_action": [event.pk]})

    event.refresh_from_db()
    assert event.status == EventStatus.DRAFT


def changelist_titles(client, query):
    response = client.get(admin_url("events.event", "changelist"), query)
    assert response.status_code == 200
    return sorted(event.title for event in response.context["cl"].result_list)


def test_the_event_search_finds_words_quoted_passages_and_the_names_of_what_an_event_concerns(reviewer_client):
    EventFactory(title="Gendarmerie raid", summary="Offices searched.")
    CitationFactory(event=EventFactory(title="Quoted", summary="Nothing."), quote="Les gendarmes ont perquisitionné.")
    named = EventFactory(title="Named organisation", summary="Nothing.")
    organisation = OrganisationFactory(name="Kaoural Renouveau", acronym="KR")
    # Concerned twice (two roles): still one row.
    EventOrganisationFactory(event=named, organisation=organisation, role="target")
    EventOrganisationFactory(event=named, organisation=organisation, role="perpetrator")
    EventPersonFactory(
        event=EventFactory(title="Named person", summary="Nothing."), person=PersonFactory(name="Clément Dembélé")
    )
    EventFactory(title="Unrelated", summary="Nothing.")

    # Words as the public search finds them: a word's beginning, in the title, the summary or a quoted passage.
    assert changelist_titles(reviewer_client, {"q": "gendarm"}) == ["Gendarmerie raid", "Quoted"]
    # Names anywhere in them, and acronyms.
    assert changelist_titles(reviewer_client, {"q": "kaoural renouveau"}) == ["Named organisation"]
    assert changelist_titles(reviewer_client, {"q": "KR"}) == ["Named organisation"]
    assert changelist_titles(reviewer_client, {"q": "Dembélé"}) == ["Named person"]
    assert changelist_titles(reviewer_client, {"q": "nowhere"}) == []
    assert changelist_titles(reviewer_client, {"q": "!!!"}) == []


def test_the_organisation_filter_lists_the_organisations_in_events_then_only_the_one_chosen(
    reviewer_client, monkeypatch
):
    concerned = [OrganisationFactory(name=name) for name in ("Alpha", "Beta")]
    for organisation in concerned:
        EventOrganisationFactory(organisation=organisation)
    OrganisationFactory(name="In no event")

    def organisation_choices(query):
        response = reviewer_client.get(admin_url("events.event", "changelist"), query)
        shown = [spec for spec in response.context["cl"].filter_specs if isinstance(spec, OrganisationListFilter)]
        return [label for spec in shown for _value, label in spec.lookup_choices]

    assert organisation_choices({}) == ["Alpha", "Beta"]
    # Too many to list: only the one chosen, as the organisations' list links to it.
    monkeypatch.setattr("events.admin.ORGANISATIONS_LISTED_AT_MOST", 1)
    assert organisation_choices({}) == []
    assert organisation_choices({"organisations__id__exact": concerned[1].pk}) == ["Beta"]
    assert organisation_choices({"organisations__id__exact": "x"}) == []
    # An organisation that does not exist (merged away, say) concerns no event: none listed, not all.
    assert changelist_titles(reviewer_client, {"organisations__id__exact": 10**9}) == []


def test_the_organisations_list_counts_each_ones_events_once_and_links_to_them(reviewer_client):
    organisation = OrganisationFactory(name="Kaoural Renouveau")
    event = EventFactory(title="Twice")
    EventOrganisationFactory(event=event, organisation=organisation, role="target")
    EventOrganisationFactory(event=event, organisation=organisation, role="perpetrator")
    EventOrganisationFactory(event=EventFactory(title="Once"), organisation=organisation)

    page = reviewer_client.get(admin_url("organisations.organisation", "changelist")).content.decode()
    link = admin_url("events.event", "changelist") + f"?organisations__id__exact={organisation.pk}"

    assert f'<a href="{link}">2</a>' in page
    assert changelist_titles(reviewer_client, {"organisations__id__exact": organisation.pk}) == ["Once", "Twice"]


def test_the_years_offered_are_those_that_hold_events(reviewer_client):
    for year in (2019, 2021, 2021):
        EventFactory(date=on(year, 5))
    EventFactory(date=on(2023), event_type=EventType.ARREST)

    response = reviewer_client.get(admin_url("events.event", "changelist"), {"event_type__exact": "dissolution"})
    year_filter = next(spec for spec in response.context["cl"].filter_specs if isinstance(spec, YearListFilter))
    drill_down = response.rendered_content

    # The filter: every event's year, newest first, none for the gap; the drill-down: the years of those listed.
    assert [label for _value, label in year_filter.lookup_choices] == ["2023", "2021", "2019"]
    assert "date_sort__year=2019" in drill_down and "date_sort__year=2021" in drill_down
    assert "date_sort__year=2020" not in drill_down and "date_sort__year=2023" not in drill_down


def test_the_admin_lists_cost_the_same_queries_however_many_rows_they_show(reviewer_client):
    def add_rows(count):
        for _ in range(count):
            event = EventFactory(date=on(2024, 5))
            CitationFactory(event=event)
            EventOrganisationFactory(event=event)
            EventPersonFactory(event=event)

    def queries(model):
        with CaptureQueriesContext(connection) as captured:
            assert reviewer_client.get(admin_url(model, "changelist")).status_code == 200
        return len(captured)

    models = ["events.event", "organisations.organisation", "organisations.person", "events.source"]
    add_rows(2)
    few = {model: queries(model) for model in models}
    add_rows(6)

    # Counts are subqueries of each list's one query, and the filters read no row per record.
    assert {model: queries(model) for model in models} == few
