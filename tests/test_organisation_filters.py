import pytest
from django.http import QueryDict

from events.models import EventType, Role
from organisations.filters import OrganisationFilter, PersonFilter
from organisations.models import Organisation, Person

from .factories import (
    AffiliationFactory,
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
    PublishedEventFactory,
)

pytestmark = pytest.mark.django_db


def organisations(query):
    filterset = OrganisationFilter(QueryDict(query), queryset=Organisation.objects.for_listing())
    assert filterset.is_valid(), filterset.errors
    return [organisation.name for organisation in filterset.qs]


def people(query):
    filterset = PersonFilter(QueryDict(query), queryset=Person.objects.for_listing())
    assert filterset.is_valid(), filterset.errors
    return [person.name for person in filterset.qs]


def test_organisations_filter_by_kind_country_and_text():
    OrganisationFactory(name="Parti A", kind="political_party", country="ML", acronym="PA")
    OrganisationFactory(name="Syndicat B", kind="trade_union", country="NE", other_names="Union B")
    assert organisations("kind=political_party") == ["Parti A"]
    assert organisations("kind=political_party&kind=trade_union") == ["Parti A", "Syndicat B"]
    assert organisations("country=NE") == ["Syndicat B"]
    assert organisations("q=pa") == ["Parti A"]
    assert organisations("q=union") == ["Syndicat B"]


def test_organisations_filter_by_current_status_from_published_events_only():
    dissolved = OrganisationFactory(name="Dissolved")
    EventOrganisationFactory(organisation=dissolved, event=PublishedEventFactory(event_type=EventType.DISSOLUTION))
    draft_only = OrganisationFactory(name="Dissolved only in a draft")
    EventOrganisationFactory(organisation=draft_only, event=EventFactory(event_type=EventType.DISSOLUTION))
    suspended = OrganisationFactory(name="Suspended")
    EventOrganisationFactory(organisation=suspended, event=PublishedEventFactory(event_type=EventType.SUSPENSION))

    assert organisations("status=dissolved") == ["Dissolved"]
    assert organisations("status=suspended") == ["Suspended"]
    assert organisations("status=active") == ["Dissolved only in a draft"]


def test_has_events_of_type_counts_published_events_only():
    published = OrganisationFactory(name="Banned in public")
    EventOrganisationFactory(organisation=published, event=PublishedEventFactory(event_type=EventType.ASSEMBLY_BAN))
    draft = OrganisationFactory(name="Banned in a draft")
    EventOrganisationFactory(organisation=draft, event=EventFactory(event_type=EventType.ASSEMBLY_BAN))
    assert organisations("event_type=assembly_ban") == ["Banned in public"]


def test_event_counts_count_published_events_once_each():
    organisation = OrganisationFactory()
    event = PublishedEventFactory()
    EventOrganisationFactory(organisation=organisation, event=event, role=Role.TARGET)
    EventOrganisationFactory(organisation=organisation, event=event, role=Role.OTHER)
    EventOrganisationFactory(organisation=organisation, event=EventFactory())
    assert Organisation.objects.for_listing().get().event_count == 1


def test_an_unknown_status_is_a_form_error():
    filterset = OrganisationFilter(QueryDict("status=banned"), queryset=Organisation.objects.for_listing())
    assert "status" in filterset.errors


def test_people_filter_by_organisation_role_in_events_country_and_text():
    party = OrganisationFactory(slug="party", listed=True)
    AffiliationFactory(person=PersonFactory(name="Member", country="ML"), organisation=party)
    spokesperson = PersonFactory(name="Spokesperson", country="NE", description="former minister")
    EventPersonFactory(person=spokesperson, event=PublishedEventFactory(), role=Role.SPOKESPERSON)
    only_in_draft = PersonFactory(name="Draft author", country="ML")
    EventPersonFactory(person=only_in_draft, event=EventFactory(), role=Role.AUTHOR)

    assert people("organisation=party") == ["Member"]
    assert people("role=spokesperson") == ["Spokesperson"]
    assert people("role=author") == []
    assert people("country=NE") == ["Spokesperson"]
    assert people("q=minister") == ["Spokesperson"]


def test_people_sort_by_number_of_published_events():
    busy = PersonFactory(name="Zed")
    EventPersonFactory(person=busy, event=PublishedEventFactory())
    EventPersonFactory(person=busy, event=PublishedEventFactory())
    PersonFactory(name="Abe")
    assert people("sort=-events") == ["Zed", "Abe"]
    assert people("sort=name") == ["Abe", "Zed"]
