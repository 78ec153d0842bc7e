from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from civicspace.admin import CountryInUseListFilter
from civicspace.forms import PartialDateField, PartialDateFormMixin
from organisations.models import Affiliation, Organisation, OrganisationStatus, Person


class OrganisationAdminForm(PartialDateFormMixin, forms.ModelForm):
    partial_dates = {"founded_on": "founded_precision"}
    founded_on = PartialDateField(label=_("Founded"), required=False, help_text=_("Only what the source says."))

    class Meta:
        model = Organisation
        fields = "__all__"


class StatusListFilter(admin.SimpleListFilter):
    title = _("public status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return OrganisationStatus.choices

    def queryset(self, request, queryset):
        if self.value() in OrganisationStatus.values:
            return queryset.filter(status=self.value())
        return queryset


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["person", "organisation"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    ordering = ["name"]  # explicit: Meta.ordering is dropped once the queryset aggregates
    list_display = ["name", "acronym", "kind", "country", "status_column", "event_count"]
    list_filter = ["kind", StatusListFilter, CountryInUseListFilter]
    search_fields = ["name", "acronym", "other_names", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AffiliationInline]
    fields = [
        "name",
        "acronym",
        "other_names",
        ("kind", "country"),
        ("founded_on", "founded_precision"),
        "description",
        "slug",
    ]

    def get_queryset(self, request):
        # Event counts include drafts (editors need to see their own work); the status is the public one.
        return (
            super()
            .get_queryset(request)
            .with_status(published_only=True)
            .annotate(event_count=Count("event_links__event", distinct=True))
        )

    @admin.display(description=_("public status"), ordering="status")
    def status_column(self, obj):
        return OrganisationStatus(obj.status).label

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, obj):
        return obj.event_count


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    ordering = ["name"]  # explicit: Meta.ordering is dropped once the queryset aggregates
    list_display = ["name", "description", "country", "event_count"]
    list_filter = [CountryInUseListFilter]
    search_fields = ["name", "other_names", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AffiliationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("event_links__event", distinct=True))

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, obj):
        return obj.event_count
