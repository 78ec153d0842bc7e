"""The public filters for organisations and people; each list page and its CSV twin use the same FilterSet."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from civicspace.filters import QuickSelect, SearchFilter, StableOrderingFilter
from events.models import EventOrganisation, EventPerson, EventStatus, EventType, Role

from .models import Organisation, OrganisationKind, OrganisationStatus, Person


def published_links(link_model, **conditions):
    """``link_model`` rows whose event is published, so that drafts never decide what a filter matches."""
    return link_model.objects.filter(event__status=EventStatus.PUBLISHED, **conditions)


class OrganisationFilter(django_filters.FilterSet):
    q = SearchFilter(
        fields=["name", "acronym", "other_names", "description"],
        help_text=_("Words in the name, acronym, other names or description."),
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=OrganisationKind.choices, label=_("Kind"), widget=forms.CheckboxSelectMultiple
    )
    country = django_filters.ChoiceFilter(choices=lambda: list(countries), label=_("Country"))
    # ``status`` is annotated by ``Organisation.objects.with_status()``, which the list's queryset applies.
    status = django_filters.ChoiceFilter(choices=OrganisationStatus.choices, label=_("Current status"))
    event_type = django_filters.ChoiceFilter(
        choices=EventType.choices,
        method="has_events_of_type",
        label=_("Has events of type"),
    )
    sort = StableOrderingFilter(
        fields=(("name", "name"), ("country", "country"), ("event_count", "events")),
        field_labels={"name": _("Name"), "country": _("Country"), "event_count": _("Number of events")},
        label=_("Sort by"),
    )

    class Meta:
        model = Organisation
        fields = []

    def has_events_of_type(self, queryset, name, value):
        links = published_links(EventOrganisation, event__event_type=value)
        return queryset.filter(pk__in=links.values("organisation"))


class PersonFilter(django_filters.FilterSet):
    q = SearchFilter(fields=["name", "other_names", "description"], help_text=_("Words in the name or description."))
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisations",
        to_field_name="slug",
        queryset=Organisation.objects.all(),
        distinct=True,
        label=_("Organisation"),
        help_text=_("People affiliated with it."),
        widget=QuickSelect,
    )
    role = django_filters.ChoiceFilter(
        choices=Role.choices,
        method="has_role_in_events",
        label=_("Role in events"),
    )
    country = django_filters.ChoiceFilter(choices=lambda: list(countries), label=_("Country"))
    sort = StableOrderingFilter(
        fields=(("name", "name"), ("event_count", "events")),
        field_labels={"name": _("Name"), "event_count": _("Number of events")},
        label=_("Sort by"),
    )

    class Meta:
        model = Person
        fields = []

    def has_role_in_events(self, queryset, name, value):
        links = published_links(EventPerson, role=value)
        return queryset.filter(pk__in=links.values("person"))
