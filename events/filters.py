"""The public filters for events and sources; each list page and its CSV twin use the same FilterSet."""

import django_filters
from django import forms
from django.db.models import Case, CharField, F, When
from django.utils.translation import gettext_lazy as _

from civicspace.filters import (
    SEARCH_MAX_LENGTH,
    ChosenRecordsFilter,
    IntervalOverlapFilter,
    SearchFilter,
    StableOrderingFilter,
    country_choices,
    rename_filters,
    resolver,
)
from organisations.models import Organisation, OrganisationKind, Person, Protection

from .models import LANGUAGE_CHOICES, Citation, Event, EventOrganisation, EventPerson, EventType, Outcome, Role, Source
from .search import search


def people_by_public_slug():
    """Public people, each with ``slug_shown``: the address the public knows them by (their pseudonym's if any), and
    ``name_shown``, the name it knows them by."""
    slug_shown = Case(
        When(protection=Protection.PSEUDONYMISED, then=F("pseudonym_slug")),
        default=F("slug"),
        output_field=CharField(),
    )
    return Person.objects.public().annotate(slug_shown=slug_shown)


def concerning(link_model, field, **conditions):
    """``link`` for a ChosenRecordsFilter: the events that a ``link_model`` row ties to any of the chosen records."""

    def events(records):
        return link_model.objects.filter(**{f"{field}__in": records}, **conditions).values("event")

    return events


def any_of(field):
    """A filter method for the values of ``field`` reached through a link table: a subquery, never a DISTINCT."""

    def method(queryset, name, values):
        if not values:
            return queryset
        return queryset.filter(pk__in=queryset.model.objects.filter(**{f"{field}__in": values}).values("pk"))

    return method


# The events' facet of the kinds of their organisations.
ORGANISATION_KIND_FACET = "organisations__kind"


class EventFilter(django_filters.FilterSet):
    # Filters whose choices show how many events the other filters keep with each value (civicspace/facets.py).
    facets = {"type": "event_type", "country": "country", "outcome": "outcome", "kind": ORGANISATION_KIND_FACET}
    # Set by the exports, which read every event the filters keep, not a page of them (``search``).
    reads_every_match = False

    q = django_filters.CharFilter(
        method="holding_words",
        max_length=SEARCH_MAX_LENGTH,
        label=_("Text"),
        help_text=_("Words in the title, the summary or a quoted passage; each may be the start of a word."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="event_type",
        choices=EventType.choices,
        distinct=False,
        label=_("Type"),
        widget=forms.CheckboxSelectMultiple,
    )
    date_from = IntervalOverlapFilter(
        field_name="date",
        bound="from",
        lasts_until="end_date",
        label=_("From"),
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD. An event dated March 2024 matches any range that overlaps it."),
    )
    date_to = IntervalOverlapFilter(
        field_name="date",
        bound="to",
        label=_("To"),
        help_text=_("Included: 2024-03 means to the end of March 2024."),
    )
    # Several values match events concerning any of them; the URL names each by its address (or its name).
    organisation = ChosenRecordsFilter(
        link=concerning(EventOrganisation, "organisation"),
        resolve=resolver(Organisation.objects.public, "slug", ["name", "acronym"]),
        record_label=str,
        suggest_url_name="organisations:suggest-organisations",
        label=_("Organisation"),
    )
    perpetrator = ChosenRecordsFilter(
        link=concerning(EventOrganisation, "organisation", role=Role.PERPETRATOR),
        resolve=resolver(Organisation.objects.public, "slug", ["name", "acronym"]),
        record_label=str,
        suggest_url_name="organisations:suggest-organisations",
        label=_("Who acted"),
        help_text=_("The organisation that carried out the measure (a ministry, the transitional authorities...)."),
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=OrganisationKind.choices,
        method=any_of("organisations__kind"),
        label=_("Organisation kind"),
        widget=forms.CheckboxSelectMultiple,
    )
    person = ChosenRecordsFilter(
        link=concerning(EventPerson, "person"),
        resolve=resolver(people_by_public_slug, "slug_shown", ["name_shown"]),
        record_label=lambda person: person.public_name,
        suggest_url_name="organisations:suggest-people",
        label=_("Person"),
    )
    country = django_filters.ChoiceFilter(choices=country_choices, label=_("Country"))
    location = django_filters.CharFilter(lookup_expr="icontains", max_length=200, label=_("Location"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Outcome"))
    source = ChosenRecordsFilter(
        link=lambda sources: Citation.objects.filter(source__in=sources).values("event"),
        resolve=resolver(Source.objects.public, "id", ["title"]),
        record_label=str,
        suggest_url_name="events:suggest-sources",
        label=_("Source"),
    )
    publisher = django_filters.CharFilter(
        method="cited_from_publisher",
        max_length=200,
        label=_("Publisher"),
        help_text=_("Of a cited source, e.g. Amnesty."),
    )
    sort = StableOrderingFilter(
        fields=(("date_sort", "date"), ("title", "title"), ("event_type", "type")),
        field_labels={"date_sort": _("Date"), "title": _("Title"), "event_type": _("Type")},
        label=_("Sort by"),
    )

    class Meta:
        model = Event
        fields = []

    def holding_words(self, queryset, name, value):
        return search(queryset, value, every_match=self.reads_every_match)

    def cited_from_publisher(self, queryset, name, value):
        cited = Citation.objects.filter(source__publisher__icontains=value).values("event")
        return queryset.filter(pk__in=cited)


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
    facets = {"language": "language"}

    q = SearchFilter(fields=["title", "publisher", "author"], help_text=_("Words in the title, publisher or author."))
    publisher = django_filters.CharFilter(lookup_expr="icontains", max_length=200, label=_("Publisher"))
    published_from = IntervalOverlapFilter(
        field_name="published",
        bound="from",
        label=_("Published from"),
        help_text=_("YYYY, YYYY-MM or YYYY-MM-DD."),
    )
    published_to = IntervalOverlapFilter(field_name="published", bound="to", label=_("Published to"))
    language = django_filters.ChoiceFilter(choices=LANGUAGE_CHOICES, label=_("Language"))
    sort = StableOrderingFilter(
        fields=(("published_sort", "published"), ("title", "title"), ("publisher", "publisher")),
        field_labels={"published_sort": _("Publication date"), "title": _("Title"), "publisher": _("Publisher")},
        label=_("Sort by"),
    )

    class Meta:
        model = Source
        fields = []


rename_filters(SourceFilter, published_from="from", published_to="to")
