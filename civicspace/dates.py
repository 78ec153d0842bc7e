"""Dates as the sources bound them: the earliest and the latest day something can have happened.

Sources often give only "March 2024", "in 2022", "by May 2024" or "between 6 March and 20 April". Each date is
stored as an interval: its earliest day (or none, when the sources give no lower bound) and its latest day (or none,
when they give no upper bound), each with the precision it was given at (day, month or year), and a certainty:
stated by the source, or inferred from its time frame. "6 March 2024", "March 2024" and "2024" are intervals of a
day, a month and a year; they sort and filter as plain dates, and are shown and exported as what they say.

``interval_fields()`` declares the five columns of one such date on a model, ``IntervalAttribute`` reads and writes
them as one ``Interval``, ``interval_constraints()`` keeps them consistent in the database, and ``overlapping()``
is the filter every list uses.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.dates import MONTHS
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class DateCertainty(models.TextChoices):
    STATED = "stated", _("Stated by the source")
    INFERRED = "inferred", _("Inferred from the source's time frame")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A day, a month or a year: the date as far as a source gives it."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        # Raises ValueError for a day that does not exist (30 February) or a month out of range.
        datetime.date(self.year, self.month or 1, self.day or 1)

    @classmethod
    def of(cls, value, precision):
        """The partial date that ``value`` (any day within it) falls in at ``precision``."""
        if precision == DatePrecision.YEAR:
            return cls(value.year)
        if precision == DatePrecision.MONTH:
            return cls(value.year, value.month)
        return cls(value.year, value.month, value.day)

    @property
    def precision(self):
        if self.day is not None:
            return DatePrecision.DAY
        return DatePrecision.MONTH if self.month is not None else DatePrecision.YEAR

    def first_day(self):
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def last_day(self):
        if self.day is not None:
            return self.first_day()
        if self.month is not None:
            return datetime.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return datetime.date(self.year, 12, 31)

    def iso(self):
        """ISO 8601 cut to the precision: ``2024-03-06``, ``2024-03`` or ``2024``."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def words(self):
        """ "6 March 2024", "March 2024" or "2024", in the active language."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MONTHS[self.month]} {self.year}"
        # French writes the first of the month as an ordinal ("1er mars"); English keeps "1".
        day = pgettext("first day of the month", "1") if self.day == 1 else str(self.day)
        return f"{day} {MONTHS[self.month]} {self.year}"

    @classmethod
    def parse(cls, text):
        """Read ``2024``, ``2024-03`` or ``2024-03-06``; ValueError if it is not one of them."""
        match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text.strip())
        if not match:
            raise ValueError(f"not a date: {text!r}")
        return cls(*(int(part) if part else None for part in match.groups()))


# Whole sentences per precision: other languages word them differently for a day, a month and a year (French: "au
# plus tard le 6 mars 2024", "au plus tard en mars 2024", "entre le 6 mars et 2024").
NO_LATER_THAN = {
    DatePrecision.DAY: pgettext_lazy("no later than a day", "by %(date)s"),
    DatePrecision.MONTH: pgettext_lazy("no later than a month", "by %(date)s"),
    DatePrecision.YEAR: pgettext_lazy("no later than a year", "by %(date)s"),
}
NO_EARLIER_THAN = {
    DatePrecision.DAY: pgettext_lazy("no earlier than a day", "on or after %(date)s"),
    DatePrecision.MONTH: pgettext_lazy("no earlier than a month", "in or after %(date)s"),
    DatePrecision.YEAR: pgettext_lazy("no earlier than a year", "in or after %(date)s"),
}
RANGE_BOUND = {
    DatePrecision.DAY: pgettext_lazy("a day as one end of a range", "%(date)s"),
    DatePrecision.MONTH: pgettext_lazy("a month as one end of a range", "%(date)s"),
    DatePrecision.YEAR: pgettext_lazy("a year as one end of a range", "%(date)s"),
}
BETWEEN = _("between %(earliest)s and %(latest)s")
INFERRED = _("%(date)s (inferred)")


@dataclass(frozen=True)
class Interval:
    """When something happened, as far as the sources bound it: ``earliest`` and ``latest`` are partial dates, or
    None where the sources give no bound. A single partial date is an interval whose two ends are the same."""

    earliest: PartialDate | None
    latest: PartialDate | None
    certainty: str = DateCertainty.STATED

    def __post_init__(self):
        if self.earliest is None and self.latest is None:
            raise ValueError("an interval needs at least one bound")
        if self.earliest and self.latest and self.earliest.first_day() > self.latest.last_day():
            raise ValueError("the earliest bound is after the latest")

    @classmethod
    def single(cls, partial, certainty=DateCertainty.STATED):
        return cls(partial, partial, certainty)

    @property
    def is_single(self):
        return self.earliest == self.latest

    @property
    def is_approximate(self):
        """True unless a source states the date as one day, month or year."""
        return not self.is_single or self.certainty == DateCertainty.INFERRED

    @property
    def first_day(self):
        return self.earliest.first_day() if self.earliest else None

    @property
    def last_day(self):
        return self.latest.last_day() if self.latest else None

    @property
    def position(self):
        """The day it is placed at in time: its earliest possible, or its latest when it has no lower bound."""
        return self.first_day or self.last_day

    @property
    def main(self):
        """The one partial date that stands for it where only one fits (the CSV's ``date``): the lower bound, or
        the upper one when there is none."""
        return self.earliest or self.latest

    @property
    def iso(self):
        """The ISO date of ``main``, for a ``<time datetime>`` attribute (which cannot hold a range)."""
        return self.main.iso()

    def words(self):
        """In words, in the active language: "6 March 2024", "by May 2024", "between August 2020 and 2024"..."""
        if self.is_single:
            text = self.earliest.words()
        elif self.earliest is None:
            text = NO_LATER_THAN[self.latest.precision] % {"date": self.latest.words()}
        elif self.latest is None:
            text = NO_EARLIER_THAN[self.earliest.precision] % {"date": self.earliest.words()}
        else:
            text = BETWEEN % {
                "earliest": RANGE_BOUND[self.earliest.precision] % {"date": self.earliest.words()},
                "latest": RANGE_BOUND[self.latest.precision] % {"date": self.latest.words()},
            }
        return INFERRED % {"date": text} if self.certainty == DateCertainty.INFERRED else text

    def edtf(self):
        """The Library of Congress Extended Date/Time Format: ``2024-03``, ``[2024-03-06..2024-04-20]``,
        ``[..2024-05]``, ``[2024-03-06..]``, each date followed by ``?`` when inferred."""
        mark = "?" if self.certainty == DateCertainty.INFERRED else ""
        if self.is_single:
            return self.earliest.iso() + mark
        earliest = self.earliest.iso() + mark if self.earliest else ""
        latest = self.latest.iso() + mark if self.latest else ""
        return f"[{earliest}..{latest}]"

    @classmethod
    def parse_edtf(cls, text):
        """Read what ``edtf()`` writes; ValueError for anything else."""
        text = text.strip()
        range_match = re.fullmatch(r"\[([^.\]]*)\.\.([^.\]]*)\]", text)
        parts = range_match.groups() if range_match else (text, text)
        marks = {part.endswith("?") for part in parts if part}
        if len(marks) != 1:
            raise ValueError(f"not an EDTF date or range: {text!r}")
        certainty = DateCertainty.INFERRED if marks.pop() else DateCertainty.STATED
        bounds = [PartialDate.parse(part.removesuffix("?")) if part else None for part in parts]
        return cls(*bounds, certainty)

    def __str__(self):
        return str(self.words())


# Exports read a date for each row, in date order, so the same few come again and again: kept, not computed anew
# (Intervals are frozen, so one may be shared). A few thousand are a few hundred kilobytes.
DATES_KEPT = 4096


@lru_cache(maxsize=DATES_KEPT)
def interval_cells(interval):
    """The export's cells for an interval (blank for an unknown date): its earliest and latest days as ISO dates
    (blank where open) and its EDTF form."""
    if interval is None:
        return ("", "", "")
    return (
        interval.first_day.isoformat() if interval.first_day else "",
        interval.last_day.isoformat() if interval.last_day else "",
        interval.edtf(),
    )


def interval_json(interval):
    """An interval in the JSON exports (None for an unknown date): its earliest and latest days as ISO dates (None
    where open), the precision each was given at, its certainty and its EDTF form."""
    if interval is None:
        return None
    return {
        "earliest": interval.first_day.isoformat() if interval.first_day else None,
        "earliest_precision": interval.earliest.precision.value if interval.earliest else None,
        "latest": interval.last_day.isoformat() if interval.last_day else None,
        "latest_precision": interval.latest.precision.value if interval.latest else None,
        "certainty": str(interval.certainty),
        "edtf": interval.edtf(),
    }


def popolo_date(interval):
    """A date as Popolo writes one (``2024``, ``2024-03`` or ``2024-03-06``), or None unless the interval is a single
    day, month or year: a range has no such form."""
    return interval.earliest.iso() if interval is not None and interval.is_single else None


# Model support: one interval is five columns named after a prefix (``date_earliest``, ``date_earliest_precision``,
# ``date_latest``, ``date_latest_precision``, ``date_certainty``).


def interval_fields(label):
    """The five fields of an interval, to unpack into a model in the order ``PARTS`` names them."""
    precision = {"max_length": 5, "choices": DatePrecision.choices, "blank": True}
    return (
        models.DateField(
            format_lazy(_("{label}: earliest day"), label=label),
            null=True,
            blank=True,
            help_text=_("Empty when the sources give no lower bound."),
        ),
        models.CharField(format_lazy(_("{label}: precision of the earliest"), label=label), **precision),
        models.DateField(
            format_lazy(_("{label}: latest day"), label=label),
            null=True,
            blank=True,
            help_text=_("Empty when the sources give no upper bound."),
        ),
        models.CharField(format_lazy(_("{label}: precision of the latest"), label=label), **precision),
        models.CharField(
            format_lazy(_("{label}: certainty"), label=label),
            max_length=10,
            choices=DateCertainty.choices,
            default=DateCertainty.STATED,
        ),
    )


PARTS = ("earliest", "earliest_precision", "latest", "latest_precision", "certainty")


def interval_constraints(prefix, name, required=True):
    """Database rules for the interval ``prefix`` of a model whose constraint names start with ``name``: a bound
    and its precision come together, precisions and certainties are known values, the earliest is not after the
    latest, and a required interval has at least one bound."""
    earliest, latest = f"{prefix}_earliest", f"{prefix}_latest"
    rules = [
        models.CheckConstraint(
            condition=Q(**{f"{earliest}__isnull": True, f"{earliest}_precision": ""})
            | (Q(**{f"{earliest}__isnull": False, f"{earliest}_precision__in": DatePrecision.values})),
            name=f"{name}_{prefix}_earliest_has_precision",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{latest}__isnull": True, f"{latest}_precision": ""})
            | (Q(**{f"{latest}__isnull": False, f"{latest}_precision__in": DatePrecision.values})),
            name=f"{name}_{prefix}_latest_has_precision",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{earliest}__isnull": True})
            | Q(**{f"{latest}__isnull": True})
            | Q(**{f"{latest}__gte": models.F(earliest)}),
            name=f"{name}_{prefix}_earliest_before_latest",
            violation_error_message=_("The earliest day cannot be after the latest."),
        ),
        models.CheckConstraint(
            condition=Q(**{f"{prefix}_certainty__in": DateCertainty.values}),
            name=f"{name}_{prefix}_certainty_valid",
        ),
    ]
    if required:
        rules.append(
            models.CheckConstraint(
                condition=Q(**{f"{earliest}__isnull": False}) | Q(**{f"{latest}__isnull": False}),
                name=f"{name}_{prefix}_has_a_bound",
            )
        )
    return rules


@lru_cache(maxsize=DATES_KEPT)
def interval_from_columns(earliest, earliest_precision, latest, latest_precision, certainty):
    """The Interval five stored columns hold, or None when neither bound is known."""
    if earliest is None and latest is None:
        return None
    return Interval(
        PartialDate.of(earliest, earliest_precision) if earliest else None,
        PartialDate.of(latest, latest_precision) if latest else None,
        certainty or DateCertainty.STATED,
    )


def interval_to_columns(interval):
    """The five stored columns of ``interval`` (None: an unknown date), in the order of ``PARTS``."""
    if interval is None:
        return None, "", None, "", DateCertainty.STATED
    return (
        interval.first_day,
        interval.earliest.precision if interval.earliest else "",
        interval.last_day,
        interval.latest.precision if interval.latest else "",
        interval.certainty,
    )


class IntervalAttribute(property):
    """``event.date`` as one ``Interval`` (or None), read from and written to its five columns.

    A property, so that ``Event(date=...)`` and factories can set it like a field.
    """

    def __init__(self, prefix):
        columns = [f"{prefix}_{part}" for part in PARTS]

        def read(instance):
            return interval_from_columns(*(getattr(instance, column) for column in columns))

        def write(instance, interval):
            for column, value in zip(columns, interval_to_columns(interval), strict=True):
                setattr(instance, column, value)

        super().__init__(read, write, doc=f"The interval stored in {', '.join(columns)}.")
        self.prefix, self.columns = prefix, columns


def bound_columns(prefix):
    """The four columns of interval ``prefix`` that forms enter as one field (the certainty has its own)."""
    return [f"{prefix}_{part}" for part in PARTS if part != "certainty"]


def validate_interval_columns(instance, prefix):
    """Model-level check that the stored columns are a well-formed interval (bounds at the edges of their periods),
    raising on ``prefix``."""
    values = [getattr(instance, f"{prefix}_{part}") for part in PARTS]
    earliest, earliest_precision, latest, latest_precision, _certainty = values
    message = _("A bound at month or year precision is stored as the first or last day of its period.")
    if earliest and earliest_precision and PartialDate.of(earliest, earliest_precision).first_day() != earliest:
        raise ValidationError({f"{prefix}_earliest": message}, code="not_period_start")
    if latest and latest_precision and PartialDate.of(latest, latest_precision).last_day() != latest:
        raise ValidationError({f"{prefix}_latest": message}, code="not_period_end")


def overlapping(prefix, first_day=None, last_day=None, lasts_until=None):
    """A Q for records whose interval ``prefix`` overlaps the days from ``first_day`` to ``last_day`` (either may be
    None: no limit). An open bound reaches as far as it can, so a date known only as "by May 2024" matches any range
    before June 2024: it is never silently missed, and its words say how little is known. ``lasts_until`` names a
    field (an event's end date) that extends a record that lasts. A record with no date at all matches no range."""
    earliest, latest = f"{prefix}_earliest", f"{prefix}_latest"
    condition = Q()
    if first_day is not None:
        open_end = Q(**{f"{latest}__isnull": True, f"{earliest}__isnull": False})
        ends_late_enough = Q(**{f"{latest}__gte": first_day}) | open_end
        if lasts_until:
            ends_late_enough |= Q(**{f"{lasts_until}__gte": first_day})
        condition &= ends_late_enough
    if last_day is not None:
        open_start = Q(**{f"{earliest}__isnull": True, f"{latest}__isnull": False})
        condition &= Q(**{f"{earliest}__lte": last_day}) | open_start
    return condition
