from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from civicspace.admin import CountryInUseListFilter, HistoryAdmin, RelatedNameLabels
from civicspace.forms import PartialDateField, PartialDateFormMixin, VersionCheckForm
from events import admin_views, services
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
)  # also said when its citations quote nothing yet
UNQUOTED_MESSAGE = _("A published event's citations each quote their source: copy the passage here.")
NOT_A_REVIEWER_MESSAGE = _(
    "Only reviewers can publish, unpublish or withdraw an event. Save it as a draft and ask a reviewer to check it."
)
# Statuses the public can see (withdrawn events answer 410 with a notice): only reviewers move events into or out.
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.WITHDRAWN)


def can_publish(user):
    return user.has_perm("events.publish_event")


def stored_status(event):
    """The status in the database (draft for a new event); the instance may be a copy restored from history."""
    if event.pk is None:
        return EventStatus.DRAFT
    return Event.objects.filter(pk=event.pk).values_list("status", flat=True).first() or EventStatus.DRAFT


def type_help():
    """The definitions of the types, folded away under the type field until an editor needs them."""
    definitions = format_html_join(
        "", "<dt>{}</dt><dd>{}</dd>", ((event_type.label, text) for event_type, text in EVENT_TYPE_DEFINITIONS.items())
    )
    return format_html("<details><summary>{}</summary><dl>{}</dl></details>", _("What each type means"), definitions)


class EventAdminForm(VersionCheckForm, PartialDateFormMixin, forms.ModelForm):
    partial_dates = {"date": "date_precision"}
    can_publish = False  # set by EventAdmin.get_form from the user's permissions
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

    def clean(self):
        cleaned_data = super().clean()
        # Defence in depth: the status field is read-only for contributors, but a restore from history or a forged
        # POST could still carry a public status.
        status = cleaned_data.get("status", self.instance.status)
        previous = stored_status(self.instance)
        moves_in_or_out = status in PUBLIC_STATUSES or previous in PUBLIC_STATUSES
        if status != previous and moves_in_or_out and not self.can_publish:
            raise forms.ValidationError(NOT_A_REVIEWER_MESSAGE, code="not_a_reviewer")
        return cleaned_data


class SourceAdminForm(VersionCheckForm, PartialDateFormMixin, forms.ModelForm):
    partial_dates = {"published_on": "published_precision"}
    published_on = PartialDateField(label=pgettext_lazy("of a source", "Published"), required=False)
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
        kept = [form for form in self.forms if form.cleaned_data.get("source") and not self._should_delete_form(form)]
        if not kept:
            raise forms.ValidationError(UNSOURCED_MESSAGE, code="unsourced")
        for form in kept:
            if not form.cleaned_data.get("quote", "").strip():
                form.add_error("quote", UNQUOTED_MESSAGE)


class EventPartInline(RelatedNameLabels):
    """Rows inside an event follow the event: a contributor cannot change them once it is public."""

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and editable_by(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and editable_by(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and editable_by(request.user, obj)


def editable_by(user, event):
    return event is None or event.status == EventStatus.DRAFT or can_publish(user)


class CitationInline(EventPartInline, admin.StackedInline):
    model = Citation
    formset = CitationFormSet
    extra = 1
    autocomplete_fields = ["source"]
    fields = [("source", "location"), "quote"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 100})}}


class EventOrganisationInline(EventPartInline, admin.TabularInline):
    model = EventOrganisation
    extra = 1
    autocomplete_fields = ["organisation"]


class EventPersonInline(EventPartInline, admin.TabularInline):
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
        if value and value.isdigit() and 1 <= int(value) <= 9999:
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(Event)
class EventAdmin(HistoryAdmin):
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
    actions = ["publish", "unpublish", "withdraw"]
    readonly_fields = [
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "published_at",
        "published_by",
        "withdrawn_at",
        "withdrawn_by",
    ]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "event_type", ("date", "date_precision", "date_certainty"), "end_date"]}),
        (None, {"fields": [("country", "location"), "summary"]}),
        (_("Who acted and why"), {"fields": ["authority", "justification", "outcome"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    ("published_at", "published_by"),
                    ("withdrawn_at", "withdrawn_by"),
                    "withdrawal_reason",
                    ("created_at", "created_by"),
                    ("updated_at", "updated_by"),
                    "loaded_version",
                ]
            },
        ),
    ]
    history_list_display = ["status"]
    object_history_template = "admin/events/event/object_history.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations", distinct=True))

    def get_changeform_initial_data(self, request):
        initial = {"country": settings.TRACKER_DEFAULT_COUNTRY} if settings.TRACKER_DEFAULT_COUNTRY else {}
        return {**initial, **super().get_changeform_initial_data(request)}

    def get_urls(self):
        site = self.admin_site
        return [
            path("import/", site.admin_view(admin_views.import_view), {"admin_site": site}, name="events_import"),
            path("quality/", site.admin_view(admin_views.quality_view), {"admin_site": site}, name="events_quality"),
            *super().get_urls(),
        ]

    @admin.display(description=_("date"), ordering="date")
    def date_column(self, obj):
        return obj.date_display

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.can_publish = can_publish(request.user)  # a fresh class each call
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not can_publish(request.user):
            return [*fields, "status", "withdrawal_reason"]
        return fields

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and editable_by(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Nobody deletes what the public has seen: reviewers withdraw it instead, and it stays in the history.
        if obj is not None and obj.status != EventStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.exclude(status=EventStatus.DRAFT).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        # The citations and links are edited inside the event's form, so their history is shown on its page too.
        # Each row's label and diff read the source, organisation or person it names: a few queries per row, on
        # a page that lists one event's parts.
        self.check_object_id(object_id)
        parts = []
        for model in (Citation, EventOrganisation, EventPerson):
            for record in model.history.filter(event_id=object_id).select_related("history_user"):
                record.kind = capfirst(model._meta.verbose_name)
                parts.append(record)
        parts.sort(key=lambda record: record.history_date, reverse=True)
        for record in parts:
            previous = record.prev_record if record.history_type == "~" else None
            record.changes = previous and record.diff_against(previous).changes
        extra_context = {**(extra_context or {}), "part_history": parts}
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        services.record_status_change(obj, stored_status(obj), request.user)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish selected events"), permissions=["publish"])
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

    @admin.action(description=_("Unpublish selected events (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        changed = services.unpublish_events(queryset, request.user)
        self.message_user(
            request,
            ngettext("Returned %(count)d event to draft.", "Returned %(count)d events to draft.", len(changed))
            % {"count": len(changed)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw selected published events"), permissions=["publish"])
    def withdraw(self, request, queryset):
        """Ask for the reason first: it is shown on the public page of each withdrawn event."""
        if "reason" not in request.POST:
            return TemplateResponse(
                request,
                "admin/events/event/withdraw_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Withdraw events"),
                    "opts": self.model._meta,
                    "events": queryset.filter(status=EventStatus.PUBLISHED),
                    "skipped": queryset.exclude(status=EventStatus.PUBLISHED),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        changed = services.withdraw_events(queryset, request.user, request.POST["reason"].strip())
        self.message_user(
            request,
            ngettext("Withdrew %(count)d event.", "Withdrew %(count)d events.", len(changed)) % {"count": len(changed)},
            messages.SUCCESS,
        )
        return None


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
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
        "loaded_version",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations", distinct=True))

    @admin.display(description=_("published"), ordering="published_on")
    def published_column(self, obj):
        return obj.published_display

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count
