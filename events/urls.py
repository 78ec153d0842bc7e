from django.urls import path

from . import feeds, views

app_name = "events"

urlpatterns = [
    path("", views.TimelineView.as_view(), name="timeline"),
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events.csv", views.EventCsvView.as_view(), name="event-csv"),
    path("events.json", views.EventJsonView.as_view(), name="event-json"),
    path("events.atom", feeds.EventFeed(), name="event-feed"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event-detail"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path("sources.csv", views.SourceCsvView.as_view(), name="source-csv"),
    path("sources.json", views.SourceJsonView.as_view(), name="source-json"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source-detail"),
    path("types/", views.EventTypesView.as_view(), name="types"),
    path("suggest/sources.json", views.suggest_sources, name="suggest-sources"),
]
