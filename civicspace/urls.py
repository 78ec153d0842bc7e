from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Civic Space Tracker: editors"
admin.site.site_title = "Civic Space Tracker"
admin.site.index_title = "Record and review events"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("events.urls")),
    path("", include("organisations.urls")),
]
