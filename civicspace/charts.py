"""Charts drawn on the server as SVG, with no script: the geometry is computed here and
``templates/includes/chart.html`` writes it out, with a legend and a data table holding the same numbers.

Dates are intervals (``civicspace/dates.py``), so an event is counted in a period only when both bounds of its date
lie within that one period (a month, or a year when the chart counts by year). Any other event (known only to a
year on a chart by month, a range, an open bound) is never pinned to a period: it is left out of the bars and
counted in a hatched "approximate" band under the axis, in every period it may fall in, and each chart's description
says so.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.utils.dates import MONTHS_AP
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civicspace.dates import PartialDate

# Beyond three years of months, bars are too thin to read: the chart counts by year.
MONTHS_AT_MOST = 36
# The most types a chart stacks with their own colour; the rest are summed as "Other types".
SERIES_AT_MOST = 6

# Colours with at least 3:1 contrast against the page (WCAG 1.4.11), each with its own pattern too, so that no
# series is told from another by colour alone. The last is for "Other types".
PALETTE = ["#0072b2", "#d55e00", "#009e73", "#882255", "#b8860b", "#6a3d9a"]
OTHER_COLOUR = "#767676"
MARKS = ["", "diagonal", "dots", "horizontal", "vertical", "cross"]
OTHER_MARK = "backslash"
APPROXIMATE = "approximate"

WIDTH = 600
LEFT, RIGHT, TOP = 40, 8, 12


@dataclass(frozen=True)
class Pattern:
    id: str
    colour: str
    mark: str


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    pattern: str
    title: str
    approximate: bool = False


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    on_pattern: bool = False  # drawn over a hatched cell: outlined in white to stay readable


def rounded(*numbers):
    return [round(number, 2) for number in numbers]


@dataclass(frozen=True)
class Legend:
    pattern: str
    label: str


@dataclass
class Chart:
    """What the template draws: an SVG ``width`` by ``height`` (scaled to the page by its viewBox)."""

    id: str
    title: str
    description: str
    height: int
    width: int = WIDTH
    patterns: list = field(default_factory=list)
    gridlines: list = field(default_factory=list)  # (y, Text of its value)
    rects: list = field(default_factory=list)
    texts: list = field(default_factory=list)
    legend: list = field(default_factory=list)
    table_header: list = field(default_factory=list)
    table_rows: list = field(default_factory=list)  # [row header, cells...]
    small: bool = False


def named(name, value):
    """ "March 2024: 3 events", with the language's own spacing before the colon."""
    return _("%(name)s: %(value)s") % {"name": name, "value": value}


def number(value):
    return number_format(value, force_grouping=True)


class MonthStart(TruncMonth):
    """The first day of the month, computed by SQLite's own date function rather than the Python one Django registers
    for ``TruncMonth`` (several times faster over many rows)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, 'start of month')", params


def dated_counts(queryset, key="event_type", prefix="date"):
    """[(earliest month or None, latest month or None, key, count)] for ``queryset``: ONE grouped query, whose rows
    are as many as the distinct (month, month, key) the data holds, never as many as its records."""
    grouped = (
        queryset.order_by()
        .values(earliest=MonthStart(f"{prefix}_earliest"), latest=MonthStart(f"{prefix}_latest"), kind=F(key))
        .annotate(number=Count("pk", distinct=True))  # distinct: a filter through links repeats a row
        .values_list("earliest", "latest", "kind", "number")
    )
    try:
        return [tuple(row) for row in grouped]
    except EmptyResultSet:
        return []  # a filter that can match nothing (a search of no word)


class Months:
    """Periods of a month, numbered so that consecutive months follow each other."""

    @staticmethod
    def of(day):
        return day.year * 12 + day.month - 1

    @staticmethod
    def words(period):
        return PartialDate(period // 12, period % 12 + 1).words()

    @staticmethod
    def axis(periods):
        """Labels under the bars: each month's short name when a year or less is shown, and the year under the first
        month and each January."""
        labels = []
        for index, period in enumerate(periods):
            year, month = divmod(period, 12)
            # Every other month past six, so that the names do not run into each other on a phone.
            if len(periods) <= 6 or (len(periods) <= 12 and index % 2 == 0):
                labels.append((index, 0, str(MONTHS_AP[month + 1])))
            if index == 0 or month == 0:
                labels.append((index, 1, str(year)))
        return labels


class Years:
    """Periods of a year, numbered by the year."""

    @staticmethod
    def of(day):
        return day.year

    @staticmethod
    def words(period):
        return str(period)

    @staticmethod
    def axis(periods):
        step = math.ceil(len(periods) / 12)
        return [(index, 1, str(period)) for index, period in enumerate(periods) if index % step == 0]


def nice_step(top, ticks=4):
    """A step of 1, 2 or 5 times a power of ten giving at most ``ticks`` gridlines up to ``top``."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if math.ceil(top / (factor * magnitude)) <= ticks:
                return factor * magnitude
        magnitude *= 10


