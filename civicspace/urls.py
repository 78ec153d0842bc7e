from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("Civic Space Tracker: editors")
admin.site.site_title = _("Civic Space Tracker")
admin.site.index_title = _("Record and review events")

urlpatterns = [
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on every page, the admin's included.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    # Django's set_language view: the language switch in the footer posts here and returns to the page.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("events.urls")),
    path("", include("organisations.urls")),
]
