import datetime

import pytest
from django.core.exceptions import ValidationError

from civicspace.dates import (
    DateCertainty,
    DatePrecision,
    format_partial,
    is_period_start,
    iso_partial,
    parse_iso_partial,
    period_end,
    period_start,
)
from events.models import Event
from tests.factories import EventFactory

MARCH_6 = datetime.date(2024, 3, 6)


@pytest.mark.parametrize(
    ("value", "precision", "text", "iso"),
    [
        (MARCH_6, DatePrecision.DAY, "6 March 2024", "2024-03-06"),
        (datetime.date(2024, 3, 1), DatePrecision.MONTH, "March 2024", "2024-03"),
        (datetime.date(2024, 1, 1), DatePrecision.YEAR, "2024", "2024"),
    ],
)
def test_a_date_is_shown_at_its_precision(value, precision, text, iso):
    assert format_partial(value, precision) == text
    assert iso_partial(value, precision) == iso


def test_certainty_qualifies_the_displayed_date():
    assert format_partial(MARCH_6, DatePrecision.DAY, DateCertainty.INFERRED) == "6 March 2024 (inferred)"
    assert format_partial(datetime.date(2024, 5, 1), DatePrecision.MONTH, DateCertainty.NO_LATER_THAN) == (
        "by May 2024"
    )


def test_periods_have_a_first_and_last_day():
    assert period_start(MARCH_6, DatePrecision.MONTH) == datetime.date(2024, 3, 1)
    assert period_end(datetime.date(2024, 2, 1), DatePrecision.MONTH) == datetime.date(2024, 2, 29)
    assert period_end(datetime.date(2024, 1, 1), DatePrecision.YEAR) == datetime.date(2024, 12, 31)
    assert is_period_start(datetime.date(2024, 3, 1), DatePrecision.MONTH)
    assert not is_period_start(MARCH_6, DatePrecision.MONTH)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", (datetime.date(2024, 1, 1), DatePrecision.YEAR)),
        ("2024-03", (datetime.date(2024, 3, 1), DatePrecision.MONTH)),
        ("2024-03-06", (MARCH_6, DatePrecision.DAY)),
    ],
)
def test_iso_partial_dates_are_read_back(text, expected):
    assert parse_iso_partial(text) == expected


@pytest.mark.parametrize("text", ["", "24", "2024-13", "2024-02-30", "2024/03", "march", "2024-03-06-01"])
def test_malformed_partial_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_iso_partial(text)


@pytest.mark.django_db
def test_a_month_precision_event_sorts_before_the_days_of_that_month():
    year = EventFactory(title="year", date=datetime.date(2024, 1, 1), date_precision=DatePrecision.YEAR)
    month = EventFactory(title="month", date=datetime.date(2024, 3, 1), date_precision=DatePrecision.MONTH)
    day = EventFactory(title="day", date=MARCH_6)
    earlier = EventFactory(title="earlier", date=datetime.date(2023, 12, 20))

    assert list(Event.objects.timeline(newest_first=False)) == [earlier, year, month, day]
    assert list(Event.objects.all()) == [day, month, year, earlier]


@pytest.mark.django_db
def test_model_validation_refuses_a_partial_date_that_is_not_the_start_of_its_period():
    event = EventFactory.build(date=MARCH_6, date_precision=DatePrecision.MONTH)

    with pytest.raises(ValidationError) as refused:
        event.full_clean(exclude=["country"])

    assert "stored as the first day of its period" in str(refused.value.message_dict["date"])
