from django.urls import path

from civicspace.languages import language_neutral

from . import feeds, views

app_name = "events"

urlpatterns = [
    path("", views.TimelineView.as_view(), name="timeline"),
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events.csv", language_neutral(views.EventCsvView.as_view()), name="event-csv"),
    path("events.json", language_neutral(views.EventJsonView.as_view()), name="event-json"),
    path("events.atom", feeds.EventFeed(), name="event-feed"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event-detail"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path("sources.csv", language_neutral(views.SourceCsvView.as_view()), name="source-csv"),
    path("sources.json", language_neutral(views.SourceJsonView.as_view()), name="source-json"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source-detail"),
    path("types/", views.EventTypesView.as_view(), name="types"),
    path("suggest/sources.json", views.suggest_sources, name="suggest-sources"),
]
