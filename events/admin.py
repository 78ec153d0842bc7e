from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.forms.models import BaseInlineFormSet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from civicspace.admin import (
    CountryInUseListFilter,
    HistoryAdmin,
    LabelledInlineFormSet,
    PartOfReviewedRecord,
    RelatedNameLabels,
    ReviewRule,
    is_reviewer,
)
from civicspace.forms import (
    IntervalField,
    IntervalFormMixin,
    TextCheckForm,
    TextCheckModelForm,
    VersionCheckForm,
    link_field,
)
from civicspace.models import linked_count
from civicspace.text import parse_number
from events import admin_views, services
from events.models import (
    EVENT_TYPE_DEFINITIONS,
    Citation,
    Event,
    EventOrganisation,
    EventPerson,
    EventStatus,
    Source,
    SourceCopy,
)
from events.search import search_condition
from organisations.models import Organisation

UNSOURCED_MESSAGE = _(
    "An event without a source cannot be published: add a citation with its quoted passage, or keep it as a draft."
)  # also said when its citations quote nothing yet
UNQUOTED_MESSAGE = _("A published event's citations each quote their source: copy the passage here.")
NOT_A_REVIEWER_MESSAGE = _(
    "Only reviewers can publish, unpublish or withdraw an event. Save it as a draft and ask a reviewer to check it."
)
# Statuses the public can see (withdrawn events answer 410 with a notice): only reviewers move events into or out.
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.WITHDRAWN)


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


DATE_HELP = _(
    "Fill only what the source says: the year, the month and year, or the full date. When the sources only bound "
    "it, say how: no later than that date, no earlier than it, or between it and a second date."
)


class EventAdminForm(VersionCheckForm, IntervalFormMixin, TextCheckModelForm):
    intervals = ["date"]
    can_publish = False  # set by EventAdmin.get_form from the user's permissions
    date = IntervalField(label=_("Date"), help_text=DATE_HELP)

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


class SourceAdminForm(VersionCheckForm, IntervalFormMixin, TextCheckModelForm):
    intervals = ["published"]
    published = IntervalField(label=pgettext_lazy("of a source", "Published"), required=False, help_text=DATE_HELP)
    url = link_field(Source, "url", _("Link"))

    class Meta:
        model = Source
        fields = "__all__"


# A pasted text is sent with the form: Django refuses a request body over 2.5 MB (DATA_UPLOAD_MAX_MEMORY_SIZE) before
# any form sees it, so the limit stays well under it in any script. A longer document is kept as a file.
MAX_COPY_TEXT_CHARS = 500_000


class SourceCopyForm(TextCheckModelForm):
    archive_url = link_field(SourceCopy, "archive_url", _("Web-archive capture"))

    class Meta:
        model = SourceCopy
        fields = ["text", "file", "archive_url", "retrieved_on", "note"]

    def clean_text(self):
        # Browsers send a textarea's line breaks as CRLF whatever the source had: keep the text as retrieved.
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        if len(text) > MAX_COPY_TEXT_CHARS:
            raise forms.ValidationError(
                _(
                    "The text has %(length)s characters; at most %(limit)s can be pasted. Save the page or "
                    "document as a file and upload it instead."
                )
                % {"length": f"{len(text):,}", "limit": f"{MAX_COPY_TEXT_CHARS:,}"},
                code="text_too_long",
            )
        return text

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.TRACKER_SOURCE_COPY_MAX_BYTES
        if upload and upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; at most %(limit)s can be uploaded.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="file_too_large",
            )
        return upload


class KeptCopyInline(PartOfReviewedRecord, admin.StackedInline):
    """The copies already kept. What a copy holds never changes, since its hash vouches for it: a correction is a
    new copy. Its retrieval date and note can still be corrected."""

    model = SourceCopy
    form = TextCheckModelForm
    extra = 0
    fields = ["held", "sha256", ("retrieved_on", "created_at"), "note"]
    readonly_fields = ["held", "sha256", "created_at"]

    def has_add_permission(self, request, obj):
        return False

    @admin.display(description=_("copy"))
    def held(self, copy):
        parts = []
        if copy.text:
            parts.append(
                format_html(
                    "<p>{}</p><blockquote>{}</blockquote>",
                    ngettext("Text of %(count)s character:", "Text of %(count)s characters:", len(copy.text))
                    % {"count": f"{len(copy.text):,}"},
                    Truncator(copy.text).chars(COPY_PREVIEW_CHARS),
                )
            )
        if copy.file:
            url = reverse("admin:events_sourcecopy_file", args=[copy.pk])
            try:
                size = filesizeformat(copy.file.size)
            except OSError:
                size = _("missing from the file storage: restore it from the backup")
            parts.append(format_html('<p><a href="{}">{}</a> ({})</p>', url, PurePath(copy.file.name).name, size))
        if copy.archive_url:
            parts.append(format_html('<p><a href="{0}" rel="noopener noreferrer">{0}</a></p>', copy.archive_url))
        return format_html_join("", "{}", ((part,) for part in parts))