def patterns_for(chart_id, count, with_other):
    patterns = [Pattern(f"{chart_id}-s{index}", PALETTE[index], MARKS[index]) for index in range(count)]
    if with_other:
        patterns.append(Pattern(f"{chart_id}-other", OTHER_COLOUR, OTHER_MARK))
    return patterns


def clipped(groups, first_day, last_day):
    """(earliest, latest, start, end, key, count) for each group: ``start`` and ``end`` are the months it is drawn
    across, its bounds cut to the dates a filter asked for (an open bound reaches them). An event that lasts into
    the dates asked for, but is dated before them, keeps its own dates."""
    low = first_day.replace(day=1) if first_day else None
    high = last_day.replace(day=1) if last_day else None
    spans = []
    for earliest, latest, kind, count in groups:
        start, end = earliest, latest
        if low and (start is None or start < low):
            start = low
        if high and (end is None or end > high):
            end = high
        if start and end and start > end:
            start, end = earliest, latest
        spans.append((earliest, latest, start, end, kind, count))
    return spans


def period_chart(groups, labels, chart_id, title, by_year=False, small=False, first_day=None, last_day=None):
    """A chart of ``groups`` (what ``dated_counts`` returns) per month or per year, stacked by key (named by
    ``labels``), or None when there is nothing to draw. ``first_day`` and ``last_day``, the dates a filter asked
    for, limit how far approximate dates are drawn."""
    spans = clipped(groups, first_day, last_day)
    known = [day for _earliest, _latest, start, end, _kind, _n in spans for day in (start, end) if day]
    if not known:
        return None
    first, last = min(known), max(known)
    unit = Years if by_year or Months.of(last) - Months.of(first) >= MONTHS_AT_MOST else Months
    periods = list(range(unit.of(first), unit.of(last) + 1))

    dated = defaultdict(Counter)  # period: {key: events dated within it}
    approximate = Counter()  # period: events that may fall in it
    totals = Counter()
    approximate_total = 0
    for earliest, latest, start_day, end_day, kind, count in spans:
        totals[kind] += count
        start = unit.of(start_day) if start_day else periods[0]
        end = unit.of(end_day) if end_day else periods[-1]
        if earliest and latest and unit.of(earliest) == unit.of(latest):
            dated[start][kind] += count
        else:
            approximate_total += count
            for period in range(start, end + 1):
                approximate[period] += count

    ranked = [kind for kind, _n in sorted(totals.items(), key=lambda item: (-item[1], str(labels.get(item[0]))))]
    shown = ranked[:SERIES_AT_MOST]
    others = [kind for kind in ranked if kind not in shown]
    patterns = patterns_for(chart_id, len(shown), bool(others))
    series = [(str(labels.get(kind, kind)), [kind], pattern) for kind, pattern in zip(shown, patterns, strict=False)]
    if others:
        series.append((_("Other types"), others, patterns[-1]))
    hatched = Pattern(f"{chart_id}-approximate", "#ffffff", APPROXIMATE)

    plot_height = 110 if small else 170
    baseline = TOP + plot_height
    band = baseline + 72  # the approximate band's top, under the axis's two rows of labels and its caption
    height = band + 30 if approximate_total else baseline + 48
    chart = Chart(id=chart_id, title=title, description="", height=height, small=small)
    chart.patterns = [*patterns, hatched]
    plot_width = WIDTH - LEFT - RIGHT
    top = max(sum(dated[period].values()) for period in periods) or 1
    step = nice_step(top)
    scale_top = step * math.ceil(top / step)
    for value in range(0, scale_top + 1, step):
        y = baseline - value / scale_top * plot_height
        chart.gridlines.append((round(y, 2), Text(LEFT - 6, round(y + 5, 2), number(value), "end")))

    slot = plot_width / len(periods)
    bar = max(slot * 0.8, 1)
    for index, period in enumerate(periods):
        x = LEFT + index * slot + (slot - bar) / 2
        y = baseline
        words = unit.words(period)
        for label, kinds, pattern in series:
            count = sum(dated[period][kind] for kind in kinds)
            if count:
                size = count / scale_top * plot_height
                y -= size
                what = ngettext("%(count)s event", "%(count)s events", count) % {"count": number(count)}
                if len(kinds) > 1:
                    parts = [
                        f"{labels.get(kind, kind)} {number(dated[period][kind])}"
                        for kind in kinds
                        if dated[period][kind]
                    ]
                    what += " (" + ", ".join(parts) + ")"
                chart.rects.append(
                    Rect(
                        *rounded(x, y, bar, size),
                        pattern.id,
                        _("%(period)s, %(series)s: %(count)s") % {"period": words, "series": label, "count": what},
                    )
                )
        if approximate[period]:
            what = ngettext(
                "%(count)s event whose date is approximate and may fall in this period",
                "%(count)s events whose dates are approximate and may fall in this period",
                approximate[period],
            ) % {"count": number(approximate[period])}
            chart.rects.append(Rect(*rounded(x, band, bar, 26), hatched.id, named(words, what), approximate=True))
            if slot >= 30:  # room for the number itself; narrower cells leave it to their title and the table
                chart.texts.append(Text(round(x + bar / 2, 2), band + 19, number(approximate[period]), "middle", True))
    for index, row, text in unit.axis(periods):
        x = LEFT + index * slot + slot / 2 if len(periods) <= 12 else LEFT + index * slot
        chart.texts.append(
            Text(round(x, 2), baseline + 20 + 20 * row, text, "middle" if len(periods) <= 12 else "start")
        )
    if approximate_total:
        chart.texts.append(Text(LEFT, band - 6, _("Date approximate: may fall in this period"), "start"))

    chart.legend = [Legend(pattern.id, label) for label, _kinds, pattern in series]
    if approximate_total:
        chart.legend.append(Legend(hatched.id, _("Date approximate (the band under the axis)")))
    chart.table_header = [
        _("Year") if unit is Years else _("Month"),
        *(label for label, _kinds, _pattern in series),
        _("Date approximate (may fall in this period)"),
    ]
    for period in periods:
        cells = [sum(dated[period][kind] for kind in kinds) for _label, kinds, _pattern in series]
        if any(cells) or approximate[period]:
            chart.table_rows.append(
                [unit.words(period), *(number(cell) for cell in cells), number(approximate[period])]
            )
    chart.description = describe(
        unit, sum(totals.values()), approximate_total, unit.words(periods[0]), unit.words(periods[-1])
    )
    return chart


