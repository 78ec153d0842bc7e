from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from civicspace.admin import (
    CountryInUseListFilter,
    HistoryAdmin,
    LabelledInlineFormSet,
    PartOfReviewedRecord,
    RelatedNameLabels,
    ReviewRule,
)
from civicspace.forms import IntervalField, IntervalFormMixin, TextCheckModelForm, VersionCheckForm
from civicspace.models import linked_count
from events.admin import OrganisationListFilter
from organisations import services
from organisations.models import Affiliation, Organisation, Person

CONFIRM_FIELD = "confirm_different"


class DuplicateCheckForm(forms.Form):
    """Mix into a ModelForm: warn, with links, when a new or renamed record looks like one already recorded, and
    save only once the editor ticks that it is a different one."""

    confirm_different = forms.BooleanField(required=False)
    confirm_label = ""
    watched_fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[CONFIRM_FIELD].label = self.confirm_label

    def similar(self, cleaned_data):
        raise NotImplementedError

    def clean(self):
        cleaned_data = super().clean()
        renamed = not self.instance.pk or any(field in self.changed_data for field in self.watched_fields)
        if not renamed or cleaned_data.get(CONFIRM_FIELD) or not cleaned_data.get("name"):
            return cleaned_data
        similar = self.similar(cleaned_data)
        if similar:
            links = format_html_join(
                ", ",
                '<a href="{}" target="_blank">{}</a>',
                ((reverse(admin_change_url(record), args=[record.pk]), str(record)) for record in similar),
            )
            self.add_error(
                None,
                format_html(
                    "{} {}. {}",
                    _("This looks like a record already in the tracker:"),
                    links,
                    _('Use that one, or tick "%(label)s" below and save again.') % {"label": self.confirm_label},
                ),
            )
        return cleaned_data


def admin_change_url(record):
    return f"admin:{record._meta.app_label}_{record._meta.model_name}_change"


class OrganisationAdminForm(DuplicateCheckForm, VersionCheckForm, IntervalFormMixin, TextCheckModelForm):
    intervals = ["founded"]
    founded = IntervalField(
        label=_("Founded"),
        required=False,
        help_text=_('Only what the source says: "Since 1922, FIDH has..." is no later than 1922.'),
    )
    confirm_label = _("This is a different organisation")
    watched_fields = ["name", "acronym", "country"]

    class Meta:
        model = Organisation
        fields = "__all__"

    def similar(self, cleaned_data):
        return services.similar_organisations(
            cleaned_data["name"], cleaned_data.get("acronym", ""), cleaned_data.get("country", ""), self.instance.pk
        )


class PersonAdminForm(DuplicateCheckForm, VersionCheckForm, TextCheckModelForm):
    confirm_label = _("This is a different person")

    class Meta:
        model = Person
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "protection" in self.fields:
            # Its default is read from settings (a callable), for which Django adds a hidden copy of the initial
            # value; that copy carries the field's aria attributes, which a hidden input may not.
            self.fields["protection"].show_hidden_initial = False

    def similar(self, cleaned_data):
        return services.similar_people(cleaned_data["name"], self.instance.pk)

    def clean(self):
        cleaned_data = super().clean()
        pseudonym_slug = cleaned_data.get("pseudonym_slug", self.instance.pseudonym_slug)
        for field, value in (("slug", cleaned_data.get("slug")), ("pseudonym_slug", pseudonym_slug)):
            if field in self.fields and value and services.public_address_taken(value, self.instance.pk, field):
                self.add_error(field, _("Another person's public address is already %(slug)s.") % {"slug": value})
        return cleaned_data


