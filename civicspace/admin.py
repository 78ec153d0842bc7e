"""Admin pieces shared by the apps."""

import copy

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin

from civicspace import redaction
from civicspace.models import Redaction
from civicspace.text import parse_number

# Reviewers publish events; the same permission lets them change whatever the public already sees.
REVIEWER_PERMISSION = "events.publish_event"


def is_reviewer(user):
    return user.has_perm(REVIEWER_PERMISSION)


class ReviewRule:
    """Mix into a ModelAdmin (before the admin class): contributors change what the public has not seen; once it
    has, only reviewers change it. ``reviewer_only_fields`` are read-only to contributors whatever the record.

    Inlines follow the record they sit in (``PartOfReviewedRecord``).
    """

    reviewer_only_fields = ()

    def seen_by_public(self, obj):
        """Whether the public sees the record; memoised on it, as the admin asks several times a request."""
        if obj is None or obj.pk is None:
            return False
        if not hasattr(obj, "_seen_by_public"):
            obj._seen_by_public = self.model.objects.public().filter(pk=obj.pk).exists()
        return obj._seen_by_public

    def editable_by(self, user, obj):
        return obj is None or is_reviewer(user) or not self.seen_by_public(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.editable_by(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.editable_by(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if is_reviewer(request.user):
            return fields
        return [*fields, *(field for field in self.reviewer_only_fields if field not in fields)]

    def get_prepopulated_fields(self, request, obj=None):
        # A read-only field has no input to fill.
        readonly = set(self.get_readonly_fields(request, obj))
        return {
            field: sources
            for field, sources in super().get_prepopulated_fields(request, obj).items()
            if field not in readonly
        }


class PartOfReviewedRecord:
    """Mix into an inline: its rows can be changed by whoever may change the record they sit in."""

    def parent_editable_by(self, request, obj):
        return self.admin_site.get_model_admin(self.parent_model).editable_by(request.user, obj)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self.parent_editable_by(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.parent_editable_by(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.parent_editable_by(request, obj)


class CountryInUseListFilter(admin.SimpleListFilter):
    """Lists only the countries that records use, not all 249 of ISO 3166."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        # Unordered: the model's ordering would join the DISTINCT, which then kept a row for each record.
        codes = model_admin.model.objects.exclude(country="").order_by().values_list("country", flat=True).distinct()
        return sorted(((code, countries.name(code)) for code in codes), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(country=self.value())
        return queryset


class RelatedNameLabels:
    """Label a join table's foreign keys with the related model's name, which is translated.

    Their own verbose names come from the field names, so stay in English; giving them one would need a migration.
    An autocomplete shows the label while empty, which also names its box for screen readers.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("label", capfirst(db_field.related_model._meta.verbose_name))
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LabelledAutocompleteSelect(
                db_field, self.admin_site, placeholder=kwargs["label"], using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LabelledAutocompleteSelect(AutocompleteSelect):
    """An autocomplete whose boxes screen readers can name: Select2 names them after the text they show, which is
    the placeholder while empty (Django's is blank), and a small script names the box that shows the choice."""

    def __init__(self, field, admin_site, placeholder, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.placeholder = placeholder

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {**super().build_attrs(base_attrs, extra_attrs), "data-placeholder": str(self.placeholder)}

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin-autocomplete-label.js"])


class LabelledInlineFormSet(BaseInlineFormSet):
    """For a tabular inline: its column headers are not labels, so each control is named after its column."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", field.label)


# Django's drill-down also asks for the year after the one chosen, which must exist too.
DATE_PARTS = {"year": (1, 9998), "month": (1, 12), "day": (1, 31)}


def valid_date_hierarchy(model_admin, request):
    """False if the date hierarchy's year, month or day in the query string is not a number in its range.

    Django's date hierarchy turns them into dates unchecked, so ``?date__year=99999999999`` would fail with a 500.
    """
    if not model_admin.date_hierarchy:
        return True
    for part, (lowest, highest) in DATE_PARTS.items():
        value = request.GET.get(f"{model_admin.date_hierarchy}__{part}")
        if value is not None and parse_number(value, lowest, highest) is None:
            return False
    return True


class HistoryAdmin(SimpleHistoryAdmin):
    """The history list, diffs and restore of django-simple-history, where restoring is a change like any other.

    It also answers the changelist's malformed date drill-downs, ids that cannot be ids and actions forged for them
    with the admin's usual "invalid lookup" page, a 404 or a 400, where Django and simple-history would fail.
    """

    def changelist_view(self, request, extra_context=None):
        if not valid_date_hierarchy(self, request):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)

    def is_id(self, value):
        """Whether ``value``, as a URL or a form sends it, can be the id of a record, without asking the database
        (which fails on a number it cannot hold)."""
        if isinstance(self.model._meta.pk, models.IntegerField):
            return parse_number(value) is not None
        try:
            self.model._meta.pk.to_python(value)
        except ValidationError:
            return False
        return True

    def check_object_id(self, *ids):
        if not all(self.is_id(unquote(value)) for value in ids):
            raise Http404

    def response_action(self, request, queryset):
        # Django filters the list by the ticked ids as they come: a forged one that is not an id fails the query.
        if not all(map(self.is_id, request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))):
            raise BadRequest("An action was sent for something that is not a record.")
        return super().response_action(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        self.check_object_id(object_id)
        redactions = Redaction.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=unquote(object_id)
        ).select_related("redacted_by")
        extra_context = {
            **(extra_context or {}),
            "redactions": redactions,
            "can_redact": request.user.has_perm("civicspace.add_redaction"),
            "redaction_targets": [
                f"{self.model._meta.label_lower}.{field.name}" for field in redaction.redactable_fields(self.model)
            ],
        }
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_object_id(object_id, version_id)
        # simple-history checks only the restored copy and saves outside a transaction; a restore needs the change
        # permission on the current record, and one transaction, for the stale-form check's row lock to hold.
        with transaction.atomic(using=router.db_for_write(self.model)):
            current = self.get_object(request, unquote(object_id))
            if request.method == "POST" and (current is None or not self.has_change_permission(request, current)):
                raise PermissionDenied
            # simple-history reads ``self.prepopulated_fields``, not this request's: a field read-only to this user
            # has no input to fill, and would fail the page. A copy for this request only carries the right ones.
            for_request = copy.copy(self)
            for_request.prepopulated_fields = self.get_prepopulated_fields(request, current)
            return super(HistoryAdmin, for_request).history_form_view(request, object_id, version_id, extra_context)


class RedactionForm(forms.ModelForm):
    target = forms.ChoiceField(label=_("Field"), choices=redaction.target_choices)
    value = forms.CharField(
        label=_("Text to remove"),
        strip=False,
        help_text=_("Exactly as it was typed: every earlier version holding it gets [redacted] in its place."),
    )

    class Meta:
        model = Redaction
        fields = ["object_id", "reason"]
        labels = {"object_id": _("Record id")}
        help_texts = {"reason": _("Kept in the history, without the text: why it had to go.")}

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        self.model, self.field = redaction.resolve_target(cleaned_data["target"])
        try:
            redaction.check_redaction(self.model, cleaned_data["object_id"], self.field, cleaned_data["value"])
        except ValidationError as error:
            self.add_error("value", error)
        return cleaned_data


@admin.register(Redaction)
class RedactionAdmin(admin.ModelAdmin):
    """The log of redactions; adding one removes the value from every historical version of the record."""

    form = RedactionForm
    list_display = ["redacted_at", "content_type", "object_id", "field", "versions_changed", "redacted_by"]
    list_filter = ["content_type"]
    fields = ["target", "object_id", "value", "reason"]
    readonly_fields = []

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is not None:  # the log's own page shows what was kept, never a value
            return ["redacted_at", "redacted_by", "content_type", "object_id", "field", "versions_changed", "reason"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        obj.field, obj.redacted_by = form.field, request.user
        redaction.redact(obj, form.model, form.cleaned_data["value"])
