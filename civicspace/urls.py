from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Civic Space Tracker: editors"
admin.site.site_title = "Civic Space Tracker"
admin.site.index_title = "Record and review events"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on every page, the admin's included.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("", include("events.urls")),
    path("", include("organisations.urls")),
]