def describe(unit, total, approximate, first, last):
    """What the chart shows, in words, for the ``<desc>`` that screen readers read."""
    counts = {"total": number(total), "first": first, "last": last}
    if unit is Years:
        text = ngettext(
            "%(total)s event from %(first)s to %(last)s, counted by year and stacked by type.",
            "%(total)s events from %(first)s to %(last)s, counted by year and stacked by type.",
            total,
        )
    else:
        text = ngettext(
            "%(total)s event from %(first)s to %(last)s, counted by month and stacked by type.",
            "%(total)s events from %(first)s to %(last)s, counted by month and stacked by type.",
            total,
        )
    text %= counts
    if approximate:
        if unit is Years:
            more = ngettext(
                "%(count)s event is not dated within a single year (a range or an open bound) and is not in the "
                "bars: the hatched band under the axis counts it in every year it may fall in, so the band's numbers "
                "do not add up.",
                "%(count)s events are not dated within a single year (a range or an open bound) and are not in the "
                "bars: the hatched band under the axis counts each in every year it may fall in, so the band's "
                "numbers do not add up.",
                approximate,
            )
        else:
            more = ngettext(
                "%(count)s event is not dated within a single month (known only to the year, a range or an open "
                "bound) and is not in the bars: the hatched band under the axis counts it in every month it may fall "
                "in, so the band's numbers do not add up.",
                "%(count)s events are not dated within a single month (known only to the year, a range or an open "
                "bound) and are not in the bars: the hatched band under the axis counts each in every month it may "
                "fall in, so the band's numbers do not add up.",
                approximate,
            )
        text += " " + more % {"count": number(approximate)}
    return text + " " + _("The data table gives the same numbers.")


def bar_list_chart(rows, chart_id, title, description, header):
    """Horizontal bars labelled directly: ``rows`` are (label, value, table cells...), largest first."""
    if not rows:
        return None
    row_height = 40
    chart = Chart(id=chart_id, title=title, description=description, height=len(rows) * row_height + 6)
    pattern = Pattern(f"{chart_id}-s0", PALETTE[0], "")
    chart.patterns = [pattern]
    widest = max(row[1] for row in rows) or 1
    room = WIDTH - 70
    for index, (label, value, *_cells) in enumerate(rows):
        y = index * row_height
        width = max(value / widest * room, 1)
        chart.texts.append(Text(0, y + 16, str(label), "start"))
        chart.rects.append(Rect(0, y + 22, round(width, 2), 14, pattern.id, named(label, number(value))))
        chart.texts.append(Text(round(width + 6, 2), y + 35, number(value), "start"))
    chart.table_header = header
    chart.table_rows = [[str(label), *(number(cell) for cell in (value, *cells))] for label, value, *cells in rows]
    return chart
