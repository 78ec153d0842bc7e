"""Dates as the sources bound them: each kind of interval is stored, shown in English and French, filtered and
exported as what it says."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from civicspace.dates import DateCertainty, Interval, PartialDate, interval_from_columns, interval_to_columns
from events.models import Event
from tests.factories import EventFactory, PublishedEventFactory, on

MARCH_6 = PartialDate(2024, 3, 6)

# Each kind of interval: how it is built, its first and last day, its words in English and French, its EDTF.
KINDS = {
    "a day": (
        Interval.single(MARCH_6),
        datetime.date(2024, 3, 6),
        datetime.date(2024, 3, 6),
        "6 March 2024",
        "6 mars 2024",
        "2024-03-06",
    ),
    "a month": (
        Interval.single(PartialDate(2024, 3)),
        datetime.date(2024, 3, 1),
        datetime.date(2024, 3, 31),
        "March 2024",
        "mars 2024",
        "2024-03",
    ),
    "a year": (
        Interval.single(PartialDate(2024)),
        datetime.date(2024, 1, 1),
        datetime.date(2024, 12, 31),
        "2024",
        "2024",
        "2024",
    ),
    "a range of days": (
        Interval(MARCH_6, PartialDate(2024, 4, 20)),
        datetime.date(2024, 3, 6),
        datetime.date(2024, 4, 20),
        "between 6 March 2024 and 20 April 2024",
        "entre le 6 mars 2024 et le 20 avril 2024",
        "[2024-03-06..2024-04-20]",
    ),
    "a range of a month and a year": (
        Interval(PartialDate(2020, 8), PartialDate(2024)),
        datetime.date(2020, 8, 1),
        datetime.date(2024, 12, 31),
        "between August 2020 and 2024",
        "entre août 2020 et 2024",
        "[2020-08..2024]",
    ),
    "no later than a month": (
        Interval(None, PartialDate(2024, 5)),
        None,
        datetime.date(2024, 5, 31),
        "by May 2024",
        "au plus tard en mai 2024",
        "[..2024-05]",
    ),
    "no earlier than a day": (
        Interval(MARCH_6, None),
        datetime.date(2024, 3, 6),
        None,
        "on or after 6 March 2024",
        "le 6 mars 2024 ou après",
        "[2024-03-06..]",
    ),
    "an inferred day": (
        Interval.single(MARCH_6, DateCertainty.INFERRED),
        datetime.date(2024, 3, 6),
        datetime.date(2024, 3, 6),
        "6 March 2024 (inferred)",
        "6 mars 2024 (déduite)",
        "2024-03-06?",
    ),
    "an inferred upper bound": (
        Interval(None, PartialDate(2024), DateCertainty.INFERRED),
        None,
        datetime.date(2024, 12, 31),
        "by 2024 (inferred)",
        "au plus tard en 2024 (déduite)",
        "[..2024?]",
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_interval_has_its_days_its_words_in_both_languages_and_its_edtf(kind):
    interval, first_day, last_day, english, french, edtf = KINDS[kind]
    assert (interval.first_day, interval.last_day) == (first_day, last_day)
    with translation.override("en"):
        assert str(interval) == english
    with translation.override("fr"):
        assert str(interval) == french
    assert interval.edtf() == edtf
    assert Interval.parse_edtf(edtf) == interval


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_interval_is_stored_and_read_back_as_it_was_entered(kind):
    interval = KINDS[kind][0]
    event = EventFactory(date=interval)

    stored = Event.objects.get(pk=event.pk)

    assert stored.date == interval
    assert (stored.date_earliest, stored.date_latest) == KINDS[kind][1:3]
    # Where it stands in time: its earliest day, or its latest when it has no lower bound.
    assert stored.date_sort == (KINDS[kind][1] or KINDS[kind][2])


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_interval_is_exported_with_its_bounds_and_edtf(client, kind):
    interval, first_day, last_day, english, _french, edtf = KINDS[kind]
    PublishedEventFactory(date=interval)

    row = next(csv.DictReader(io.StringIO(b"".join(client.get("/events.csv").streaming_content).decode("utf-8-sig"))))
    record = client.get("/events.json").json()["results"][0]

    expected = (first_day.isoformat() if first_day else "", last_day.isoformat() if last_day else "", edtf)
    assert (row["date_earliest"], row["date_latest"], row["date_edtf"]) == expected
    date = record["date"]
    assert (date["earliest"] or "", date["latest"] or "", date["edtf"]) == expected
    assert (date["earliest_precision"], date["latest_precision"], date["certainty"]) == (
        interval.earliest.precision if interval.earliest else None,
        interval.latest.precision if interval.latest else None,
        interval.certainty,
    )
    assert row["date"] == interval.main.iso()
    assert english in client.get("/events/").content.decode()


# Which ranges each kind matches: a range matches whatever overlaps it, an open bound reaching as far as it can.
ON_MARCH_6 = {"a day", "an inferred day", "a range of days", "no earlier than a day"}
REACHING_BACK = {"no later than a month", "an inferred upper bound"}
FILTERS = {
    "from=2024-03-10": {"a month", "a year", "a range of days", "a range of a month and a year", *REACHING_BACK,
                        "no earlier than a day"},
    "to=2024-03-05": {"a month", "a year", "a range of a month and a year", *REACHING_BACK},
    "from=2024-03-06&to=2024-03-06": {*ON_MARCH_6, "a month", "a year", "a range of a month and a year",
                                      *REACHING_BACK},
    "from=2024-06&to=2024-12": {"a year", "a range of a month and a year", "no earlier than a day",
                                "an inferred upper bound"},
    "from=2021&to=2021": {"a range of a month and a year", *REACHING_BACK},
    "from=2025": {"no earlier than a day"},
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("query", FILTERS)
def test_each_kind_of_interval_matches_the_ranges_it_overlaps(client, query):
    for kind, (interval, *_rest) in KINDS.items():
        PublishedEventFactory(title=kind, date=interval)

    rows = csv.DictReader(io.StringIO(b"".join(client.get(f"/events.csv?{query}").streaming_content).decode()))

    assert {row["title"] for row in rows} == FILTERS[query]


def test_an_interval_needs_a_bound_and_its_bounds_in_order():
    with pytest.raises(ValueError):
        Interval(None, None)
    with pytest.raises(ValueError):
        Interval(PartialDate(2024, 5), PartialDate(2024, 4))
    with pytest.raises(ValueError):
        PartialDate(2024, 2, 30)


@pytest.mark.parametrize(
    "text", ["", "24", "2024-13", "2024-02-30", "2024/03", "march", "[2024..", "[..]", "[2024?..2025]"]
)
def test_malformed_dates_are_refused(text):
    with pytest.raises(ValueError):
        Interval.parse_edtf(text)


def test_columns_and_intervals_convert_both_ways():
    for interval, *_rest in KINDS.values():
        assert interval_from_columns(*interval_to_columns(interval)) == interval
    assert interval_from_columns(*interval_to_columns(None)) is None


@pytest.mark.django_db
def test_the_timeline_order_puts_a_year_after_the_months_it_contains_newest_first():
    year = EventFactory(title="year", date=on(2024))
    month = EventFactory(title="month", date=on(2024, 1))
    day = EventFactory(title="day", date=on(2024, 1, 1))
    by_may = EventFactory(title="by May", date=Interval(None, PartialDate(2024, 5)))
    earlier = EventFactory(title="earlier", date=on(2023, 12, 20))

    assert list(Event.objects.timeline(newest_first=False)) == [earlier, year, month, day, by_may]
    assert list(Event.objects.timeline()) == [by_may, day, month, year, earlier]


@pytest.mark.django_db
def test_model_validation_refuses_columns_that_are_not_the_edges_of_their_periods():
    event = EventFactory.build(date=Interval.single(PartialDate(2024, 3)))
    event.date_earliest = datetime.date(2024, 3, 6)

    with pytest.raises(ValidationError) as refused:
        event.full_clean(exclude=["country"])

    assert "first or last day of its period" in str(refused.value.message_dict["date_earliest"])
