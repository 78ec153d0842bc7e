"""The seed data in fixtures/ loads, validates and stays true to the five articles it was entered from, which the
repository holds (fixtures/sources/) and the seed keeps as its sources' copies."""

import hashlib

import pytest
from django.core.management import call_command

from events.archive import SEED_COPIES, SEED_COPIES_DIR, normalise_passage, quotes_missing_from_copies
from events.models import Citation, Event, EventOrganisation, EventPerson, EventStatus, Source, SourceCopy
from organisations.models import Affiliation, Organisation, OrganisationStatus, Person

SOURCE_TITLES = {
    1: "MALI: 'Civil society demands a return to constitutional order through free elections'",
    2: "Mali Deepens Crackdown on Civil Society",
    3: "The imperative of peace in Mali",
    4: "Civil society needs a role in Mali's security reforms",
    5: "Mali: New project makes the fight against impunity a priority",
}


def load_seed():
    call_command("seed", verbosity=0)
    assert Event.objects.exists(), "the seed command loaded nothing"


def stored_articles():
    """Each seed source's kept text, normalised as the quote check reads it."""
    return {
        source_id: normalise_passage(text)
        for source_id, text in SourceCopy.objects.exclude(text="").values_list("source", "text")
    }


def test_the_five_seed_articles_are_sources(db):
    load_seed()

    assert dict(Source.objects.filter(pk__in=SOURCE_TITLES).values_list("pk", "title")) == SOURCE_TITLES


def test_every_event_is_published_and_cited_with_a_quote(db):
    load_seed()

    events = Event.objects.prefetch_related("citations")
    assert events.count() >= 28
    for event in events:
        assert event.status == EventStatus.PUBLISHED, event
        quotes = [citation.quote for citation in event.citations.all()]
        assert quotes, f"{event} has no citation"
        assert all(quote.strip() for quote in quotes), f"{event} has a blank quote"


def test_each_seed_source_keeps_its_article_byte_for_byte(db):
    load_seed()

    for source_id, name in SEED_COPIES.items():
        copy = SourceCopy.objects.get(source=source_id)
        article = (SEED_COPIES_DIR / name).read_bytes()
        assert copy.text.encode("utf-8") == article, name
        assert copy.sha256 == hashlib.sha256(article).hexdigest(), name
        assert copy.retrieved_on is None, "the articles carry no retrieval date: none may be invented"


def test_every_quote_appears_verbatim_in_its_article(db):
    load_seed()
    articles = stored_articles()

    citations = Citation.objects.select_related("source")
    assert citations.exists()
    for citation in citations:
        assert citation.source_id in articles, f"source {citation.source} keeps no copy of its article"
        assert normalise_passage(citation.quote) in articles[citation.source_id], (
            f"citation {citation.pk} (event {citation.event_id}) is not in {SEED_COPIES[citation.source_id]}: "
            f"{citation.quote!r}"
        )


def test_the_data_quality_check_finds_every_seed_quote_in_its_copy(db):
    load_seed()

    missing, checked = quotes_missing_from_copies(limit=100)

    assert (missing, checked) == ([], len(SEED_COPIES))


@pytest.mark.parametrize(
    "model", [Organisation, Person, Affiliation, Source, SourceCopy, Event, EventOrganisation, EventPerson, Citation]
)
def test_every_seed_object_passes_model_validation(db, model):
    load_seed()

    objects = list(model.objects.all())
    assert objects
    for obj in objects:
        obj.full_clean()


def test_dissolved_organisations_stay_dissolved_and_the_suspension_of_party_activities_reaches_sadi(db):
    load_seed()

    statuses = dict(Organisation.objects.values_list("name", "status"))
    assert statuses["Association of Pupils and Students of Mali"] == OrganisationStatus.DISSOLVED
    assert statuses["Kaoural Renouveau"] == OrganisationStatus.DISSOLVED
    assert statuses["Observatory for Elections and Good Governance"] == OrganisationStatus.DISSOLVED
    assert (
        statuses["Coordination of Movements, Associations and Sympathisers of Imam Mahmoud Dicko"]
        == OrganisationStatus.DISSOLVED
    )
    assert statuses["National Youth Council"] == OrganisationStatus.DISSOLVED
    # The attempt to dissolve SADI failed; the suspension of every political party's activities reaches it.
    assert statuses["SADI"] == OrganisationStatus.SUSPENDED
    call_command("statuses", "--check", verbosity=0)


def test_the_kaoural_dissolution_date_displays_as_inferred(db):
    load_seed()

    event = Event.objects.get(organisation_links__organisation__name="Kaoural Renouveau", event_type="dissolution")
    assert str(event.date) == "28 February 2024 (inferred)"


@pytest.mark.parametrize(
    ("title", "words"),
    [
        ("Minister orders the dissolution of the student association AEEM", "between 6 March 2024 and 20 April 2024"),
        ("Military authorities ban peaceful marches", "between August 2020 and 2024"),
        ("National Youth Council dissolved", "by 2024"),
        ("Inter-Malian dialogue delivers 300 proposals", "between 26 March 2024 and May 2024"),
        ("Workshops on security sector reform for civil society, from 2020", "in or after 2020"),
    ],
)
def test_the_seed_dates_say_as_much_as_the_articles_bound_them(db, title, words):
    load_seed()

    assert str(Event.objects.get(title=title).date).removesuffix(" (inferred)") == words


def test_the_seed_sources_are_dated_by_their_bounds_and_fidh_active_by_1922(db):
    load_seed()

    assert str(Source.objects.get(pk=2).published) == "between 6 March 2024 and 2024 (inferred)"
    assert str(Source.objects.get(pk=3).published) == "31 May 2024"
    assert str(Organisation.objects.get(name="International Federation for Human Rights").founded) == "by 1922"


def test_the_ministers_claim_of_arrests_is_an_allegation_and_who_acted_is_recorded(db):
    load_seed()

    arrests = Event.objects.get(event_type="arrest")
    assert arrests.is_alleged and arrests.alleged_by == ["the minister of territorial administration"]
    aeem = Event.objects.get(title="Minister orders the dissolution of the student association AEEM")
    assert [str(organisation) for organisation in aeem.perpetrators] == [
        "Minister of Territorial Administration of Mali"
    ]
    perpetrated = EventOrganisation.objects.filter(
        organisation__name="Transitional authorities of Mali", role="perpetrator"
    )
    assert perpetrated.count() >= 8


def test_new_records_can_be_added_after_loading_the_seed(db):
    load_seed()
    highest_pk = Organisation.objects.order_by("-pk").values_list("pk", flat=True).first()

    organisation = Organisation.objects.create(name="A new association", kind="association", slug="a-new-association")
    assert organisation.pk > highest_pk
