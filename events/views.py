from collections import Counter
from functools import cached_property, partial

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from civicspace.charts import bar_list_chart, dated_counts, period_chart
from civicspace.dates import PARTS, DateCertainty, DatePrecision, interval_cells, interval_from_columns, interval_json
from civicspace.facets import TimedOut, remembered, time_limit
from civicspace.languages import reverse_neutral
from civicspace.models import event_types_in, public_events_of
from civicspace.opendata import (
    COUNTRY_PATTERN,
    PARTIAL_DATE_PATTERN,
    Column,
    choice,
    events_count_column,
    identifier,
    interval_columns,
    licence,
    many,
    page_address,
)
from civicspace.views import (
    CsvExportMixin,
    JsonExportMixin,
    PublicFilterView,
    joined,
    suggestions,
    without_paging,
)
from civicspace.vocabulary import EVENT_TYPE_LABELS, SITE_NAME
from organisations.models import Organisation, OrganisationKind, Person, organisation_label

from .export import exported_events
from .filters import ORGANISATION_KIND_FACET, EventFilter, SourceFilter, TimelineFilter
from .listing import ListedEventsMixin, of_page, paged_events
from .models import (
    EVENT_TYPE_DEFINITIONS,
    LANGUAGE_CHOICES,
    Event,
    EventTally,
    EventType,
    Outcome,
    ReportedAs,
    Role,
    Source,
    source_label,
)
from .tally import TALLIED_FIELDS, tallied, tallied_chart, tallied_count, tallied_counts, tallied_span, tally_of

# The columns of events.csv, in order: its header, the import's expected columns and the Data Package's schema.
EVENT_COLUMNS = [
    identifier("The event's number, its address on the site (/events/<id>/)."),
    Column(
        "date",
        "string",
        "When it happened, as far as the sources say: its earliest bound (its latest when it has no lower bound) "
        "cut to its precision (2024, 2024-03 or 2024-03-06). date_earliest, date_latest and date_edtf give the "
        "whole interval.",
        constraints={"required": True, "pattern": PARTIAL_DATE_PATTERN},
    ),
    choice("date_precision", DatePrecision, "The precision of date: day, month or year.", required=True),
    choice("type", EventType, "The event's type (defined on /types/).", required=True),
    Column("title", "string", "A one-line title.", constraints={"required": True}),
    Column("summary", "string", "What happened, in the tracker's own neutral words."),
    many(
        "organisations",
        'The organisations concerned, each followed by its role\'s code in brackets ("AEEM [target]"): target, '
        "perpetrator, author, spokesperson, supporter or other.",
    ),
    many(
        "people",
        "The people concerned whom the public may see, by their public name (a pseudonym for people at risk), each "
        "followed by its role's code in brackets. People whose identity is withheld are only counted, in "
        "people_withheld.",
    ),
    many("sources", 'The sources cited, each as "publisher: title".'),
    page_address("The event's page on the site."),
    Column("end_date", "date", "For an event that lasts, the day it ended (ISO 8601)."),
    choice("date_certainty", DateCertainty, "Whether the sources state the date or it is inferred.", required=True),
    Column(
        "country",
        "string",
        "Where it happened: an ISO 3166-1 alpha-2 code.",
        constraints={"required": True, "pattern": COUNTRY_PATTERN},
    ),
    Column("location", "string", "Town or region."),
    choice("outcome", Outcome, "Whether the measure was carried out, attempted but failed, reversed or pending.", True),
    Column("authority", "string", "The authority that acted, as the source names it."),
    Column("justification", "string", "The reason the authority gave, quoted as reported."),
    many("source_links", "The addresses of the cited sources that have one."),
    Column(
        "people_withheld",
        "integer",
        "How many people the event concerns whose identity is withheld from the public.",
        constraints={"required": True, "minimum": 0},
    ),
    *interval_columns(
        "date",
        "happened",
        "The date in the Extended Date/Time Format (Library of Congress): 2024-03, [2024-03-06..2024-04-20], "
        "[..2024-05]; ? marks an inferred date.",
        required=True,
    ),
    choice(
        "target_group",
        OrganisationKind,
        "For a measure against a whole group: the kind of organisation it targets in the event's country.",
    ),
    many("perpetrators", "The organisations that carried it out (the organisations with the role perpetrator)."),
    choice(
        "reported_as",
        ReportedAs,
        "allegation when every cited source reports the event only as someone's claim, otherwise fact.",
        required=True,
    ),
    many("alleged_by", "Whose claim the sources report, for an allegation."),
]
EVENT_CSV_HEADER = [column.name for column in EVENT_COLUMNS]


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
        "license": licence()["path"],
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