class MergeAdminMixin:
    """A "merge" action for exactly two selected records, with a page that asks which one to keep."""

    actions = ["merge"]
    merge_service = None

    def get_fields(self, request, obj=None):
        return [field for field in super().get_fields(request, obj) if field != CONFIRM_FIELD]

    def get_fieldsets(self, request, obj=None):
        # The "different record" box only matters once a save has been refused as a likely duplicate.
        fieldsets = super().get_fieldsets(request, obj)
        return [(None, {"fields": [CONFIRM_FIELD]}), *fieldsets] if request.method == "POST" else fieldsets

    @admin.action(description=_("Merge the two selected records"), permissions=["delete"])
    def merge(self, request, queryset):
        records = list(queryset.order_by("pk")[:3])
        if len(records) != 2:
            self.message_user(request, _("Select exactly two records to merge."), messages.ERROR)
            return None
        if not all(self.editable_by(request.user, record) for record in records):
            self.message_user(request, _("Only reviewers can merge a record the public sees."), messages.ERROR)
            return None
        by_pk = {str(record.pk): record for record in records}
        keep = by_pk.get(request.POST.get("keep", ""))
        if keep is None:
            return TemplateResponse(
                request,
                "admin/organisations/merge_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Merge two records"),
                    "opts": self.model._meta,
                    "records": records,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        other = next(record for record in records if record is not keep)
        type(self).merge_service(keep, other)
        self.message_user(
            request,
            _("Merged %(other)s into %(keep)s; its names are kept as other names.") % {"other": other, "keep": keep},
            messages.SUCCESS,
        )
        return None


class AffiliationForm(IntervalFormMixin, TextCheckModelForm):
    intervals = ["joined", "left"]
    joined = IntervalField(label=_("From"), required=False)
    left = IntervalField(label=_("Until"), required=False)

    class Meta:
        model = Affiliation
        fields = ["person", "organisation", "role"]


class AffiliationInline(PartOfReviewedRecord, RelatedNameLabels, admin.TabularInline):
    model = Affiliation
    form = AffiliationForm
    formset = LabelledInlineFormSet
    fields = ["person", "organisation", "role", "joined", "left"]
    extra = 0
    autocomplete_fields = ["person", "organisation"]


@admin.register(Organisation)
class OrganisationAdmin(MergeAdminMixin, ReviewRule, HistoryAdmin):
    merge_service = services.merge_organisations
    form = OrganisationAdminForm
    ordering = ["name"]
    list_display = ["name", "acronym", "kind", "country", "status_column", "event_count"]
    list_filter = ["kind", "status", CountryInUseListFilter]
    search_fields = ["name", "acronym", "other_names", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AffiliationInline]
    fields = [
        "name",
        "acronym",
        "other_names",
        ("kind", "country"),
        ("founded", "founded_certainty"),
        "description",
        "slug",
        "listed",
        "loaded_version",
    ]
    reviewer_only_fields = ["listed"]

    def get_queryset(self, request):
        # Event counts include drafts (editors need to see their own work); the status is the public one.
        return super().get_queryset(request).annotate(event_count=linked_count(Organisation, "event_links", "event"))

    @admin.display(description=_("public status"), ordering="status")
    def status_column(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, obj):
        # Its events, by the event list's filter, which lists only the organisation chosen once there are many.
        events = reverse("admin:events_event_changelist") + f"?{OrganisationListFilter.parameter_name}={obj.pk}"
        return format_html('<a href="{}">{}</a>', events, obj.event_count)


@admin.register(Person)
class PersonAdmin(MergeAdminMixin, ReviewRule, HistoryAdmin):
    merge_service = services.merge_people
    form = PersonAdminForm
    ordering = ["name"]
    list_display = ["name", "protection", "pseudonym", "description", "country", "event_count"]
    list_filter = ["protection", CountryInUseListFilter]
    search_fields = ["name", "other_names", "description", "pseudonym"]
    prepopulated_fields = {"slug": ["name"], "pseudonym_slug": ["pseudonym"]}
    inlines = [AffiliationInline]
    fieldsets = [
        (None, {"fields": ["name", "other_names", "description", "country", "slug"]}),
        (
            _("Protection (set by reviewers)"),
            {"fields": ["protection", ("pseudonym", "pseudonym_slug"), "listed"]},
        ),
        (None, {"fields": ["loaded_version"]}),
    ]
    reviewer_only_fields = ["protection", "pseudonym", "pseudonym_slug", "listed"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=linked_count(Person, "event_links", "event"))

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, obj):
        return obj.event_count
