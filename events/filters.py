"""The public filters for events and sources; each list page and its CSV twin use the same FilterSet."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from civicspace.filters import (
    PartialDateFilter,
    QuickSelect,
    QuickSelectMultiple,
    SearchFilter,
    StableOrderingFilter,
    rename_filters,
)
from organisations.models import Organisation, OrganisationKind, Person

from .models import LANGUAGE_CHOICES, Citation, Event, EventType, Outcome, Source


def quoted_passage_contains(word):
    # A subquery rather than a join, so that an event with several matching citations is listed once.
    return Q(pk__in=Citation.objects.filter(quote__icontains=word).values("event_id"))


class EventFilter(django_filters.FilterSet):
    q = SearchFilter(
        fields=["title", "summary"],
        also=quoted_passage_contains,
        help_text=_("Words in the title, the summary or a quoted passage."),
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="event_type", choices=EventType.choices, label=_("Type"), widget=forms.CheckboxSelectMultiple
    )
    date_from = PartialDateFilter(
        field_name="date",
        bound="from",
        precision_field="date_precision",
        end_field="end_date",
        label=_("From"),
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD. An event dated March 2024 matches any range that overlaps it."),
    )
    date_to = PartialDateFilter(
        field_name="date",
        bound="to",
        precision_field="date_precision",
        label=_("To"),
        help_text=_("Included: 2024-03 means to the end of March 2024."),
    )
    # Several values match events concerning any of them; the predicate compares slugs, as the URL gives them.
    organisation = django_filters.ModelMultipleChoiceFilter(
        field_name="organisations__slug",
        to_field_name="slug",
        queryset=Organisation.objects.all(),
        distinct=True,
        label=_("Organisation"),
        widget=QuickSelectMultiple,
    )
    kind = django_filters.MultipleChoiceFilter(
        field_name="organisations__kind",
        choices=OrganisationKind.choices,
        distinct=True,
        label=_("Organisation kind"),
    )
    person = django_filters.ModelMultipleChoiceFilter(
        field_name="people__slug",
        to_field_name="slug",
        queryset=Person.objects.all(),
        distinct=True,
        label=_("Person"),
        widget=QuickSelectMultiple,
    )
    country = django_filters.ChoiceFilter(choices=lambda: list(countries), label=_("Country"), widget=QuickSelect)
    location = django_filters.CharFilter(lookup_expr="icontains", max_length=200, label=_("Location"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Outcome"))
    source = django_filters.ModelChoiceFilter(
        field_name="sources", queryset=Source.objects.all(), distinct=True, label=_("Source"), widget=QuickSelect
    )
    publisher = django_filters.CharFilter(
        field_name="sources__publisher",
        lookup_expr="icontains",
        max_length=200,
        distinct=True,
        label=_("Publisher"),
        help_text=_("Of a cited source, e.g. Amnesty."),
    )
    sort = StableOrderingFilter(
        fields=(("date", "date"), ("title", "title"), ("event_type", "type")),
        field_labels={"date": _("Date"), "title": _("Title"), "event_type": _("Type")},
        label=_("Sort by"),
    )

    class Meta:
        model = Event
        fields = []


rename_filters(EventFilter, date_from="from", date_to="to")


class TimelineFilter(EventFilter):
    """The events filters, with the timeline's own order instead of a sort: its year and month groups need dates."""

    sort = None
    order = django_filters.ChoiceFilter(
        choices=[("newest", _("Newest first")), ("oldest", _("Oldest first"))],
        method="order_by_date",
        empty_label=None,
        label=_("Order"),
    )

    def order_by_date(self, queryset, name, value):
        return queryset.timeline(newest_first=value != "oldest")


class SourceFilter(django_filters.FilterSet):
    q = SearchFilter(fields=["title", "publisher", "author"], help_text=_("Words in the title, publisher or author."))
    publisher = django_filters.CharFilter(lookup_expr="icontains", max_length=200, label=_("Publisher"))
    published_from = PartialDateFilter(
        field_name="published_on",
        bound="from",
        precision_field="published_precision",
        label=_("Published from"),
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD."),
    )
    published_to = PartialDateFilter(
        field_name="published_on", bound="to", precision_field="published_precision", label=_("Published to")
    )
    language = django_filters.ChoiceFilter(choices=LANGUAGE_CHOICES, label=_("Language"))
    sort = StableOrderingFilter(
        fields=(("published_on", "published"), ("title", "title"), ("publisher", "publisher")),
        field_labels={"published_on": _("Publication date"), "title": _("Title"), "publisher": _("Publisher")},
        label=_("Sort by"),
    )

    class Meta:
        model = Source
        fields = []


rename_filters(SourceFilter, published_from="from", published_to="to")