COPY_PREVIEW_CHARS = 600


class NewCopyInline(PartOfReviewedRecord, admin.StackedInline):
    """A form to add one copy: paste the text, upload a file or give a web-archive capture's address."""

    model = SourceCopy
    form = SourceCopyForm
    extra = 1
    max_num = 1
    verbose_name = _("new kept copy")
    verbose_name_plural = _("keep a copy")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    # Shown only to whoever may add a copy to this source; the copies kept are in KeptCopyInline.
    def has_view_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WithdrawForm(TextCheckForm):
    reason = forms.CharField(
        label=_("Reason for withdrawal (shown to the public)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )


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


class EventPartInline(PartOfReviewedRecord, RelatedNameLabels):
    """Rows inside an event follow the event: a contributor cannot change them once it is public."""


class CitationInline(EventPartInline, admin.StackedInline):
    model = Citation
    form = TextCheckModelForm
    formset = CitationFormSet
    extra = 1
    autocomplete_fields = ["source"]
    fields = [("source", "location"), "quote", ("reported_as", "alleged_by")]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 100})}}


class EventOrganisationInline(EventPartInline, admin.TabularInline):
    model = EventOrganisation
    form = TextCheckModelForm
    formset = LabelledInlineFormSet
    extra = 1
    autocomplete_fields = ["organisation"]


class EventPersonInline(EventPartInline, admin.TabularInline):
    model = EventPerson
    form = TextCheckModelForm
    formset = LabelledInlineFormSet
    extra = 1
    autocomplete_fields = ["person"]


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date_sort", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        year = parse_number(self.value() or "", 1, 9999)
        if year is not None:
            return queryset.filter(date_sort__year=year)
        return queryset


# The event list's sidebar lists every organisation that events concern while there are at most this many.
ORGANISATIONS_LISTED_AT_MOST = 200


class OrganisationListFilter(admin.SimpleListFilter):
    """The events that concern one organisation.

    The sidebar lists the organisations that events concern while there are few. Past ORGANISATIONS_LISTED_AT_MOST it
    lists only the one chosen, which the organisations' list links to from each organisation's count of events: a
    sidebar of 100,000 organisations weighed 61 MB and took 13 s to read at a million events."""

    title = _("organisation")
    parameter_name = "organisations__id__exact"  # Django's own name for this filter, so that older links still work

    def lookups(self, request, model_admin):
        concerned = Organisation.objects.filter(Exists(EventOrganisation.objects.filter(organisation=OuterRef("pk"))))
        listed = list(concerned.order_by("name", "pk")[: ORGANISATIONS_LISTED_AT_MOST + 1])
        if len(listed) > ORGANISATIONS_LISTED_AT_MOST:
            listed = list(Organisation.objects.filter(pk=self.chosen())) if self.chosen() else []
        return [(str(organisation.pk), str(organisation)) for organisation in listed]

    def chosen(self):
        return parse_number(self.value() or "")

    def has_output(self):
        # Django applies only the filters it shows: a chosen organisation is applied even when it is not listed.
        return super().has_output() or self.chosen() is not None

    def queryset(self, request, queryset):
        if self.chosen() is None:
            return queryset
        # Exists, not a join: an event that concerns the organisation twice (two roles) is listed once.
        return queryset.filter(
            Exists(EventOrganisation.objects.filter(event=OuterRef("pk"), organisation=self.chosen()))
        )


