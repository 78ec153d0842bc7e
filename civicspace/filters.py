"""Filter pieces shared by the public lists: partial-date ranges, word search, stable sorting."""

import operator
from functools import cache, reduce

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.db.models import Q
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from civicspace.dates import PartialDate, overlapping
from civicspace.text import parse_number

SEARCH_MAX_LENGTH = 200
# Each word adds a condition to the query; beyond this many, the rest are ignored to bound its cost.
SEARCH_MAX_WORDS = 10


def country_choices():
    """Every country of ISO 3166 as (code, name), by name in the active language: the same for every request in a
    language, and worth keeping (translating and sorting 249 names took a tenth of a list page's time)."""
    return list(countries_by_name(get_language()))


@cache
def countries_by_name(language):
    return tuple(countries)


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
    """``2024``, ``2024-03`` or ``2024-03-06``, cleaned to a ``PartialDate``."""

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
            return PartialDate.parse(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class IntervalOverlapFilter(django_filters.Filter):
    """One end of a date range, matching records whose interval ``field_name`` (a prefix: ``date``) overlaps it.

    "From 2024-03-10" keeps whatever can have happened on or after 10 March 2024 (including "March 2024" and "2024");
    "to 2024-03" whatever can have happened by the end of March. ``lasts_until`` names a field that extends a record
    that lasts (an event's end date).
    """

    field_class = PartialDateField

    def __init__(self, *args, bound, lasts_until=None, **kwargs):
        if bound not in ("from", "to"):
            raise ValueError(f"bound must be 'from' or 'to', not {bound!r}")
        self.bound, self.lasts_until = bound, lasts_until
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if self.bound == "from":
            return qs.filter(overlapping(self.field_name, first_day=value.first_day(), lasts_until=self.lasts_until))
        return qs.filter(overlapping(self.field_name, last_day=value.last_day()))


class SearchFilter(django_filters.CharFilter):
    """Every word must appear in one of ``fields`` (case-insensitive); ``also(word)`` adds a Q to match a word.

    ``only`` limits the rows that ``fields`` may match (``also`` is not limited by it).
    """

    def __init__(self, *args, fields, also=None, only=None, **kwargs):
        self.fields, self.also, self.only = fields, also, only
        kwargs.setdefault("label", _("Text"))
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        for word in value.split()[:SEARCH_MAX_WORDS]:
            matches = [Q(**{f"{field}__icontains": word}) for field in self.fields]
            if self.only is not None:
                matches = [self.only & reduce(operator.or_, matches)]
            if self.also:
                matches.append(self.also(word))
            qs = qs.filter(reduce(operator.or_, matches))
        return qs


class StableOrderingFilter(django_filters.OrderingFilter):
    """django-filter's ``OrderingFilter``, with the primary key as the last tie-breaker, in the direction of the first
    sort, so that the order is total (pages by key neither overlap nor skip) and an index can serve it."""

    def filter(self, qs, value):
        params = [param for param in value or () if param not in django_filters.constants.EMPTY_VALUES]
        if not params:
            return qs
        order = [self.get_ordering_value(param) for param in params]
        return qs.order_by(*order, "-pk" if order[0].startswith("-") else "pk")


def rename_filters(filterset_class, **names):
    """Expose filters under URL names that Python cannot spell as attributes, such as ``from``; order is kept.

    Declared filters are renamed too, so that subclasses inherit the URL names.
    """
    for attribute in ("declared_filters", "base_filters"):
        renamed = {names.get(name, name): f for name, f in getattr(filterset_class, attribute).items()}
        setattr(filterset_class, attribute, renamed)
    return filterset_class


# More values than this in one filter are refused: each is a condition in the query.
MAX_CHOSEN_RECORDS = 20


class ChosenRecordsWidget(forms.Widget):
    """The records a filter has chosen, each kept as a hidden input (they are shown, each removable, among the active
    filters), and a box to add one more by name or address. A page never lists every record: with a thousand
    organisations that list was most of a page's weight. ``static/js/suggest.js`` offers names as one types, from
    ``suggest_url``; without it, a name typed whole works."""

    def __init__(self, suggest_url_name, attrs=None):
        super().__init__(attrs)
        self.suggest_url_name = suggest_url_name

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return [value for value in ([values] if isinstance(values, str) else values) if value.strip()]

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = format_html_join("", '<input type="hidden" name="{}" value="{}">', ((name, v) for v in value or ()))
        box = {
            **attrs,
            "type": "text",
            "name": name,
            "autocomplete": "off",
            "data-suggest": reverse(self.suggest_url_name),
            "list": f"{attrs.get('id', name)}-suggestions",
        }
        return format_html(
            '{}<input{}><datalist id="{}"></datalist>', chosen, flatatt(box), f"{attrs.get('id', name)}-suggestions"
        )


class ChosenRecordsField(forms.Field):
    """Records named in the query string by their public address or their public name (any case). ``resolve(values)``
    gives {value: record} for the values it recognises; ``record_label(record)`` what a reader calls the record."""

    default_error_messages = {
        "unknown": _("Nothing public is called “%(value)s”: pick a name from the suggestions, or check its spelling."),
        "too_many": _("Choose at most %(limit)s."),
    }

    def __init__(self, *, resolve, record_label, suggest_url_name, **kwargs):
        self.resolve, self.record_label = resolve, record_label
        kwargs.setdefault("widget", ChosenRecordsWidget(suggest_url_name))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.labels = {}  # {value as given: label}, for the active filters

    def clean(self, value):
        values = list(dict.fromkeys(text.strip() for text in value or () if text.strip()))
        for text in values:
            ProhibitNullCharactersValidator()(text)
            if len(text) > SEARCH_MAX_LENGTH:
                raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"value": text})
        if len(values) > MAX_CHOSEN_RECORDS:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": MAX_CHOSEN_RECORDS}
            )
        found = self.resolve(values) if values else {}
        unknown = [text for text in values if text not in found]
        if unknown:
            raise forms.ValidationError(
                [
                    forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"value": text})
                    for text in unknown
                ]
            )
        self.labels = {text: self.record_label(record) for text, record in found.items()}
        return list(dict.fromkeys(found.values()))