class ChartedEventsMixin:
    """A list of events with, above its rows, the chart of every event its filters match (not only the page's)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.filterset.is_bound or self.filterset.is_valid():
            # Drawn once for each set of filters and language until the public data changes.
            drawn = remembered(
                partial(self.events_chart, bool(context["active_filters"])),
                f"{type(self).__name__}.chart drawn in {get_language()}",
                without_paging(self.request.GET),
            )
            context["chart_timed_out"] = drawn == CHART_TIMED_OUT
            context["chart"] = None if context["chart_timed_out"] else drawn
        return context

    def events_chart(self, filtered):
        groups = remembered(self.chart_counts_in_time, f"{type(self).__name__}.chart", without_paging(self.request.GET))
        if groups == CHART_TIMED_OUT:
            return CHART_TIMED_OUT
        title = _("Events matching these filters, by type") if filtered else _("Events by type")
        asked = self.filterset.form.cleaned_data if self.filterset.is_bound else {}
        first, last = asked.get("from"), asked.get("to")
        return period_chart(
            groups,
            EVENT_TYPE_LABELS,
            "events-chart",
            title,
            first_day=first.first_day() if first else None,
            last_day=last.last_day() if last else None,
        )

    def chart_counts(self):
        return dated_counts(self.filterset.qs)

    def chart_counts_in_time(self):
        """``chart_counts()``, or CHART_TIMED_OUT when counting took longer than a facet may take ten times (a word
        that nearly every one of a million events holds: 2.5 s). Remembered like the counts, so that the filters'
        next pages do not wait for the limit again."""
        try:
            with time_limit(10 * settings.TRACKER_FACET_TIME_LIMIT_MS, self.filterset.qs.db):
                return self.chart_counts()
        except TimedOut:
            return CHART_TIMED_OUT


CHART_TIMED_OUT = "timed out"


class TalliedEventsMixin:
    """Put before ``ChartedEventsMixin``: the count, the chart and the type, country and outcome facets of a list
    that filters by nothing else are read from the tally of published events (events/tally.py), not counted from
    the events."""

    @cached_property
    def tally(self):
        """(the tally's rows for the list's filters, whether they count exactly its events): ``tally_of``."""
        return tally_of(self.filterset)

    @property
    def tally_rows(self):
        """The tally's rows for the list's filters, or None when it cannot answer them all."""
        rows, exact = self.tally
        return rows if exact else None

    def narrowed(self, matching):
        # The days the matching events stand on, as the tally bounds them: a page of rare events is read from where
        # they are in the list's index instead of walking past every newer event, and no page is read for none. The
        # filters the tally cannot answer (a word, an organisation) only keep fewer of the events it counts, so its
        # bounds hold for them too.
        rows, _exact = self.tally
        if rows is None:
            return matching
        span = remembered(partial(tallied_span, rows), f"{type(self).__name__}.span", without_paging(self.request.GET))
        if not span:
            return matching.none()
        return matching.filter(date_sort__gte=span[0], date_sort__lte=span[1])

    def count_matching(self, matching):
        rows = self.tally_rows
        return tallied_count(rows) if rows is not None else super().count_matching(matching)

    def chart_counts(self):
        rows = self.tally_rows
        return tallied_chart(rows) if rows is not None else super().chart_counts()

    def count_by(self, filterset, field, counted):
        if field in TALLIED_FIELDS and not counted and (rows := tallied(filterset)) is not None:
            return tallied_counts(rows, field)
        return super().count_by(filterset, field, counted)

    def present_values(self, field, counted):
        # Read from the tally, and the kinds from the organisations' stored counts of published events, rather than
        # from every published event and its links: 0.2-0.6 s a field at a million events.
        if counted:
            return super().present_values(field, counted)
        if field in TALLIED_FIELDS:
            return set(tallied_counts(EventTally.objects.filter(events__gt=0), field))
        if field == ORGANISATION_KIND_FACET:
            kinds = Organisation.objects.filter(public_event_count__gt=0).order_by().values_list("kind", flat=True)
            return set(kinds.distinct())
        return super().present_values(field, counted)


# The measures that close organisations down, summed by year on the home page.
CLOSURES = [EventType.DISSOLUTION, EventType.SUSPENSION]


def people_by_type():
    """[(type, people concerned, of whom withheld)] over the published events, from the types of their published
    events each person stores (``Person.public_event_types``): one grouped query over the people, not over every link
    of every event. People whose identity is withheld are counted, as every list counts them, and never named."""
    sets = (
        Person.objects.filter(public_event_count__gt=0)
        .order_by()
        .values("public_event_types")
        .annotate(people=Count("pk"), withheld=Count("pk", filter=Q(pk__in=Person.objects.withheld().values("pk"))))
        .values_list("public_event_types", "people", "withheld")
    )
    people, withheld = Counter(), Counter()
    for bits, concerned, hidden in sets:
        for event_type in event_types_in(bits):
            people[event_type] += concerned
            withheld[event_type] += hidden
    return sorted(((kind, people[kind], withheld[kind]) for kind in people), key=lambda row: (-row[1], row[0]))


def record_summary():
    """The home page's two charts of the whole record, whatever the filters: closures by year, people by type; drawn
    once for each language until the public data changes."""
    return remembered(draw_record_summary, f"record summary drawn in {get_language()}")


def draw_record_summary():
    closures = remembered(partial(tallied_chart, EventTally.objects.filter(event_type__in=CLOSURES)), "closures")
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


class TimelineView(ListedEventsMixin, TalliedEventsMixin, ChartedEventsMixin, PublicFilterView):
    filterset_class = TimelineFilter
    queryset = Event.objects.public().timeline()
    template_name = "events/timeline.html"
    csv_url_name = "events:event-csv"
    json_url_name = "events:event-json"
    feed_url_name = "events:event-feed"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            summary=[chart for chart in record_summary() if chart],
            structured_data=dataset_data(self.request),
            **kwargs,
        )


class EventListView(ListedEventsMixin, TalliedEventsMixin, ChartedEventsMixin, PublicFilterView):
    filterset_class = EventFilter
    queryset = Event.objects.public()
    template_name = "events/event_list.html"
    csv_url_name = "events:event-csv"
    json_url_name = "events:event-json"
    feed_url_name = "events:event-feed"


class EventCsvView(CsvExportMixin, EventListView):
    csv_name = "events"
    csv_columns = EVENT_COLUMNS
    csv_title = "Events"
    csv_description = "Published events, each cited from its sources, newest first."

    # Rows are read in one query, with their links (events/export.py), a chunk at a time: a larger chunk holds more rows
    # in memory for little gain.
    chunk_size = 2000

    def csv_rows(self, events):
        event_address = self.absolute_urls("events:event-detail")
        for event in exported_events(events, self.chunk_size):
            date, organisations, sources = event["date"], event["organisations"], event["sources"]
            yield [
                event["pk"],
                date.iso,
                date.main.precision,
                event["event_type"],
                event["title"],
                event["summary"],
                joined(with_role(organisation_label(link.name, link.acronym), link.role) for link in organisations),
                joined(with_role(person.name, person.role) for person in event["people"]),
                joined(source_label(source.publisher, source.title) for source in sources),
                event_address(event["pk"]),
                event["end_date"].isoformat() if event["end_date"] else "",
                event["date_certainty"],
                event["country"],
                event["location"],
                event["outcome"],
                event["authority"],
                event["justification"],
                joined(source.link for source in sources),
                event["people_withheld"],
                *interval_cells(date),
                event["target_kind"],
                joined(
                    organisation_label(link.name, link.acronym)
                    for link in organisations
                    if link.role == Role.PERPETRATOR
                ),
                ReportedAs.ALLEGATION if event["alleged"] else ReportedAs.FACT,
                joined(event["alleged_by"]),
            ]


class EventJsonView(JsonExportMixin, EventCsvView):
    """``/events.json``: the events of ``/events.csv``, with their organisations, people and citations as lists, read
    as values as the CSV's are (events/export.py)."""

    def json_records(self, events):
        event_address = self.absolute_urls("events:event-detail")
        organisation_address = self.absolute_urls("organisations:organisation-detail")
        person_address = self.absolute_urls("organisations:person-detail")
        source_address = self.absolute_urls("events:source-detail")
        for event in exported_events(events, self.chunk_size):
            yield {
                "id": event["pk"],
                "url": event_address(event["pk"]),
                "title": event["title"],
                "type": event["event_type"],
                "date": interval_json(event["date"]),
                "end_date": event["end_date"],
                "country": event["country"],
                "location": event["location"],
                "summary": event["summary"],
                "outcome": event["outcome"],
                "authority": event["authority"],
                "justification": event["justification"],
                "target_group": event["target_kind"] or None,
                "reported_as": ReportedAs.ALLEGATION if event["alleged"] else ReportedAs.FACT,
                "alleged_by": event["alleged_by"],
                "organisations": [
                    {
                        "id": link.id,
                        "name": link.name,
                        "acronym": link.acronym,
                        "role": link.role,
                        "url": organisation_address(link.slug),
                    }
                    for link in event["organisations"]
                ],
                # Only the people the public may see, by their public name; the others are a number, never a name.
                "people": [
                    {"id": person.id, "name": person.name, "role": person.role, "url": person_address(person.slug)}
                    for person in event["people"]
                ],
                "people_withheld": event["people_withheld"],
                "citations": [
                    {
                        "source_id": citation.source_id,
                        "title": citation.title,
                        "publisher": citation.publisher,
                        "published": interval_json(
                            interval_from_columns(*(getattr(citation, f"published_{part}") for part in PARTS))
                        ),
                        "url": source_address(citation.source_id),
                        "link": citation.link or None,
                        "quote": citation.quote,
                        "location": citation.location,
                        "reported_as": citation.reported_as,
                        "alleged_by": citation.alleged_by,
                    }
                    for citation in event["citations"]
                ],
            }

    def json_page_records(self, rows, matching):
        return list(self.json_records(of_page(rows, matching)))


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
    csv_columns = [
        identifier("The source's number, its address on the site (/sources/<id>/)."),
        Column("title", "string", "Its title.", constraints={"required": True}),
        page_address("The source's page on the site."),
        Column("publisher", "string", "Who published it.", constraints={"required": True}),
        Column(
            "published",
            "string",
            "When it was published, cut to its precision (2024, 2024-03 or 2024-03-06): the earliest bound, or the "
            "latest when there is no lower bound; blank when not known.",
            constraints={"pattern": PARTIAL_DATE_PATTERN},
        ),
        Column("link", "string", "Its address, when it has one (never guessed).", format="uri"),
        Column("author", "string", "Its author, if it names one."),
        choice("language", [code for code, _name in LANGUAGE_CHOICES], "Its language (a language code).", True),
        events_count_column("How many published events cite it."),
        *interval_columns("published", "been published", "Its publication date in the Extended Date/Time Format."),
        Column("archived_at", "date", "When its latest kept copy was retrieved; blank when not known."),
        Column(
            "archived_sha256",
            "string",
            "The SHA-256 of its latest kept copy's text (UTF-8) or file; blank for a web-archive capture.",
            constraints={"pattern": "[0-9a-f]{64}"},
        ),
    ]
    csv_title = "Sources"
    csv_description = "The sources that published events cite."
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
    """``/sources.json``: the sources of ``/sources.csv``, dates as objects."""

    def json_record(self, source):
        return {
            "id": source.pk,
            "url": self.absolute_url(source),
            "title": source.title,
            "publisher": source.publisher,
            "author": source.author,
            "published": interval_json(source.published),
            "link": source.url or None,
            "language": source.language,
            "events": source.event_count,
            "archived": {"retrieved_on": source.archived_at, "sha256": source.archived_sha256 or None}
            if source.archived_sha256 is not None or source.archived_at is not None
            else None,
        }


class SourceDetailView(DetailView):
    queryset = Source.objects.public().for_listing()
    context_object_name = "source"

    def get_context_data(self, **kwargs):
        events = paged_events(self.request, public_events_of(self.object, "citations").timeline())
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
