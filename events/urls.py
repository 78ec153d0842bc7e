from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.TimelineView.as_view(), name="timeline"),
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events.csv", views.EventCsvView.as_view(), name="event-csv"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event-detail"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path("sources.csv", views.SourceCsvView.as_view(), name="source-csv"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source-detail"),
    path("types/", views.EventTypesView.as_view(), name="types"),
]
