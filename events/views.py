from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from civicspace.dates import interval_cells
from civicspace.languages import reverse_neutral
from civicspace.models import public_events_of
from civicspace.views import CsvExportMixin, JsonExportMixin, PublicFilterView, joined, paged, suggestions
from civicspace.vocabulary import SITE_NAME

from .filters import EventFilter, SourceFilter, TimelineFilter
from .models import EVENT_TYPE_DEFINITIONS, Event, EventType, ReportedAs, Role, Source

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
    "people_withheld",
    "date_earliest",
    "date_latest",
    "date_edtf",
    "target_group",
    "perpetrators",
    "reported_as",
    "alleged_by",
]


ROLE_CODES = frozenset(Role.values)


def with_role(name, role):
    """An organisation or person in an events.csv cell: "Name [role]", the role's code after the name."""
    return f"{name} [{role}]"


def split_role(text):
    """(name, role code or None) from a cell's "Name [role]"; a bracket that holds no role code is part of the name."""
    name, inside = bracketed(text)
    return (name, inside) if inside in ROLE_CODES else (text, None)


def bracketed(text):
    """(the text before a final "[...]", what the brackets hold), or (text, None) if it does not end with one."""
    start = text.rfind("[")
    if start < 0 or not text.endswith("]") or "]" in text[start:-1]:
        return text, None
    return text[:start].rstrip(), text[start + 1 : -1]


SCHEMA_ORG = "https://schema.org"


def dataset_data(request):
    """The record as a schema.org ``Dataset``, for the home page: what it is and where to download it whole."""
    site = str(SITE_NAME)
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Dataset",
        "name": site,
        "description": _(
            "An open record of how states close civic space: organisations dissolved or suspended, parties banned, "
            "activists arrested, disappeared, sentenced or forced into exile, restrictive laws. Every event is drawn "
            "from published sources, cited with the passages that support it."
        ),
        "url": request.build_absolute_uri(reverse("events:timeline")),
        "inLanguage": get_language(),
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": site},
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": media_type,
                "contentUrl": request.build_absolute_uri(reverse_neutral(name)),
            }
            for name, media_type in [
                ("events:event-csv", "text/csv"),
                ("events:event-json", "application/json"),
                ("organisations:organisation-csv", "text/csv"),
                ("organisations:person-csv", "text/csv"),
                ("events:source-csv", "text/csv"),
            ]
        ],
    }
    if settings.TRACKER_DATA_LICENSE:
        data["license"] = settings.TRACKER_DATA_LICENSE
    return data


def event_data(request, event):
    """An event as a schema.org ``Event``: its date at the precision the sources give (a single date only: a range
    of possible dates is no start date), its place and the organisations it concerns (people are left out)."""
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "location": {
            "@type": "Place",
            "name": ", ".join(part for part in (event.location, str(event.country.name)) if part),
            "address": {"@type": "PostalAddress", "addressCountry": event.country.code},
        },
        "about": [
            {
                "@type": "Organization",
                "name": str(link.organisation),
                "url": request.build_absolute_uri(link.organisation.get_absolute_url()),
            }
            for link in event.organisation_links.all()
        ],
    }
    if event.date.is_single:
        data["startDate"] = event.date.iso
    if event.end_date:
        data["endDate"] = event.end_date.isoformat()
    return data


class TimelineView(PublicFilterView):
    filterset_class = TimelineFilter
    queryset = Event.objects.public().for_listing().timeline()
    template_name = "events/timeline.html"
    csv_url_name = "events:event-csv"
    json_url_name = "events:event-json"
    feed_url_name = "events:event-feed"

    def get_context_data(self, **kwargs):
        return super().get_context_data(structured_data=dataset_data(self.request), **kwargs)


class EventListView(PublicFilterView):
    filterset_class = EventFilter
    queryset = Event.objects.public().for_listing()
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
            event.date.iso,
            event.date.main.precision,
            event.event_type,
            event.title,
            event.summary,
            joined(with_role(link.organisation, link.role) for link in event.organisation_links.all()),
            joined(with_role(link.public_person.public_name, link.role) for link in event.shown_person_links),
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
            event.withheld_people_count,
            *interval_cells(event.date),
            event.target_kind,
            joined(event.perpetrators),
            ReportedAs.ALLEGATION if event.is_alleged else ReportedAs.FACT,
            joined(event.alleged_by),
        ]


class EventJsonView(JsonExportMixin, EventCsvView):
    """``/events.json``: the rows and columns of ``/events.csv`` as JSON."""


class EventDetailView(DetailView):
    queryset = Event.objects.public().for_listing()
    context_object_name = "event"

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            withdrawn = Event.objects.withdrawn().filter(pk=self.kwargs["pk"]).first()
            if withdrawn is None:
                raise
            # 410 Gone, not 404: the address was public and may be cited; the notice shows nothing of the event.
            return render(request, "events/event_withdrawn.html", {"event": withdrawn}, status=410)
        context = self.get_context_data(object=self.object, structured_data=event_data(request, self.object))
        return self.render_to_response(context)


class SourceListView(PublicFilterView):
    filterset_class = SourceFilter
    queryset = Source.objects.public().for_listing()
    template_name = "events/source_list.html"
    csv_url_name = "events:source-csv"
    json_url_name = "events:source-json"


class SourceCsvView(CsvExportMixin, SourceListView):
    csv_name = "sources"
    csv_header = [
        "id",
        "title",
        "url",
        "publisher",
        "published",
        "link",
        "author",
        "language",
        "events",
        "published_earliest",
        "published_latest",
        "published_edtf",
        "archived_at",
        "archived_sha256",
    ]
    queryset = SourceListView.queryset.with_latest_copy()

    def csv_row(self, source):
        return [
            source.pk,
            source.title,
            self.absolute_url(source),
            source.publisher,
            source.published.iso if source.published else "",
            source.url,
            source.author,
            source.language,
            source.event_count,
            *interval_cells(source.published),
            source.archived_at.isoformat() if source.archived_at else "",
            source.archived_sha256 or "",
        ]


class SourceJsonView(JsonExportMixin, SourceCsvView):
    """``/sources.json``: the rows and columns of ``/sources.csv`` as JSON."""


class SourceDetailView(DetailView):
    queryset = Source.objects.public().for_listing()
    context_object_name = "source"

    def get_context_data(self, **kwargs):
        events = paged(self.request, public_events_of(self.object, "citations").for_listing().timeline())
        # What each copy is, when it was retrieved and its hash: never its text or file, which are the publisher's.
        copies = self.object.copies.only("source", "archive_url", "retrieved_on", "sha256")
        return super().get_context_data(events=events, page_obj=events, copies=copies, **kwargs)


class EventTypesView(TemplateView):
    template_name = "events/types.html"

    def get_context_data(self, **kwargs):
        types = [
            {"code": value, "label": label, "definition": EVENT_TYPE_DEFINITIONS[EventType(value)]}
            for value, label in EventType.choices
        ]
        return super().get_context_data(types=types, **kwargs)


def suggest_sources(request):
    sources = Source.objects.public().order_by("title")
    return suggestions(request, sources, ["title", "publisher"], lambda source: str(source.pk), str)
