import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from events.models import Event, EventOrganisation, EventStatus, EventType, Outcome, Role
from organisations.models import Affiliation, Organisation, OrganisationStatus
from tests.factories import (
    AffiliationFactory,
    EventFactory,
    EventOrganisationFactory,
    OrganisationFactory,
    SourceFactory,
    on,
)

pytestmark = pytest.mark.django_db


def rejected(model, pk, **values):
    """True if the database refuses to store ``values`` on the row, bypassing every form and model check."""
    try:
        with transaction.atomic():
            model.objects.filter(pk=pk).update(**values)
    except IntegrityError:
        return True
    return False


def test_organisation_names_are_unique_per_country_ignoring_case():
    OrganisationFactory(name="Kaoural Renouveau", country="ML")
    OrganisationFactory(name="Kaoural Renouveau", country="SN")

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(name="KAOURAL renouveau", country="ML")


@pytest.mark.parametrize(
    ("factory", "model", "values"),
    [
        (OrganisationFactory, Organisation, {"kind": "secret_society"}),
        (OrganisationFactory, Organisation, {"founded_earliest_precision": "week"}),
        (OrganisationFactory, Organisation, {"founded_earliest": datetime.date(2024, 1, 1)}),
        (EventFactory, Event, {"event_type": "riot"}),
        (EventFactory, Event, {"date_earliest_precision": "week"}),
        (EventFactory, Event, {"date_certainty": "rumoured"}),
        (EventFactory, Event, {"date_earliest": None, "date_earliest_precision": "", "date_latest": None}),
        (EventFactory, Event, {"date_earliest": datetime.date(2024, 4, 1)}),
        (EventFactory, Event, {"outcome": "unknown"}),
        (EventFactory, Event, {"status": "archived"}),
        (EventFactory, Event, {"end_date": datetime.date(2024, 3, 5)}),
        (EventOrganisationFactory, EventOrganisation, {"role": "bystander"}),
        (
            AffiliationFactory,
            Affiliation,
            {
                "joined_earliest": datetime.date(2024, 1, 2),
                "joined_earliest_precision": "day",
                "left_latest": datetime.date(2024, 1, 1),
                "left_latest_precision": "day",
            },
        ),
    ],
)
def test_the_database_rejects_values_outside_the_rules(factory, model, values):
    row = factory()

    assert rejected(model, row.pk, **values)


def test_the_database_accepts_an_end_date_on_or_after_the_start():
    event = EventFactory(date=on(2024, 3, 6))

    assert not rejected(Event, event.pk, end_date=datetime.date(2024, 3, 6))
    assert not rejected(Event, event.pk, end_date=datetime.date(2024, 4, 6))


def test_an_organisation_is_linked_once_per_role_in_an_event():
    link = EventOrganisationFactory(role=Role.TARGET)

    with pytest.raises(IntegrityError), transaction.atomic():
        EventOrganisationFactory(event=link.event, organisation=link.organisation, role=Role.TARGET)
    EventOrganisationFactory(event=link.event, organisation=link.organisation, role=Role.AUTHOR)


def status_of(organisation):
    """As stored, kept in step by the receivers in events/signals.py."""
    return Organisation.objects.get(pk=organisation.pk).status


def concerning(organisation, event_type, date, role=Role.TARGET, **event_fields):
    event_fields.setdefault("status", EventStatus.PUBLISHED)
    event = EventFactory(event_type=event_type, date=on(date.year, date.month, date.day), **event_fields)
    EventOrganisationFactory(event=event, organisation=organisation, role=role)
    return event


def test_an_organisation_without_events_is_active():
    assert status_of(OrganisationFactory()) == OrganisationStatus.ACTIVE


def test_the_latest_status_event_sets_the_status():
    organisation = OrganisationFactory()
    concerning(organisation, EventType.SUSPENSION, datetime.date(2023, 6, 1))
    dissolution = concerning(organisation, EventType.DISSOLUTION, datetime.date(2024, 3, 6))
    concerning(organisation, EventType.STATEMENT, datetime.date(2024, 4, 1))

    stored = Organisation.objects.get(pk=organisation.pk)
    assert stored.status == OrganisationStatus.DISSOLVED
    assert stored.status_event() == dissolution


def test_a_reinstatement_makes_a_dissolved_organisation_active_again():
    organisation = OrganisationFactory()
    concerning(organisation, EventType.DISSOLUTION, datetime.date(2024, 3, 6))
    concerning(organisation, EventType.REINSTATEMENT, datetime.date(2024, 9, 1))

    assert status_of(organisation) == OrganisationStatus.ACTIVE


def test_a_failed_attempt_does_not_change_the_status():
    organisation = OrganisationFactory()
    concerning(organisation, EventType.DISSOLUTION, datetime.date(2024, 5, 1), outcome=Outcome.ATTEMPTED)

    assert status_of(organisation) == OrganisationStatus.ACTIVE


def test_only_the_target_of_a_dissolution_is_dissolved():
    ministry = OrganisationFactory(name="Ministry")
    concerning(ministry, EventType.DISSOLUTION, datetime.date(2024, 3, 6), role=Role.PERPETRATOR)

    assert status_of(ministry) == OrganisationStatus.ACTIVE


def test_a_suspension_that_has_ended_no_longer_counts():
    organisation = OrganisationFactory()
    concerning(organisation, EventType.SUSPENSION, datetime.date(2024, 4, 10), end_date=datetime.date(2024, 7, 10))

    assert status_of(organisation) == OrganisationStatus.ACTIVE


def test_an_open_suspension_suspends():
    organisation = OrganisationFactory()
    concerning(organisation, EventType.SUSPENSION, datetime.date(2024, 4, 10))

    assert status_of(organisation) == OrganisationStatus.SUSPENDED


def test_draft_events_set_no_public_status():
    organisation = OrganisationFactory()
    concerning(organisation, EventType.DISSOLUTION, datetime.date(2024, 3, 6), status=EventStatus.DRAFT)

    assert status_of(organisation) == OrganisationStatus.ACTIVE
    assert Organisation.objects.get(pk=organisation.pk).status_event() is None
    for event in Event.objects.all():
        event.status = EventStatus.PUBLISHED
        event.save()
    assert status_of(organisation) == OrganisationStatus.DISSOLVED


def test_only_published_events_are_published():
    draft = EventFactory(status=EventStatus.DRAFT)
    published = EventFactory(status=EventStatus.PUBLISHED)
    SourceFactory()

    assert list(Event.objects.public()) == [published]
    assert draft.pk not in Event.objects.public().values_list("pk", flat=True)


def test_a_choices_label_is_said_in_the_language_asked_and_a_value_without_a_choice_as_stored():
    event = EventFactory(event_type=EventType.ARREST, outcome=Outcome.PENDING)
    link = EventOrganisationFactory(event=event, role=Role.PERPETRATOR)

    with translation.override("en"):
        assert (event.get_event_type_display(), link.get_role_display()) == ("Arrest", "Perpetrator")
    with translation.override("fr"):
        assert event.get_event_type_display() == "Arrestation"
        assert link.get_role_display() == "Responsable"
    with translation.override("en"):
        assert event.get_event_type_display() == "Arrest"
    event.event_type = "not-a-type"
    assert event.get_event_type_display() == "not-a-type"
