from functools import partial

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from civicspace.charts import bar_list_chart, dated_counts, period_chart
from civicspace.dates import interval_cells
from civicspace.facets import remembered
from civicspace.models import public_events_of
from civicspace.views import (
    CsvExportMixin,
    JsonExportMixin,
    PublicFilterView,
    joined,
    paged,
    suggestions,
    without_paging,
)
from civicspace.vocabulary import EVENT_TYPE_LABELS
from organisations.models import Person

from .filters import EventFilter, SourceFilter, TimelineFilter
from .models import EVENT_TYPE_DEFINITIONS, Event, EventPerson, EventType, ReportedAs, Role, Source

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


class ChartedEventsMixin:
    """A list of events with, above its rows, the chart of every event its filters match (not only the page's)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.filterset.is_bound or self.filterset.is_valid():
            groups = remembered(
                partial(dated_counts, self.filterset.qs),
                f"{type(self).__name__}.chart",
                without_paging(self.request.GET),
            )
            title = _("Events matching these filters, by type") if context["active_filters"] else _("Events by type")
            asked = self.filterset.form.cleaned_data if self.filterset.is_bound else {}
            first, last = asked.get("from"), asked.get("to")
            context["chart"] = period_chart(
                groups,
                EVENT_TYPE_LABELS,
                "events-chart",
                title,
                first_day=first.first_day() if first else None,
                last_day=last.last_day() if last else None,
            )
        return context


# The measures that close organisations down, summed by year on the home page.
CLOSURES = [EventType.DISSOLUTION, EventType.SUSPENSION]


def people_by_type():
    """[(type, people concerned, of whom withheld)] over the published events: one grouped query. People whose
    identity is withheld are counted, as every list counts them, and never named."""
    withheld = Person.objects.withheld().values("pk")
    rows = (
        EventPerson.objects.filter(event__in=Event.objects.public())
        .order_by()
        .values("event__event_type")
        .annotate(
            people=Count("person", distinct=True),
            withheld=Count("person", distinct=True, filter=Q(person__in=withheld)),
        )
        .values_list("event__event_type", "people", "withheld")
    )
    return sorted((tuple(row) for row in rows), key=lambda row: (-row[1], row[0]))


def record_summary():
    """The home page's two charts of the whole record, whatever the filters: closures by year, people by type."""
    closures = remembered(partial(dated_counts, Event.objects.public().filter(event_type__in=CLOSURES)), "closures")
    people = remembered(people_by_type, "people by type")
    return [
        period_chart(
            closures,
            EVENT_TYPE_LABELS,
            "closures-chart",
            _("Dissolutions and suspensions by year"),
            by_year=True,
            small=True,
        ),
        bar_list_chart(
            [(EVENT_TYPE_LABELS.get(kind, kind), count, withheld) for kind, count, withheld in people],
            "people-chart",
            _("People concerned, by event type"),
            _(
                "How many different people the published events of each type concern, largest first. A person "
                "concerned by events of several types is counted under each; people whose identity is withheld are "
                "counted, never named. The data table gives the same numbers."
            ),
            [_("Event type"), _("People concerned"), _("Of whom identity withheld")],
        ),
    ]


class TimelineView(ChartedEventsMixin, PublicFilterView):
    filterset_class = TimelineFilter
    queryset = Event.objects.public().for_listing().timeline()
    template_name = "events/timeline.html"
    csv_url_name = "events:event-csv"
    json_url_name = "events:event-json"
    feed_url_name = "events:event-feed"

    def get_context_data(self, **kwargs):
        return super().get_context_data(summary=[chart for chart in record_summary() if chart], **kwargs)


class EventListView(ChartedEventsMixin, PublicFilterView):
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
        return self.render_to_response(self.get_context_data(object=self.object))


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
