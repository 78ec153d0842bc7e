"""How many published events share a type, a country, an outcome and the months of their dates (``EventTally``).

A derived cache for the events lists' first requests. Their chart, their count and their facets' counts each count
every matching event; at a million events that took 0.5-1.5 s each time the public data changed (bench/RESULTS.md).
When a list filters by nothing but type, country, outcome and whole months, those numbers are sums over the tally
instead, whose rows are as many as the distinct combinations the data holds (a few thousand), not the events.

The list's own filters are applied to the tally (its fields bear the events' names), so each filter's rule is
defined once. ``events/signals.py`` keeps it in step on every save of an event that is or was published; bulk loads
and ``manage.py event_counts`` rebuild it whole, and ``manage.py event_counts --check`` compares it with the events.
"""

import calendar

from django.db import transaction
from django.db.models import Count, DateField, Max, Min, Sum
from django.db.models.functions import Coalesce

from civicspace.charts import MonthStart
from civicspace.pagination import Count as ResultCount

from .models import Event, EventTally

# The fields the tally groups by as they are, and the dates it keeps as the first day of their month.
TALLIED_FIELDS = ("event_type", "country", "outcome")
MONTH_FIELDS = ("date_earliest", "date_latest", "end_date")
# The list filters that the tally answers exactly (by their names in the FilterSet), and those that change no count.
TALLIED_FILTERS = {"type", "country", "outcome", "from", "to"}
ORDER_FILTERS = {"sort", "order"}


def fresh_tally(events, tally_model=EventTally):
    """Tally rows (unsaved) counting ``events``, which must be published ones: one grouped query. A parameter, so that
    the migration that creates the table fills it with the models of its time."""
    months = {f"{field}_month": MonthStart(field) for field in MONTH_FIELDS}
    grouped = events.order_by().values(*TALLIED_FIELDS, **months).annotate(number=Count("pk"))
    return [
        tally_model(
            **{field: row[field] for field in TALLIED_FIELDS},
            **{field: row[f"{field}_month"] for field in MONTH_FIELDS},
            events=row["number"],
        )
        for row in grouped
    ]


def month_start(day):
    """The first day of ``day``'s month; ``day`` as a model field may hold it (a date, or the text a form or a program
    assigned before saving)."""
    day = DAY.to_python(day)
    return day.replace(day=1) if day else None


DAY = DateField()


def tally_key(values):
    """The tally row an event with ``values`` (a mapping of the tallied fields and dates) is counted in."""
    return (
        *(str(values[field]) for field in TALLIED_FIELDS),
        *(month_start(values[field]) for field in MONTH_FIELDS),
    )


def tally_key_of(event):
    """The tally row ``event`` (an instance, its fields as assigned) is counted in; a deferred field is read."""
    return tally_key({field: getattr(event, field) for field in (*TALLIED_FIELDS, *MONTH_FIELDS)})


def stored_key(event_pk):
    """The tally key of the event as stored, or None unless it is published."""
    values = Event.objects.public().filter(pk=event_pk).values(*TALLIED_FIELDS, *MONTH_FIELDS).first()
    return tally_key(values) if values is not None else None


def key_filters(key):
    """(lookups for the tally rows of ``key``, lookups for the events counted in them)."""
    named = dict(zip(TALLIED_FIELDS, key, strict=False))
    rows, events = dict(named), dict(named)
    for field, month in zip(MONTH_FIELDS, key[len(TALLIED_FIELDS) :], strict=True):
        if month is None:
            rows[f"{field}__isnull"] = events[f"{field}__isnull"] = True
        else:
            rows[field] = month
            events |= {f"{field}__gte": month, f"{field}__lte": month_end(month)}
    return rows, events


@transaction.atomic
def refresh_tally(keys=None):
    """Count again the published events of the tally rows ``keys`` (every row when None)."""
    if keys is None:
        EventTally.objects.all().delete()
        EventTally.objects.bulk_create(fresh_tally(Event.objects.public()))
        return
    for key in set(keys) - {None}:
        rows, events = key_filters(key)
        EventTally.objects.filter(**rows).delete()
        EventTally.objects.bulk_create(fresh_tally(Event.objects.public().filter(**events)))


def tally_out_of_step():
    """[(key, stored count, fresh count)] for every tally row that differs from the published events."""

    def counted(rows):
        return {tally_key(vars(row)): row.events for row in rows}

    stored, fresh = counted(EventTally.objects.all()), counted(fresh_tally(Event.objects.public()))
    return [
        (key, stored.get(key, 0), fresh.get(key, 0))
        for key in sorted(stored.keys() | fresh.keys(), key=str)
        if stored.get(key, 0) != fresh.get(key, 0)
    ]


def tally_of(filterset):
    """(tally rows, whether they count exactly the events ``filterset`` keeps), or (None, False) when it is not valid.

    The rows apply the filters the tally can answer; a filter it cannot (a word, an organisation...) or a date range
    that does not fall on whole months is left out, so that the rows still count every event kept, and more."""
    if filterset.is_bound and not filterset.is_valid():
        return None, False
    rows, exact = EventTally.objects.all(), True
    for name, value in (filterset.form.cleaned_data if filterset.is_bound else {}).items():
        if value in (None, "", []) or name in ORDER_FILTERS:
            continue
        whole_months = (name != "from" or value.first_day().day == 1) and (
            name != "to" or value.last_day() == month_end(value.last_day())
        )
        if name not in TALLIED_FILTERS or not whole_months:
            exact = False
            continue
        rows = filterset.filters[name].filter(rows, value)
    return rows, exact


def tallied(filterset):
    """The tally rows that count the events ``filterset`` keeps, or None when it is not valid, or uses a filter the
    tally cannot answer (a word, an organisation...) or a date range that does not fall on whole months."""
    rows, exact = tally_of(filterset)
    return rows if exact else None


def tallied_chart(rows):
    """``civicspace.charts.dated_counts`` from tally rows: [(earliest month, latest month, type, events)]."""
    grouped = rows.order_by().values_list("date_earliest", "date_latest", "event_type").annotate(number=Sum("events"))
    return [tuple(row) for row in grouped]


def tallied_counts(rows, field):
    """{value of ``field``: events} from tally rows, as ``civicspace.facets.facet_counts`` counts them."""
    return dict(rows.order_by().values_list(field).annotate(number=Sum("events")).values_list(field, "number"))


def tallied_span(rows):
    """(first day, last day) of the months the events the rows count stand on (``Event.date_sort``), or () when they
    count none."""
    stands = Coalesce("date_earliest", "date_latest")
    span = rows.aggregate(total=Sum("events"), first=Min(stands), last=Max(stands))
    if not span["total"]:
        return ()
    return span["first"], month_end(span["last"])


def month_end(day):
    """The last day of ``day``'s month (computed without passing it: the 31st of December 9999 is the last day)."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def tallied_count(rows):
    """The number of events the rows count, exactly."""
    return ResultCount(rows.aggregate(total=Sum("events"))["total"] or 0, True)
