"""Filter pieces shared by the public lists: partial-date ranges, word search, stable sorting."""

import operator
from functools import reduce

import django_filters
from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from civicspace.dates import DatePrecision, parse_iso_partial, period_end, period_start

SEARCH_MAX_LENGTH = 200
# Each word adds a condition to the query; beyond this many, the rest are ignored to bound its cost.
SEARCH_MAX_WORDS = 10


class QuickSelectMixin:
    """A select that writes its options in one pass instead of a template per option.

    A filter offers every organisation, person or source: with Django's per-option templates a thousand options
    cost a few hundred milliseconds a page; written directly they cost about one. The markup is the same.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, mark_safe(" selected") if str(option_value) in chosen else "", label)
                for option_value, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass


class PartialDateField(forms.CharField):
    """``2024``, ``2024-03`` or ``2024-03-06``, cleaned to (first day of the period, precision)."""

    default_error_messages = {"invalid": _("Enter a date as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-03.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": _("YYYY-MM"), "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)  # strips, limits the length, refuses NUL characters
        if not text:
            return None
        try:
            return parse_iso_partial(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class PartialDateFilter(django_filters.Filter):
    """One end of a date range that matches a record whose period overlaps it.

    A record dated at month or year precision is stored as the first day of its period, so "from 2024-03-10"
    must still match "March 2024"; an optional ``end_field`` extends a record that lasts.
    """

    field_class = PartialDateField

    def __init__(self, *args, bound, precision_field, end_field=None, **kwargs):
        if bound not in ("from", "to"):
            raise ValueError(f"bound must be 'from' or 'to', not {bound!r}")
        self.bound, self.precision_field, self.end_field = bound, precision_field, end_field
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        day, given_precision = value
        if self.bound == "to":
            return qs.filter(**{f"{self.field_name}__lte": period_end(day, given_precision)})
        # The record's period ends on or after ``day``: compare its start with the start of the period of the
        # record's precision that contains ``day``, which avoids computing period ends in SQL.
        starts_late_enough = [
            Q(**{self.precision_field: precision, f"{self.field_name}__gte": period_start(day, precision)})
            for precision in DatePrecision.values
        ]
        if self.end_field:
            starts_late_enough.append(Q(**{f"{self.end_field}__gte": day}))
        return qs.filter(reduce(operator.or_, starts_late_enough))


class SearchFilter(django_filters.CharFilter):
    """Every word must appear in one of ``fields`` (case-insensitive); ``also(word)`` adds a Q to match a word."""

    def __init__(self, *args, fields, also=None, **kwargs):
        self.fields, self.also = fields, also
        kwargs.setdefault("label", _("Text"))
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        for word in value.split()[:SEARCH_MAX_WORDS]:
            matches = [Q(**{f"{field}__icontains": word}) for field in self.fields]
            if self.also:
                matches.append(self.also(word))
            qs = qs.filter(reduce(operator.or_, matches))
        return qs


class StableOrderingFilter(django_filters.OrderingFilter):
    """django-filter's ``OrderingFilter``, with the primary key as the last tie-breaker so pages never overlap."""

    def filter(self, qs, value):
        params = [param for param in value or () if param not in django_filters.constants.EMPTY_VALUES]
        if not params:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in params], "pk")


def rename_filters(filterset_class, **names):
    """Expose filters under URL names that Python cannot spell as attributes, such as ``from``; order is kept.

    Declared filters are renamed too, so that subclasses inherit the URL names.
    """
    for attribute in ("declared_filters", "base_filters"):
        renamed = {names.get(name, name): f for name, f in getattr(filterset_class, attribute).items()}
        setattr(filterset_class, attribute, renamed)
    return filterset_class
