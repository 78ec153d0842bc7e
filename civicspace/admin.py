"""Admin pieces shared by the apps."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_countries import countries


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
