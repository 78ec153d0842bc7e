from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from civicspace.admin import CountryInUseListFilter
from civicspace.forms import PartialDateField, PartialDateFormMixin
from events import services
from events.models import (
    EVENT_TYPE_DEFINITIONS,
    Citation,
    Event,
    EventOrganisation,
    EventPerson,
    EventStatus,
    Source,
)

UNSOURCED_MESSAGE = _(
    "An event without a source cannot be published: add a citation with its quoted passage, or keep it as a draft."
)


def type_help():
    """The definitions of the types, folded away under the type field until an editor needs them."""
    definitions = format_html_join(
        "", "<dt>{}</dt><dd>{}</dd>", ((event_type.label, text) for event_type, text in EVENT_TYPE_DEFINITIONS.items())
    )
    return format_html("<details><summary>{}</summary><dl>{}</dl></details>", _("What each type means"), definitions)


class EventAdminForm(PartialDateFormMixin, forms.ModelForm):
    partial_dates = {"date": "date_precision"}
    date = PartialDateField(
        label=_("Date"), help_text=_("Fill only what the source says: the year, the month and year, or the full date.")
    )

    class Meta:
        model = Event
        fields = "__all__"
        widgets = {"summary": forms.Textarea(attrs={"rows": 4}), "justification": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "event_type" in self.fields:
            self.fields["event_type"].help_text = type_help()


class SourceAdminForm(PartialDateFormMixin, forms.ModelForm):
    partial_dates = {"published_on": "published_precision"}
    published_on = PartialDateField(label=_("Published"), required=False)
    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text=Source._meta.get_field("url").help_text,
    )

    class Meta:
        model = Source
        fields = "__all__"


class CitationFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.status != EventStatus.PUBLISHED:
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("source")
            and not form.cleaned_data.get("DELETE")
            and form not in self.deleted_forms
        ]
        if not kept:
            raise forms.ValidationError(UNSOURCED_MESSAGE, code="unsourced")


class CitationInline(admin.StackedInline):
    model = Citation
    formset = CitationFormSet
    extra = 1
    autocomplete_fields = ["source"]
    fields = [("source", "location"), "quote"]
    formfield_overrides = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "quote":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 100})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class EventOrganisationInline(admin.TabularInline):
    model = EventOrganisation
    extra = 1
    autocomplete_fields = ["organisation"]


class EventPersonInline(admin.TabularInline):
    model = EventPerson
    extra = 1
    autocomplete_fields = ["person"]


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    ordering = ["-date", "-id"]  # explicit: Meta.ordering is dropped once the queryset aggregates
    inlines = [CitationInline, EventOrganisationInline, EventPersonInline]
    list_display = ["title", "date_column", "event_type", "outcome", "status", "country", "citation_count"]
    list_display_links = ["title"]
    list_filter = [
        "status",
        "event_type",
        YearListFilter,
        CountryInUseListFilter,
        "outcome",
        ("organisations", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "title",
        "summary",
        "citations__quote",
        "organisations__name",
        "organisations__acronym",
        "people__name",
    ]
    date_hierarchy = "date"
    actions = ["publish", "unpublish"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "event_type", ("date", "date_precision", "date_certainty"), "end_date"]}),
        (None, {"fields": [("country", "location"), "summary"]}),
        (_("Who acted and why"), {"fields": ["authority", "justification", "outcome"]}),
        (_("Publication"), {"fields": ["status", ("created_at", "created_by"), ("updated_at", "updated_by")]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations", distinct=True))

    def get_changeform_initial_data(self, request):
        initial = {"country": settings.TRACKER_DEFAULT_COUNTRY} if settings.TRACKER_DEFAULT_COUNTRY else {}
        return {**initial, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("date"), ordering="date")
    def date_column(self, obj):
        return obj.date_display

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish selected events"), permissions=["change"])
    def publish(self, request, queryset):
        published, refused = services.publish_events(queryset, request.user)
        if published:
            self.message_user(
                request,
                ngettext("Published %(count)d event.", "Published %(count)d events.", len(published))
                % {"count": len(published)},
                messages.SUCCESS,
            )
        if refused:
            titles = "; ".join(event.title for event in refused)
            self.message_user(request, f"{UNSOURCED_MESSAGE} {_('Not published')}: {titles}", messages.ERROR)

    @admin.action(description=_("Unpublish selected events (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        changed = services.unpublish_events(queryset, request.user)
        self.message_user(
            request,
            ngettext("Returned %(count)d event to draft.", "Returned %(count)d events to draft.", len(changed))
            % {"count": len(changed)},
            messages.SUCCESS,
        )


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceAdminForm
    ordering = ["-published_on", "title"]  # explicit: as above
    list_display = ["title", "publisher", "published_column", "language", "citation_count"]
    list_filter = ["publisher", "language", "published_precision"]
    search_fields = ["title", "publisher", "author", "url", "notes"]
    date_hierarchy = "published_on"
    fields = [
        "title",
        ("publisher", "author"),
        "url",
        ("published_on", "published_precision", "published_certainty"),
        "language",
        "notes",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations", distinct=True))

    @admin.display(description=_("published"), ordering="published_on")
    def published_column(self, obj):
        return obj.published_display

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count
