"""Dates known to a day, a month or a year, as sources report them.

A partial date is stored as the first day of its period (``2024-03-01`` for "March 2024") beside its precision,
so that it sorts and filters with plain date comparisons; these helpers display and bound it.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class DateCertainty(models.TextChoices):
    STATED = "stated", _("Stated by the source")
    INFERRED = "inferred", _("Inferred from the source's time frame")
    NO_LATER_THAN = "no_later_than", _("No later than: the source reports it as done by then")


def period_start(value, precision):
    """The first day of the period that ``value`` falls in at ``precision``."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def period_end(value, precision):
    """The last day of the period that starts at ``value``."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    return value


def is_period_start(value, precision):
    return value == period_start(value, precision)


def validate_period_start(field, value, precision):
    """Model-level check that a stored partial date is the first day of its period, raising on ``field``."""
    if value and not is_period_start(value, precision):
        raise ValidationError(
            {field: _("A date at month or year precision is stored as the first day of its period.")},
            code="not_period_start",
        )


def iso_partial(value, precision):
    """ISO 8601 cut to the precision: ``2024-03-06``, ``2024-03`` or ``2024``."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


# One string per precision: other languages word "no later than" differently for a day, a month and a year
# (French: "au plus tard le 6 mars 2024", "au plus tard en mars 2024", "au plus tard en 2024").
NO_LATER_THAN = {
    DatePrecision.DAY: pgettext_lazy("no later than a day", "by %(date)s"),
    DatePrecision.MONTH: pgettext_lazy("no later than a month", "by %(date)s"),
    DatePrecision.YEAR: pgettext_lazy("no later than a year", "by %(date)s"),
}


def format_partial(value, precision, certainty=DateCertainty.STATED):
    """Human form at the precision: "6 March 2024", "March 2024" or "2024", qualified by its certainty."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        text = str(value.year)
    elif precision == DatePrecision.MONTH:
        text = f"{MONTHS[value.month]} {value.year}"
    else:
        # French writes the first of the month as an ordinal ("1er mars"); English keeps "1".
        day = pgettext("first day of the month", "1") if value.day == 1 else str(value.day)
        text = f"{day} {MONTHS[value.month]} {value.year}"
    if certainty == DateCertainty.NO_LATER_THAN:
        return NO_LATER_THAN.get(precision, NO_LATER_THAN[DatePrecision.DAY]) % {"date": text}
    if certainty == DateCertainty.INFERRED:
        return _("%(date)s (inferred)") % {"date": text}
    return text


def parse_iso_partial(text):
    """Read ``2024``, ``2024-03`` or ``2024-03-06`` into (first day of the period, precision); ValueError if not."""
    parts = text.strip().split("-")
    if not 1 <= len(parts) <= 3 or not all(part.isdigit() for part in parts) or len(parts[0]) != 4:
        raise ValueError(f"not a date: {text!r}")
    numbers = [int(part) for part in parts] + [1] * (3 - len(parts))
    precision = (DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY)[len(parts) - 1]
    return datetime.date(*numbers), precision
