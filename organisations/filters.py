"""The public filters for organisations and people; each list page and its CSV twin use the same FilterSet."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicspace.filters import ChosenRecordsFilter, SearchFilter, StableOrderingFilter, country_choices, resolver
from civicspace.models import published_links
from civicspace.vocabulary import EventType, Role

from .models import IDENTIFIED, Affiliation, Organisation, OrganisationKind, OrganisationStatus, Person, Protection


class OrganisationFilter(django_filters.FilterSet):
    # Filters whose choices show how many organisations the other filters keep with each value.
    facets = {"kind": "kind", "country": "country", "status": "status"}

    q = SearchFilter(
        fields=["name", "acronym", "other_names", "description"],
        help_text=_("Words in the name, acronym, other names or description."),
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=OrganisationKind.choices, distinct=False, label=_("Kind"), widget=forms.CheckboxSelectMultiple
    )
    country = django_filters.ChoiceFilter(choices=country_choices, label=_("Country"))
    # ``status`` is derived from the published events and stored (events/status.py): an indexed filter.
    status = django_filters.ChoiceFilter(choices=OrganisationStatus.choices, label=_("Current status"))
    event_type = django_filters.ChoiceFilter(
        choices=EventType.choices,
        method="has_events_of_type",
        label=_("Has events of type"),
    )
    role = django_filters.ChoiceFilter(
        choices=Role.choices,
        method="has_role_in_events",
        label=_("Role in events"),
        help_text=_("Perpetrator: the organisations that carried out measures."),
    )
    sort = StableOrderingFilter(
        fields=(("name", "name"), ("country", "country"), ("public_event_count", "events")),
        field_labels={"name": _("Name"), "country": _("Country"), "public_event_count": _("Number of events")},
        label=_("Sort by"),
    )

    class Meta:
        model = Organisation
        fields = []

    def has_events_of_type(self, queryset, name, value):
        links = published_links(Organisation, "event_links", event__event_type=value)
        return queryset.filter(pk__in=links.values("organisation"))

    def has_role_in_events(self, queryset, name, value):
        links = published_links(Organisation, "event_links", role=value)
        return queryset.filter(pk__in=links.values("organisation"))


def pseudonym_contains(word):
    return Q(protection=Protection.PSEUDONYMISED, pseudonym__icontains=word)


class PersonFilter(django_filters.FilterSet):
    """Filters on who someone is (names, description, affiliations, country) match only people the public may
    identify: a pseudonymised person is found by the pseudonym alone, so no filter reveals who is behind it."""

    # Counted over the people the public may identify only, as the filter matches them: a pseudonymised person's
    # country is not public.
    facets = {"country": ("country", IDENTIFIED)}

    q = SearchFilter(
        fields=["name", "other_names", "description"],
        only=IDENTIFIED,
        also=pseudonym_contains,
        help_text=_("Words in the name or description."),
    )
    organisation = ChosenRecordsFilter(
        # Members the public may identify only: an affiliation beside a pseudonym would say who is behind it.
        link=lambda organisations: Affiliation.objects.filter(
            organisation__in=organisations, person__protection=Protection.PUBLIC
        ).values("person"),
        resolve=resolver(Organisation.objects.public, "slug", ["name", "acronym"]),
        record_label=str,
        suggest_url_name="organisations:suggest-organisations",
        label=_("Organisation"),
        help_text=_("People affiliated with it."),
    )
    role = django_filters.ChoiceFilter(
        choices=Role.choices,
        method="has_role_in_events",
        label=_("Role in events"),
    )
    country = django_filters.ChoiceFilter(choices=country_choices, method="identified_in_country", label=_("Country"))
    sort = StableOrderingFilter(
        fields=(("name_shown", "name"), ("public_event_count", "events")),
        field_labels={"name_shown": _("Name"), "public_event_count": _("Number of events")},
        label=_("Sort by"),
    )

    class Meta:
        model = Person
        fields = []

    def has_role_in_events(self, queryset, name, value):
        links = published_links(Person, "event_links", role=value)
        return queryset.filter(pk__in=links.values("person"))

    def identified_in_country(self, queryset, name, value):
        return queryset.filter(IDENTIFIED, country=value)
