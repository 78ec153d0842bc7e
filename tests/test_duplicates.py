"""The admin warns before a second record of the same organisation or person, and merges two into one."""

import pytest

from events.models import EventOrganisation, EventPerson
from organisations.models import Organisation, Person
from organisations.services import merge_organisations, merge_people, normalise, similar_organisations
from tests.factories import (
    AffiliationFactory,
    CitationFactory,
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.test_admin import admin_url
from tests.test_history import organisation_form

pytestmark = pytest.mark.django_db


def new_organisation_form(confirm_different="", **values):
    organisation = Organisation(kind="association", country="ML", slug="new-one", **values)
    return organisation_form(organisation, confirm_different=confirm_different)


def person_form(**overrides):
    data = {
        "name": "",
        "other_names": "",
        "description": "",
        "country": "ML",
        "slug": "new-person",
        "protection": "pseudonymised",
        "affiliations-TOTAL_FORMS": "0",
        "affiliations-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_names_that_differ_only_by_case_accents_and_spaces_normalise_alike():
    assert normalise("  Société  Civile ") == normalise("SOCIETE civile") == "societe civile"


@pytest.mark.parametrize(
    "values",
    [
        {"name": "Coalition des Défenseurs"},
        {"name": "COALITION DES DEFENSEURS"},
        {"name": "Another name entirely", "acronym": "cdd"},
        {"name": "Defenders' Coalition"},
    ],
)
def test_a_new_organisation_like_an_existing_one_is_held_back_with_a_link(reviewer_client, values):
    existing = OrganisationFactory(
        name="Coalition des défenseurs", acronym="CDD", country="ML", other_names="Defenders' Coalition"
    )

    response = reviewer_client.post(admin_url("organisations.organisation", "add"), new_organisation_form(**values))

    text = response.content.decode()
    assert response.status_code == 200
    assert "This looks like a record already in the tracker" in text
    assert admin_url("organisations.organisation", "change", existing.pk) in text
    assert "This is a different organisation" in text
    assert Organisation.objects.count() == 1


def test_the_same_acronym_in_another_country_is_no_warning():
    OrganisationFactory(name="Coalition", acronym="CDD", country="ML")

    assert similar_organisations("Something else", "CDD", "SN") == []


def test_ticking_that_it_is_a_different_organisation_saves_it(reviewer_client):
    OrganisationFactory(name="Alliance", acronym="", country="SN")

    response = reviewer_client.post(
        admin_url("organisations.organisation", "add"),
        new_organisation_form(name="Alliance", confirm_different="on"),
    )

    assert response.status_code == 302
    assert Organisation.objects.count() == 2


def test_editing_an_organisation_without_renaming_it_gives_no_warning(reviewer_client):
    OrganisationFactory(name="Alliance", country="SN")
    organisation = OrganisationFactory(name="Alliance", country="ML")

    response = reviewer_client.post(
        admin_url("organisations.organisation", "change", organisation.pk),
        organisation_form(organisation, description="Edited"),
    )

    assert response.status_code == 302


def test_a_new_person_like_an_existing_one_is_held_back(reviewer_client):
    existing = PersonFactory(name="Clément Dembélé")

    held = reviewer_client.post(admin_url("organisations.person", "add"), person_form(name="clement dembele"))
    saved = reviewer_client.post(
        admin_url("organisations.person", "add"), person_form(name="clement dembele", confirm_different="on")
    )

    assert admin_url("organisations.person", "change", existing.pk) in held.content.decode()
    assert saved.status_code == 302
    assert Person.objects.count() == 2


def test_merging_organisations_moves_events_and_affiliations_and_keeps_the_names():
    keep = OrganisationFactory(name="Coalition des défenseurs", acronym="CDD")
    other = OrganisationFactory(name="Defenders Coalition", acronym="DC", other_names="Coalition of Defenders")
    shared_event, other_event = EventFactory(), EventFactory()
    EventOrganisationFactory(event=shared_event, organisation=keep)
    EventOrganisationFactory(event=shared_event, organisation=other)  # the same link twice: one is dropped
    EventOrganisationFactory(event=other_event, organisation=other)
    citation = CitationFactory(event=other_event)
    affiliation = AffiliationFactory(organisation=other)

    other_pk = other.pk

    merge_organisations(keep, other)

    keep.refresh_from_db()
    assert not Organisation.objects.filter(pk=other_pk).exists()
    assert sorted(keep.events.values_list("pk", flat=True)) == sorted([shared_event.pk, other_event.pk])
    assert EventOrganisation.objects.filter(event=shared_event).count() == 1
    assert list(keep.affiliations.all()) == [affiliation]
    assert keep.other_names_list == ["Defenders Coalition", "Coalition of Defenders", "DC"]
    assert citation.event.organisations.get() == keep
    assert Organisation.history.filter(id=other_pk, history_type="-").exists()


def test_merging_people_moves_events_and_affiliations():
    keep, other = PersonFactory(name="Clément Dembélé"), PersonFactory(name="Clement Dembele", other_names="C. D.")
    EventPersonFactory(person=other)
    AffiliationFactory(person=other)

    merge_people(keep, other)

    assert (EventPerson.objects.get().person, keep.affiliations.count()) == (keep, 1)
    keep.refresh_from_db()
    assert keep.other_names_list == ["C. D."]  # "Clement Dembele" is the kept name without accents


def test_the_merge_action_asks_which_to_keep_then_merges(reviewer_client):
    keep, other = OrganisationFactory(name="Kept"), OrganisationFactory(name="Merged away")
    EventOrganisationFactory(organisation=other)
    url = admin_url("organisations.organisation", "changelist")
    selected = {"action": "merge", "_selected_action": [keep.pk, other.pk]}

    confirmation = reviewer_client.post(url, selected)
    reviewer_client.post(url, {**selected, "keep": keep.pk})

    assert "Choose the record to keep" in confirmation.content.decode()
    assert list(Organisation.objects.all()) == [keep]
    assert keep.event_links.count() == 1


def test_merging_needs_exactly_two_records_and_a_reviewer(reviewer_client, contributor_client):
    records = [OrganisationFactory() for _ in range(3)]
    url = admin_url("organisations.organisation", "changelist")

    reviewer_client.post(url, {"action": "merge", "_selected_action": [r.pk for r in records], "keep": records[0].pk})
    contributor_client.post(url, {"action": "merge", "_selected_action": [r.pk for r in records[:2]], "keep": 1})

    assert Organisation.objects.count() == 3