class ChosenRecordsFilter(django_filters.Filter):
    """Rows that ``link`` (a function of the chosen records giving a queryset of row ids) ties to any of them; a
    subquery, not a join, so that a row tied to two of them is listed once with no DISTINCT over the whole list."""

    field_class = ChosenRecordsField

    def __init__(self, *args, link, **kwargs):
        self.link = link
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.filter(pk__in=self.link(value)) if value else qs


def resolver(queryset_of, address, names):
    """``resolve`` for a ChosenRecordsField: the records of ``queryset_of()`` whose ``address`` field is one of the
    values, or whose field in ``names`` equals one (ignoring case)."""

    def resolve(values):
        queryset = queryset_of()
        matching = Q(**{f"{address}__in": addresses(queryset.model, address, values)})
        for value in values:
            for name in names:
                matching |= Q(**{f"{name}__iexact": value})
        found = {}
        for record in queryset.filter(matching)[: MAX_CHOSEN_RECORDS * 4]:
            for value in values:
                candidates = [str(getattr(record, address)), *(str(getattr(record, name)) for name in names)]
                if value in candidates or value.casefold() in (candidate.casefold() for candidate in candidates[1:]):
                    found.setdefault(value, record)
        return found

    return resolve


def addresses(model, address, values):
    """The ``values`` that can be an ``address`` of ``model`` (a number, for an id): others cannot match it."""
    try:
        field = model._meta.get_field(address)
    except FieldDoesNotExist:
        return values  # an annotation, compared as text
    if isinstance(field, models.IntegerField):
        # An id the database could not hold would fail the query rather than match nothing.
        return [number for number in map(parse_number, values) if number is not None]
    found = []
    for value in values:
        try:
            found.append(field.to_python(value))
        except ValidationError:
            continue
    return found
