from django.shortcuts import render
from django.views.generic import DetailView, TemplateView

from civicspace.views import CsvExportMixin, JsonExportMixin, PublicFilterView, joined

from .filters import EventFilter, SourceFilter, TimelineFilter
from .models import EVENT_TYPE_DEFINITIONS, Citation, Event, EventStatus, EventType, Source

EVENT_CSV_HEADER = [
    "id",
    "date",
    "date_precision",
    "type",
    "title",
    "summary",
    "organisations",
    "people",
    "sources",
    "url",
    "end_date",
    "date_certainty",
    "country",
    "location",
    "outcome",
    "authority",
    "justification",
    "source_links",
]


class TimelineView(PublicFilterView):
    filterset_class = TimelineFilter
    queryset = Event.objects.published().for_listing().timeline()
    template_name = "events/timeline.html"
    csv_url_name = "events:event-csv"
    json_url_name = "events:event-json"
    feed_url_name = "events:event-feed"


class EventListView(PublicFilterView):
    filterset_class = EventFilter
    queryset = Event.objects.published().for_listing()
    template_name = "events/event_list.html"
    csv_url_name = "events:event-csv"
    json_url_name = "events:event-json"
    feed_url_name = "events:event-feed"


class EventCsvView(CsvExportMixin, EventListView):
    csv_name = "events"
    csv_header = EVENT_CSV_HEADER

    def csv_row(self, event):
        sources = event.cited_sources
        return [
            event.pk,
            event.date_iso,
            event.date_precision,
            event.event_type,
            event.title,
            event.summary,
            joined(link.organisation for link in event.organisation_links.all()),
            joined(link.person for link in event.person_links.all()),
            joined(sources),
            self.absolute_url(event),
            event.end_date.isoformat() if event.end_date else "",
            event.date_certainty,
            event.country.code,
            event.location,
            event.outcome,
            event.authority,
            event.justification,
            joined(source.url for source in sources),
        ]


class EventJsonView(JsonExportMixin, EventCsvView):
    """``/events.json``: the rows and columns of ``/events.csv`` as JSON."""


class EventDetailView(DetailView):
    queryset = Event.objects.filter(status__in=[EventStatus.PUBLISHED, EventStatus.WITHDRAWN]).for_listing()
    context_object_name = "event"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_withdrawn:
            # 410 Gone, not 404: the address was public and may be cited; the notice shows nothing of the event.
            return render(request, "events/event_withdrawn.html", {"event": self.object}, status=410)
        return self.render_to_response(self.get_context_data(object=self.object))


class SourceListView(PublicFilterView):
    filterset_class = SourceFilter
    queryset = Source.objects.for_listing()
    template_name = "events/source_list.html"
    csv_url_name = "events:source-csv"
    json_url_name = "events:source-json"


class SourceCsvView(CsvExportMixin, SourceListView):
    csv_name = "sources"
    csv_header = ["id", "title", "url", "publisher", "published", "link", "author", "language", "events"]

    def csv_row(self, source):
        return [
            source.pk,
            source.title,
            self.absolute_url(source),
            source.publisher,
            source.published_iso,
            source.url,
            source.author,
            source.language,
            source.event_count,
        ]


class SourceJsonView(JsonExportMixin, SourceCsvView):
    """``/sources.json``: the rows and columns of ``/sources.csv`` as JSON."""


class SourceDetailView(DetailView):
    queryset = Source.objects.for_listing()
    context_object_name = "source"

    def get_context_data(self, **kwargs):
        citing = Citation.objects.filter(source=self.object).values("event")
        events = Event.objects.published().filter(pk__in=citing).for_listing().timeline()
        return super().get_context_data(events=events, **kwargs)


class EventTypesView(TemplateView):
    template_name = "events/types.html"

    def get_context_data(self, **kwargs):
        types = [
            {"code": value, "label": label, "definition": EVENT_TYPE_DEFINITIONS[EventType(value)]}
            for value, label in EventType.choices
        ]
        return super().get_context_data(types=types, **kwargs)
