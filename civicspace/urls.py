from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from civicspace.health import health
from civicspace.opendata import DataPackageView
from civicspace.sitemaps import SITEMAPS, robots_txt
from events.views import EventCsvView, SourceCsvView
from organisations.views import OrganisationCsvView, PersonCsvView

urlpatterns = [
    # DJANGO_ADMIN_PATH, "admin/" unless set; its site (titles, login, two-factor pages) is civicspace/admin_site.py.
    path(settings.ADMIN_PATH, admin.site.urls),
    path("health/", health, name="health"),
    # Browsers ask for /favicon.ico on every page, the admin's included.
    # Its address is read at the first request: the hashed name comes from collectstatic's manifest.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True)),
    # Django's set_language view, kept for addresses saved before the language moved into the URL.
    path("i18n/", include("django.conf.urls.i18n")),
    # The four CSV exports described as one Frictionless Data Package, from the columns the exports write.
    path(
        "datapackage.json",
        DataPackageView.as_view(resources=[EventCsvView, OrganisationCsvView, PersonCsvView, SourceCsvView]),
        name="datapackage",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path(
        "sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"}, name="sitemap-index"
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

# The public pages: English at /events/, French at /fr/events/ (civicspace/languages.py says why).
urlpatterns += i18n_patterns(
    path("", include("events.urls")),
    path("", include("organisations.urls")),
    prefix_default_language=False,
)