@admin.register(Event)
class EventAdmin(ReviewRule, HistoryAdmin):
    form = EventAdminForm
    ordering = ["-date_sort", "-id"]
    inlines = [CitationInline, EventOrganisationInline, EventPersonInline]
    list_display = ["title", "date_column", "event_type", "outcome", "status", "country", "citation_count"]
    list_display_links = ["title"]
    list_filter = [
        "status",
        "event_type",
        YearListFilter,
        CountryInUseListFilter,
        "outcome",
        OrganisationListFilter,
    ]
    # Django shows the search box when there are search fields; what a search finds is get_search_results', which
    # reads these fields through indexes (and the names of what an event concerns as a whole text).
    search_fields = [
        "title",
        "summary",
        "citations__quote",
        "organisations__name",
        "organisations__acronym",
        "people__name",
    ]
    date_hierarchy = "date_sort"
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
        (None, {"fields": ["title", "event_type", ("date", "date_certainty"), "end_date"]}),
        (None, {"fields": [("country", "location"), "summary", "target_kind"]}),
        (
            _("Who acted and why"),
            {
                "fields": ["authority", "justification", "outcome"],
                "description": _(
                    "Keep the authority's wording as the source gives it, and link the organisation or person that "
                    "acted below with the role perpetrator, so that researchers can filter by who did it."
                ),
            },
        ),
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
    reviewer_only_fields = ["status", "withdrawal_reason"]
    history_list_display = ["status"]
    object_history_template = "admin/events/event/object_history.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=linked_count(Event, "citations", "pk"))

    def get_search_results(self, request, queryset, search_term):
        """Events whose title, summary or a quoted passage hold every word (the public search's index,
        events/search.py), or that concern an organisation or a person whose name holds the text.

        Not Django's search, which reads every event's text (no index serves ``icontains``) and joins the links, so that
        it must then read the matches DISTINCT: 30 s for a common word at a million events."""
        if not search_term.strip():
            return queryset, False
        queryset, words_held = search_condition(queryset, search_term, every_match=True)
        organisations = Q(organisation__name__icontains=search_term) | Q(organisation__acronym__icontains=search_term)
        found = (
            words_held
            | Q(pk__in=EventOrganisation.objects.filter(organisations).values("event"))
            | Q(pk__in=EventPerson.objects.filter(person__name__icontains=search_term).values("event"))
        )
        return queryset.filter(found), False

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

    @admin.display(description=_("date"), ordering="date_sort")
    def date_column(self, obj):
        return obj.date

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.can_publish = is_reviewer(request.user)  # a fresh class each call
        return form

    def seen_by_public(self, obj):
        # A withdrawn event was public and its address still answers: it stays the reviewers' too.
        return obj is not None and obj.status != EventStatus.DRAFT

    def has_publish_permission(self, request):
        return is_reviewer(request.user)

    def has_delete_permission(self, request, obj=None):
        # Nobody deletes what the public has seen: reviewers withdraw it instead, and it stays in the history.
        if self.seen_by_public(obj):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.warn_of_protected_names(request, [form.instance])

    def warn_of_protected_names(self, request, events):
        """The editors' text is published as entered: say where it names someone the public must not know."""
        for event in events:
            for person, where in services.protected_names_in_public_text(event):
                self.message_user(
                    request,
                    _(
                        "%(event)s: its %(field)s names %(person)s, whose identity is protected (%(protection)s). "
                        "The public reads that text as entered: reword it unless the source makes this public."
                    )
                    % {
                        "event": event.title,
                        "field": where,
                        "person": person.name,
                        "protection": person.get_protection_display(),
                    },
                    messages.WARNING,
                )

    @admin.action(description=_("Publish selected events"), permissions=["publish"])
    def publish(self, request, queryset):
        published, refused = services.publish_events(queryset, request.user)
        self.warn_of_protected_names(request, published)
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
        form = WithdrawForm(request.POST if "reason" in request.POST else None)
        if not form.is_valid():
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
                    "form": form,
                },
            )
        changed = services.withdraw_events(queryset, request.user, form.cleaned_data["reason"])
        self.message_user(
            request,
            ngettext("Withdrew %(count)d event.", "Withdrew %(count)d events.", len(changed)) % {"count": len(changed)},
            messages.SUCCESS,
        )
        return None


@admin.register(Source)
class SourceAdmin(ReviewRule, HistoryAdmin):
    form = SourceAdminForm
    ordering = ["-published_sort", "title"]  # explicit: as above
    list_display = ["title", "publisher", "published_column", "language", "citation_count"]
    list_filter = ["publisher", "language", "published_earliest_precision"]
    search_fields = ["title", "publisher", "author", "url", "notes", "copies__text"]
    inlines = [KeptCopyInline, NewCopyInline]
    date_hierarchy = "published_latest"
    fields = [
        "title",
        ("publisher", "author"),
        "url",
        ("published", "published_certainty"),
        "language",
        "notes",
        "loaded_version",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=linked_count(Source, "citations", "pk"))

    def get_inlines(self, request, obj):
        return self.inlines if obj else [NewCopyInline]

    def get_urls(self):
        view = self.admin_site.admin_view(self.copy_file_view)
        return [path("copy/<int:copy_id>/file/", view, name="events_sourcecopy_file"), *super().get_urls()]

    def copy_file_view(self, request, copy_id):
        """A kept file, to whoever may see its source in the admin; always as a download, so that an uploaded web
        page never runs in the admin's origin. Files have no public address."""
        copy = get_object_or_404(SourceCopy.objects.exclude(file="").select_related("source"), pk=copy_id)
        if not self.has_view_permission(request, copy.source):
            raise PermissionDenied
        try:
            handle = copy.file.open("rb")
        except OSError:
            raise Http404(_("The file is missing from the file storage.")) from None
        return FileResponse(handle, as_attachment=True, filename=PurePath(copy.file.name).name)

    @admin.display(description=_("published"), ordering="published_sort")
    def published_column(self, obj):
        return obj.published or ""

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count
