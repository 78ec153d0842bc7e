"""Charts drawn on the server as SVG, with no script: the geometry is computed here and
``templates/includes/chart.html`` writes it out, with a legend and a data table holding the same numbers.

Dates are intervals (``civicspace/dates.py``), so an event is counted in a period only when both bounds of its date
lie within that one period (a month, or a year when the chart counts by year). Any other event (known only to a
year on a chart by month, a range, an open bound) is never pinned to a period: it is drawn as a hatched
"approximate" segment in every period it may fall in, and each chart's description says so.
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
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 12, 36


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


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"


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


def number(value):
    return number_format(value, force_grouping=True)


def dated_counts(queryset, key="event_type", prefix="date"):
    """[(earliest month or None, latest month or None, key, count)] for ``queryset``: ONE grouped query, whose rows
    are as many as the distinct (month, month, key) the data holds, never as many as its records."""
    grouped = (
        queryset.order_by()
        .values(earliest=TruncMonth(f"{prefix}_earliest"), latest=TruncMonth(f"{prefix}_latest"), kind=F(key))
        .annotate(number=Count("pk", distinct=True))  # distinct: a filter through links repeats a row
        .values_list("earliest", "latest", "kind", "number")
    )
    try:
        return [tuple(row) for row in grouped]
    except EmptyResultSet:
        return []  # a filter that can match nothing (a search of no word)


class Months:
    """Periods of a month, numbered so that consecutive months follow each other."""

    name = "month"

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
            if len(periods) <= 12:
                labels.append((index, 0, str(MONTHS_AP[month + 1])))
            if index == 0 or month == 0:
                labels.append((index, 1, str(year)))
        return labels


class Years:
    name = "year"

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


def period_chart(groups, labels, chart_id, title, by_year=False, small=False):
    """A chart of ``groups`` (what ``dated_counts`` returns) per month or per year, stacked by key (named by
    ``labels``), or None when there is nothing to draw."""
    known = [day for earliest, latest, _kind, _n in groups for day in (earliest, latest) if day]
    if not known:
        return None
    first, last = min(known), max(known)
    unit = Years if by_year or Months.of(last) - Months.of(first) >= MONTHS_AT_MOST else Months
    periods = list(range(unit.of(first), unit.of(last) + 1))

    dated = defaultdict(Counter)  # period: {key: events dated within it}
    approximate = Counter()  # period: events that may fall in it
    totals = Counter()
    approximate_total = 0
    for earliest, latest, kind, count in groups:
        totals[kind] += count
        start = unit.of(earliest) if earliest else periods[0]
        end = unit.of(latest) if latest else periods[-1]
        if earliest and latest and start == end:
            dated[start][kind] += count
        else:
            approximate_total += count
            for period in range(start, end + 1):
                approximate[period] += count

    ranked = [kind for kind, _n in sorted(totals.items(), key=lambda item: (-item[1], str(labels.get(item[0]))))]
    shown = ranked if len(ranked) <= SERIES_AT_MOST + 1 else ranked[:SERIES_AT_MOST]
    others = [kind for kind in ranked if kind not in shown]
    patterns = patterns_for(chart_id, len(shown), bool(others))
    series = [(str(labels.get(kind, kind)), [kind], pattern) for kind, pattern in zip(shown, patterns, strict=False)]
    if others:
        series.append((_("Other types"), others, patterns[-1]))
    hatched = Pattern(f"{chart_id}-approximate", "#ffffff", APPROXIMATE)

    height = 150 if small else 220
    chart = Chart(id=chart_id, title=title, description="", height=height, small=small)
    chart.patterns = [*patterns, hatched]
    plot_height = height - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    top = max(sum(dated[period].values()) + approximate[period] for period in periods) or 1
    step = nice_step(top)
    scale_top = step * math.ceil(top / step)
    baseline = TOP + plot_height
    for value in range(0, scale_top + 1, step):
        y = baseline - value / scale_top * plot_height
        chart.gridlines.append((round(y, 2), Text(LEFT - 6, round(y + 4, 2), number(value), "end")))

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
                    what += (
                        " ("
                        + ", ".join(
                            f"{labels.get(kind, kind)} {number(dated[period][kind])}"
                            for kind in kinds
                            if dated[period][kind]
                        )
                        + ")"
                    )
                chart.rects.append(
                    Rect(
                        round(x, 2), round(y, 2), round(bar, 2), round(size, 2), pattern.id, f"{words}, {label}: {what}"
                    )
                )
        if approximate[period]:
            size = approximate[period] / scale_top * plot_height
            y -= size
            what = ngettext(
                "%(count)s event whose date is approximate and may fall in this period",
                "%(count)s events whose dates are approximate and may fall in this period",
                approximate[period],
            ) % {"count": number(approximate[period])}
            chart.rects.append(
                Rect(round(x, 2), round(y, 2), round(bar, 2), round(size, 2), hatched.id, f"{words}: {what}")
            )
    for index, row, text in unit.axis(periods):
        x = LEFT + index * slot + slot / 2
        anchor = "middle" if len(periods) <= 12 else "start"
        chart.texts.append(
            Text(round(x if anchor == "middle" else LEFT + index * slot, 2), baseline + 14 + 14 * row, text, anchor)
        )

    chart.legend = [Legend(pattern.id, label) for label, _kinds, pattern in series]
    if approximate_total:
        chart.legend.append(Legend(hatched.id, _("Date approximate: may fall in any period it spans")))
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
                "%(count)s event is not dated within a single year (a range or an open bound): it is drawn as a "
                "hatched segment in every year it may fall in, so hatched segments repeat it and do not add up.",
                "%(count)s events are not dated within a single year (a range or an open bound): each is drawn as a "
                "hatched segment in every year it may fall in, so hatched segments repeat them and do not add up.",
                approximate,
            )
        else:
            more = ngettext(
                "%(count)s event is not dated within a single month (known only to the year, a range or an open "
                "bound): it is drawn as a hatched segment in every month it may fall in, so hatched segments repeat "
                "it and do not add up.",
                "%(count)s events are not dated within a single month (known only to the year, a range or an open "
                "bound): each is drawn as a hatched segment in every month it may fall in, so hatched segments "
                "repeat them and do not add up.",
                approximate,
            )
        text += " " + more % {"count": number(approximate)}
    return text + " " + _("The data table gives the same numbers.")


def bar_list_chart(rows, chart_id, title, description, header):
    """Horizontal bars labelled directly: ``rows`` are (label, value, table cells...), largest first."""
    if not rows:
        return None
    row_height = 34
    chart = Chart(id=chart_id, title=title, description=description, height=len(rows) * row_height + 6)
    pattern = Pattern(f"{chart_id}-s0", PALETTE[0], "")
    chart.patterns = [pattern]
    widest = max(row[1] for row in rows) or 1
    room = WIDTH - 70
    for index, (label, value, *_cells) in enumerate(rows):
        y = index * row_height
        width = max(value / widest * room, 1)
        chart.texts.append(Text(0, y + 13, str(label), "start"))
        chart.rects.append(Rect(0, y + 17, round(width, 2), 12, pattern.id, f"{label}: {number(value)}"))
        chart.texts.append(Text(round(width + 6, 2), y + 28, number(value), "start"))
    chart.table_header = header
    chart.table_rows = [[str(label), *(number(cell) for cell in (value, *cells))] for label, value, *cells in rows]
    return chart
