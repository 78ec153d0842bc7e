"""Admin pieces shared by the apps."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404, HttpResponseRedirect
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from simple_history.admin import SimpleHistoryAdmin


class CountryInUseListFilter(admin.SimpleListFilter):
    """Lists only the countries that records use, not all 249 of ISO 3166."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = model_admin.model.objects.exclude(country="").values_list("country", flat=True).distinct()
        return sorted(((code, countries.name(code)) for code in codes), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(country=self.value())
        return queryset


class RelatedNameLabels:
    """Label a join table's foreign keys with the related model's name, which is translated.

    Their own verbose names come from the field names, so stay in English; giving them one would need a migration.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("label", capfirst(db_field.related_model._meta.verbose_name))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


def valid_date_hierarchy(model_admin, request):
    """False if the date hierarchy's year, month or day in the query string is not a number in its range.

    Django's date hierarchy turns them into dates unchecked, so ``?date__year=99999999999`` would fail with a 500.
    """
    if not model_admin.date_hierarchy:
        return True
    for part, (lowest, highest) in DATE_PARTS.items():
        value = request.GET.get(f"{model_admin.date_hierarchy}__{part}")
        if value is not None and not (value.isdigit() and lowest <= int(value) <= highest):
            return False
    return True


class HistoryAdmin(SimpleHistoryAdmin):
    """The history list, diffs and restore of django-simple-history, where restoring is a change like any other.

    It also answers the changelist's malformed date drill-downs and non-numeric ids with the admin's usual
    "invalid lookup" page or a 404, where Django and simple-history would fail.
    """

    def changelist_view(self, request, extra_context=None):
        if not valid_date_hierarchy(self, request):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)

    def check_object_id(self, *ids):
        for value in ids:
            try:
                self.model._meta.pk.to_python(unquote(value))
            except ValidationError:
                raise Http404 from None

    def history_view(self, request, object_id, extra_context=None):
        self.check_object_id(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_object_id(object_id, version_id)
        # simple-history checks only the restored copy and saves outside a transaction; a restore needs the change
        # permission on the current record, and one transaction, for the stale-form check's row lock to hold.
        with transaction.atomic(using=router.db_for_write(self.model)):
            if request.method == "POST":
                current = self.get_object(request, unquote(object_id))
                if current is None or not self.has_change_permission(request, current):
                    raise PermissionDenied
            return super().history_form_view(request, object_id, version_id, extra_context)
