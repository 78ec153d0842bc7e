"""Admin pieces shared by the apps."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
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


class HistoryAdmin(SimpleHistoryAdmin):
    """The history list, diffs and restore of django-simple-history, where restoring is a change like any other."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history checks only the restored copy and saves outside a transaction; a restore needs the change
        # permission on the current record, and one transaction, for the stale-form check's row lock to hold.
        with transaction.atomic(using=router.db_for_write(self.model)):
            if request.method == "POST":
                current = self.get_object(request, unquote(object_id))
                if current is None or not self.has_change_permission(request, current):
                    raise PermissionDenied
            return super().history_form_view(request, object_id, version_id, extra_context)
