"""The seed data in fixtures/ loads, validates and stays true to the five articles it was entered from."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from events.models import Citation, Event, EventOrganisation, EventPerson, EventStatus, Source
from organisations.models import Affiliation, Organisation, OrganisationStatus, Person

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
# CI checks the project out with shared/ beside the clone.
SEEDS_DIR = Path(settings.BASE_DIR).parent / "shared" / "seeds"

ARTICLE_FILES = {
    1: "000_ab2687037a93b3fb.txt",
    2: "001_3216949969716a20.txt",
    3: "002_cc8c616e90e0e06a.txt",
    4: "003_6cb9664a60edcfc7.txt",
    5: "004_c220886dd389068f.txt",
}
SOURCE_TITLES = {
    1: "MALI: 'Civil society demands a return to constitutional order through free elections'",
    2: "Mali Deepens Crackdown on Civil Society",
    3: "The imperative of peace in Mali",
    4: "Civil society needs a role in Mali's security reforms",
    5: "Mali: New project makes the fight against impunity a priority",
}
QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def load_seed():
    fixtures = sorted(str(path) for path in FIXTURES_DIR.glob("*.json"))
    assert fixtures, f"no fixtures found in {FIXTURES_DIR}"
    call_command("loaddata", *fixtures, verbosity=0)


def normalise(text):
    """Only whitespace and curly/straight quotes are allowed to differ between a quote and its article."""
    return re.sub(r"\s+", " ", text.translate(QUOTE_MARKS)).strip()


def read_articles():
    assert SEEDS_DIR.is_dir(), (
        f"The seed articles are missing: expected them in {SEEDS_DIR} (shared/seeds beside the project checkout)."
    )
    articles = {}
    for pk, name in ARTICLE_FILES.items():
        path = SEEDS_DIR / name
        assert path.is_file(), f"Seed article {name} for source {pk} is missing from {SEEDS_DIR}."
        articles[pk] = normalise(path.read_text(encoding="utf-8"))
    return articles


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


def test_every_quote_appears_verbatim_in_its_article(db):
    load_seed()
    articles = read_articles()

    citations = Citation.objects.select_related("source")
    assert citations.exists()
    for citation in citations:
        assert citation.source_id in articles, f"no article file is mapped for source {citation.source}"
        assert normalise(citation.quote) in articles[citation.source_id], (
            f"citation {citation.pk} (event {citation.event_id}) is not in {ARTICLE_FILES[citation.source_id]}: "
            f"{citation.quote!r}"
        )


@pytest.mark.parametrize(
    "model", [Organisation, Person, Affiliation, Source, Event, EventOrganisation, EventPerson, Citation]
)
def test_every_seed_object_passes_model_validation(db, model):
    load_seed()

    objects = list(model.objects.all())
    assert objects
    for obj in objects:
        obj.full_clean()


def test_dissolved_organisations_have_the_dissolved_status_and_sadi_stays_active(db):
    load_seed()

    statuses = dict(Organisation.objects.with_status().values_list("name", "status"))
    assert statuses["Association of Pupils and Students of Mali"] == OrganisationStatus.DISSOLVED
    assert statuses["Kaoural Renouveau"] == OrganisationStatus.DISSOLVED
    assert statuses["Observatory for Elections and Good Governance"] == OrganisationStatus.DISSOLVED
    assert (
        statuses["Coordination of Movements, Associations and Sympathisers of Imam Mahmoud Dicko"]
        == OrganisationStatus.DISSOLVED
    )
    assert statuses["National Youth Council"] == OrganisationStatus.DISSOLVED
    assert statuses["SADI"] == OrganisationStatus.ACTIVE


def test_the_kaoural_dissolution_date_displays_as_inferred(db):
    load_seed()

    event = Event.objects.get(organisation_links__organisation__name="Kaoural Renouveau", event_type="dissolution")
    assert event.date_display == "28 February 2024 (inferred)"


def test_new_records_can_be_added_after_loading_the_seed(db):
    load_seed()
    highest_pk = Organisation.objects.order_by("-pk").values_list("pk", flat=True).first()

    organisation = Organisation.objects.create(name="A new association", kind="association", slug="a-new-association")
    assert organisation.pk > highest_pk
