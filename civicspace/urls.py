from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from civicspace.health import health
from civicspace.opendata import DataPackageView
from events.views import EventCsvView, SourceCsvView
from organisations.views import OrganisationCsvView, PersonCsvView

urlpatterns = [
    # DJANGO_ADMIN_PATH, "admin/" unless set; its site (titles, login, two-factor pages) is civicspace/admin_site.py.
    path(settings.ADMIN_PATH, admin.site.urls),
    path("health/", health, name="health"),
    # Browsers ask for /favicon.ico on every page, the admin's included.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    # Django's set_language view: the language switch in the footer posts here and returns to the page.
    path("i18n/", include("django.conf.urls.i18n")),
    # The four CSV exports described as one Frictionless Data Package, from the columns the exports write.
    path(
        "datapackage.json",
        DataPackageView.as_view(resources=[EventCsvView, OrganisationCsvView, PersonCsvView, SourceCsvView]),
        name="datapackage",
    ),
    path("", include("events.urls")),
    path("", include("organisations.urls")),
]
