"""An organisation's status (active, suspended, dissolved), derived from the published events that target it.

A measure targets an organisation by name (a link with the role *target*) or as a member of a group (every
political party in the event's country: ``Event.target_kind``). Only carried-out dissolutions, suspensions and
reinstatements count, in the order they happened: a dissolution stands until a reinstatement, a suspension does not
revive a dissolved organisation, and a suspension whose end date has passed no longer counts.

The result is stored on the organisation (``status``, ``status_event_id``, ``status_until``), a cache that
``refresh_statuses()`` recomputes and that the code changing events, their links or organisations calls. Storing it
makes ``?status=`` an indexed filter at any size; ``manage.py statuses --check`` verifies it against a fresh
derivation, and a suspension that ends is picked up by ``refresh_expired_statuses()``, which the public views call.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from civicspace.facets import bump_data_version
from civicspace.vocabulary import Outcome, Role
from events.models import Event, EventOrganisation, EventStatus
from organisations.models import STATUS_BY_EVENT_TYPE, Organisation, OrganisationStatus

NEVER = datetime.date.max
# The organisation's columns that hold the derived status.
STORED = ["status", "status_event_id", "status_until"]


@dataclass(frozen=True)
class Measure:
    """What the derivation needs of one event."""

    pk: int
    event_type: str
    date_sort: datetime.date
    date_latest: datetime.date | None
    end_date: datetime.date | None

    @property
    def order(self):
        # As the timeline places it; of two that start on the same day, the narrower first.
        return (self.date_sort, self.date_latest or NEVER, self.pk)


def derive(measures, today):
    """(status, event pk or None, until) from the measures that target one organisation.

    ``until`` is the end date of the suspension that decides the status, after which it must be derived again.
    """
    status, deciding = OrganisationStatus.ACTIVE, None
    for measure in sorted(measures, key=lambda measure: measure.order):
        new_status = STATUS_BY_EVENT_TYPE[measure.event_type]
        if measure.end_date is not None and measure.end_date < today:
            continue  # a suspension (or any measure) that has ended
        if new_status == OrganisationStatus.SUSPENDED and status == OrganisationStatus.DISSOLVED:
            continue
        status, deciding = new_status, measure
    if deciding is None:
        return OrganisationStatus.ACTIVE, None, None
    return status, deciding.pk, deciding.end_date


MEASURE_FIELDS = ["pk", "event_type", "date_sort", "date_latest", "end_date"]


# The events that can set a status: published, carried out, of a status-changing type.
COUNTING = {
    "status": EventStatus.PUBLISHED,
    "outcome": Outcome.CARRIED_OUT,
    "event_type__in": list(STATUS_BY_EVENT_TYPE),
}
# Past this many organisations, their links are read whole and sorted out here: a list of ids this long in the query
# would have SQLite look up every event against every id.
MANY_ORGANISATIONS = 1000


def counting_events():
    return Event.objects.filter(**COUNTING)


def measures_by_organisation(organisations):
    """{organisation pk: [Measure]} for ``organisations`` (a queryset): named targets, then group targets."""
    found = {pk: [] for pk in organisations.values_list("pk", flat=True)}
    # A join on the events rather than an IN (subquery): read from the links' side, one event lookup per link.
    named = EventOrganisation.objects.filter(
        role=Role.TARGET, **{f"event__{key}": value for key, value in COUNTING.items()}
    )
    if len(found) <= MANY_ORGANISATIONS:
        named = named.filter(organisation_id__in=list(found))
    for organisation_pk, *values in named.order_by().values_list(
        "organisation_id", *(f"event__{field}" for field in MEASURE_FIELDS)
    ):
        if organisation_pk in found:
            found[organisation_pk].append(Measure(*values))
    groups = counting_events().exclude(target_kind="").values_list("target_kind", "country", *MEASURE_FIELDS)
    by_group = {}
    for kind, country, *values in groups:
        by_group.setdefault((kind, country), []).append(Measure(*values))
    if by_group:
        for pk, kind, country in organisations.values_list("pk", "kind", "country"):
            found[pk].extend(by_group.get((kind, country), []))
    return found


def derived_statuses(organisations, today=None):
    """{organisation pk: (status, event pk, until)} derived afresh for ``organisations``."""
    today = today or timezone.localdate()
    return {pk: derive(set(measures), today) for pk, measures in measures_by_organisation(organisations).items()}


def refresh_statuses(organisations=None, today=None):
    """Store the derived status of ``organisations`` (a queryset; all by default); returns how many changed.

    Written with ``bulk_update``: a derived cache is neither an edit (no history, no new version) nor a reason to
    refuse an editor's open form as stale.
    """
    organisations = Organisation.objects.all() if organisations is None else organisations
    derived = derived_statuses(organisations, today)
    changed = []
    for organisation in Organisation.objects.filter(pk__in=list(derived)).only(*STORED):
        values = derived[organisation.pk]
        if (organisation.status, organisation.status_event_id, organisation.status_until) != values:
            organisation.status, organisation.status_event_id, organisation.status_until = values
            changed.append(organisation)
    Organisation.objects.bulk_update(changed, STORED, batch_size=500)
    if changed:
        bump_data_version()  # counts by status kept in the cache (a suspension that ended, which no write announced)
    return len(changed)


def refresh_expired_statuses(today=None):
    """Derive again the statuses decided by a suspension that has since ended (one indexed query when none has)."""
    today = today or timezone.localdate()
    expired = Organisation.objects.filter(status_until__lt=today)
    if expired.exists():
        refresh_statuses(expired, today)


def organisations_concerned(events):
    """The organisations whose status ``events`` (a queryset) can change: targeted by name or as a group."""
    named = Q(pk__in=EventOrganisation.objects.filter(event__in=events, role=Role.TARGET).values("organisation"))
    groups = Q()
    for kind, country in events.exclude(target_kind="").values_list("target_kind", "country").distinct():
        groups |= Q(kind=kind, country=country)
    return Organisation.objects.filter(named | groups) if groups else Organisation.objects.filter(named)
