import datetime
import hashlib
from pathlib import PurePath

from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, Max, Min, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from civicspace.dates import (
    DatePrecision,
    IntervalAttribute,
    PartialDate,
    interval_constraints,
    interval_fields,
    validate_interval_columns,
)
from civicspace.models import (
    ChoiceLabels,
    CountsPublicEvents,
    PublicationStatus,
    VersionedModel,
    concerned_by_published_event,
)
from civicspace.vocabulary import ROLE_HELP, EventType, Outcome, Role
from organisations.models import Organisation, OrganisationKind, Person

START_OF_TIME, END_OF_TIME = datetime.date(1, 1, 1), datetime.date(9999, 12, 31)

# An event's publication status: only published events are public (``Event.objects.public()``).
EventStatus = PublicationStatus


# One line each, shown to editors as help and to researchers on the public list of types.
EVENT_TYPE_DEFINITIONS = {
    EventType.DISSOLUTION: _(
        "An organisation or party is dissolved or banned outright by decree, order or court (CIVICUS: ban)."
    ),
    EventType.SUSPENSION: _(
        "An organisation's or party's activities are suspended for a period or until further notice."
    ),
    EventType.FUNDING_RESTRICTION: _("Funding to civil society is cut, blocked or made subject to new conditions."),
    EventType.RESTRICTIVE_LAW: _(
        "A law, decree or regulation that narrows the freedoms of association, assembly or expression "
        "(CIVICUS: restrictive law)."
    ),
    EventType.ASSEMBLY_BAN: _("Demonstrations, marches or meetings are prohibited in advance."),
    EventType.PROTEST_REPRESSED: _(
        "A protest is dispersed or met with force (ACLED: protest with intervention, excessive force against "
        "protesters; CIVICUS: protest disrupted)."
    ),
    EventType.CENSORSHIP: _(
        "Media, publications or online content are suspended, blocked or withdrawn, or self-censorship is "
        "imposed (CIVICUS: censorship)."
    ),
    EventType.ARREST: _("A person is arrested or detained by the authorities (ACLED: arrests; CIVICUS: detention)."),
    EventType.ENFORCED_DISAPPEARANCE: _(
        "A person is taken by or with the consent of the state, whose fate or whereabouts are then concealed "
        "(ACLED: abduction/forced disappearance)."
    ),
    EventType.PROSECUTION: _("Charges are brought or a trial is opened (CIVICUS: legal action)."),
    EventType.SENTENCE: _("A court convicts and sentences a person."),
    EventType.EXILE: _("A person is forced to leave the country or cannot return safely."),
    EventType.HARASSMENT: _(
        "Threats, smear campaigns, surveillance or administrative pressure (CIVICUS: harassment, intimidation)."
    ),
    EventType.ATTACK: _("Physical violence against a person or an organisation's premises (ACLED: attack)."),
    EventType.RELEASE: _("A detained or disappeared person is freed or reappears."),
    EventType.REINSTATEMENT: _(
        "A dissolved or suspended organisation is restored or allowed to resume its activities."
    ),
    EventType.COURT_RULING: _("A court decides on a measure, for example annulling a dissolution."),
    EventType.STATEMENT: _("A reaction by a national or international body, organisation or official."),
    EventType.POLITICAL_TRANSITION: _(
        "A change in who holds power or how: a coup, a transition extended, a national dialogue "
        "(ACLED: strategic development)."
    ),
    EventType.DIPLOMATIC: _(
        "The state withdraws from or ends a treaty, agreement or regional body, or a foreign state acts."
    ),
    EventType.CIVIL_SOCIETY_INITIATIVE: _(
        "Civil society acts: a project, coalition, report, campaign or call (CIVICUS: positive development)."
    ),
}

# Django lists the names in English (gettext_noop) and translates them in its own catalogue: shown in the reader's.
LANGUAGE_CHOICES = [(code, _(name)) for code, name in global_settings.LANGUAGES]
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Sources that a published event cites: the only ones the public sees."""
        return self.filter(concerned_by_published_event(Source, "citations"))

    def for_listing(self):
        """With ``event_count``, the number of published events that cite each source."""
        return self.annotate(event_count=F("public_event_count"))

    def with_latest_copy(self):
        """With ``archived_at`` (retrieval date) and ``archived_sha256`` of each source's latest kept copy."""
        latest = SourceCopy.objects.filter(source=OuterRef("pk")).order_by(*LATEST_COPY_FIRST)
        return self.annotate(
            archived_at=Subquery(latest.values("retrieved_on")[:1]),
            archived_sha256=Subquery(latest.values("sha256")[:1]),
        )


# The order of an event's organisations wherever they are listed (pages, exports): by name. Not the model's ordering,
# which starts with the event and so makes every read of links join the events to sort them.
ORGANISATION_LINK_ORDER = ("organisation__name", "pk")


def source_label(publisher, title):
    """How lists and exports name a source: "publisher: title"."""
    return f"{publisher}: {title}"


class Source(VersionedModel, CountsPublicEvents):
    event_relation = "citations"

    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=300)
    author = models.CharField(_("author"), max_length=300, blank=True, help_text=_("Only if the source names one."))
    url = models.URLField(
        _("link"), max_length=1000, blank=True, help_text=_("Leave blank rather than guess an address.")
    )
    (
        published_earliest,
        published_earliest_precision,
        published_latest,
        published_latest_precision,
        published_certainty,
    ) = interval_fields(_("published"))
    published = IntervalAttribute("published")
    # Where the source stands in time for the lists' order (undated ones last, newest first): never null, so that it
    # can order pages by key.
    published_sort = models.GeneratedField(
        expression=Coalesce("published_earliest", "published_latest", Value(START_OF_TIME)),
        output_field=models.DateField(),
        db_persist=True,
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en")
    notes = models.TextField(_("notes"), blank=True, help_text=_("How the date was worked out, translations..."))

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["published_sort", "public_event_count"])

    class Meta:
        ordering = ["-published_sort", "-id"]
        get_latest_by = "published_latest"
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = interval_constraints("published", "events_source", required=False)
        indexes = [
            # The sources list newest first (/sources/, either direction), by title and by publisher (?sort=title).
            models.Index(fields=["published_sort", "id"], name="events_source_published"),
            models.Index(fields=["title", "id"], name="events_source_title"),
            models.Index(fields=["publisher", "id"], name="events_source_publisher"),
        ]

    def __str__(self):
        return source_label(self.publisher, self.title)

    def get_absolute_url(self):
        return reverse("events:source-detail", kwargs={"pk": self.pk})

    def get_language_display(self):
        # Django's own hashes every choice's translated name (a hundred languages) at each call: once a row.
        return LANGUAGE_NAMES.get(self.language, self.language)

    def clean(self):
        validate_interval_columns(self, "published")


# The latest retrieval first; a copy whose retrieval date is not known comes after every dated one.
LATEST_COPY_FIRST = [F("retrieved_on").desc(nulls_last=True), "-id"]


def copy_upload_path(copy, filename):
    """Files are filed under their own SHA-256 (computed before the file is stored), keeping the name they came with."""
    name = PurePath(PurePath(filename).name)
    return f"source-copies/{copy.sha256}/{name.stem[:100]}{name.suffix[:20]}"


def sha256_of(copy):
    """The SHA-256 of what the copy holds: its text in UTF-8, or its file's bytes; empty for a capture link."""
    if copy.text:
        return hashlib.sha256(copy.text.encode("utf-8")).hexdigest()
    if not copy.file:
        return ""
    if copy.file._committed and copy.sha256:
        return copy.sha256  # a stored file never changes: no need to read it again
    digest = hashlib.sha256()
    copy.file.open("rb")
    for chunk in copy.file.chunks():
        digest.update(chunk)
    copy.file.seek(0)
    return digest.hexdigest()


class SourceCopy(models.Model):
    """A copy of a source, kept in case the original is taken down or blocked: its text or a file as retrieved,
    or the address of a web-archive capture. Its SHA-256 is computed from what it holds, never typed in."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="copies", verbose_name=_("source"))
    text = models.TextField(
        _("text"), blank=True, help_text=_("The source's text as retrieved, pasted whole (stored in the database).")
    )
    file = models.FileField(
        _("file"),
        upload_to=copy_upload_path,
        max_length=300,
        blank=True,
        help_text=_("The page or document as retrieved: a PDF, a saved web page, a screenshot..."),
    )
    archive_url = models.URLField(
        _("web-archive capture"),
        max_length=1000,
        blank=True,
        help_text=_("The address of a capture in a public web archive, e.g. https://web.archive.org/web/..."),
    )
    retrieved_on = models.DateField(
        _("retrieved"),
        null=True,
        blank=True,
        help_text=_("When the text or file was retrieved or the capture made; blank if it is not known."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("Where the copy came from."))
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("kept since"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = LATEST_COPY_FIRST
        get_latest_by = "retrieved_on"
        verbose_name = _("kept copy")
        verbose_name_plural = _("kept copies")
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="", file="", archive_url=""),
                name="events_sourcecopy_holds_something",
                violation_error_message=_("Paste the text, upload a file or give a web-archive capture's address."),
            ),
            models.CheckConstraint(
                condition=Q(text="") | Q(file=""),
                name="events_sourcecopy_text_or_file",
                violation_error_message=_("A copy holds the text or a file, not both: add the other as a second copy."),
            ),
        ]

    def __str__(self):
        return f"{self.source}: {self.kind_display}"

    def save(self, *args, **kwargs):
        self.sha256 = sha256_of(self)
        super().save(*args, **kwargs)

    def clean(self):
        if self.retrieved_on and self.retrieved_on > timezone.localdate():
            raise ValidationError({"retrieved_on": _("A copy cannot have been retrieved in the future.")})

    @property
    def kind_display(self):
        if self.text:
            return _("text")
        return _("file") if self.file else _("web-archive capture")

    @property
    def retrieved_display(self):
        return PartialDate.of(self.retrieved_on, DatePrecision.DAY).words()


class LinkCheck(models.Model):
    """What ``check_links`` last saw at an address that a source or a kept copy gives. Kept apart from the
    records, so that a check neither adds to their history nor makes an editor's open form stale."""

    url = models.URLField(_("link"), max_length=1000, unique=True)
    checked_at = models.DateTimeField(_("last checked"))
    status_code = models.PositiveSmallIntegerField(
        _("HTTP status"), null=True, blank=True, help_text=_("Empty when nothing answered.")
    )
    problem = models.CharField(_("problem"), max_length=300, blank=True)
    answered_at = models.DateTimeField(_("last answered"), null=True, blank=True)
    broken_since = models.DateTimeField(
        _("not answering since"), null=True, blank=True, help_text=_("The first failed check since it last answered.")
    )

    class Meta:
        ordering = ["url"]
        get_latest_by = "checked_at"
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        indexes = [
            # The data-quality page lists the links that stopped answering.
            models.Index(fields=["broken_since"], name="events_linkcheck_broken"),
        ]

    def __str__(self):
        return self.url

    @classmethod
    def broken(cls, queryset, url_field):
        """The rows of ``queryset`` whose link in ``url_field`` stopped answering, with the check's status, problem
        and since when, in one query however many rows."""
        checks = cls.objects.filter(url=OuterRef(url_field), broken_since__isnull=False)
        return queryset.filter(Exists(checks)).annotate(
            link_status_code=Subquery(checks.values("status_code")[:1]),
            link_problem=Subquery(checks.values("problem")[:1]),
            link_broken_since=Subquery(checks.values("broken_since")[:1]),
        )


def user_stamp(verbose_name=None):
    """Who did something to a record; kept as empty if their account is deleted, the history keeps the rest."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=verbose_name,
    )


class EventQuerySet(models.QuerySet):
    def public(self):
        """Published events: the only ones in any public list, count, page, export or feed."""
        return self.filter(status=EventStatus.PUBLISHED)

    def withdrawn(self):
        """Withdrawn events: their public address answers 410 with the reason, and nothing of the event."""
        return self.filter(status=EventStatus.WITHDRAWN)

    def for_listing(self):
        """Everything an event's page shows of what it concerns and cites (organisations, people, citations and their
        sources) in four prefetch queries. The lists read their events as the exports do instead (events/listing.py).

        People are read through ``Person.objects.public()`` into each link's ``public_person``, which is None for
        someone the public may not see: pages count the people withheld without ever loading who they are. Public
        pages read ``public_person``, never ``person``.
        """
        return self.prefetch_related(
            Prefetch(
                "organisation_links",
                queryset=EventOrganisation.objects.select_related("organisation").order_by(*ORGANISATION_LINK_ORDER),
            ),
            Prefetch("person_links", queryset=EventPerson.objects.order_by("pk")),
            Prefetch("person_links__person", queryset=Person.objects.public(), to_attr="public_person"),
            Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("pk")),
        )

    def dates(self, field_name, kind, order="ASC"):
        """``QuerySet.dates()``, with the years of ``date_sort`` found through its index: each year between the first
        event's and the last is looked up (a list of their first days). Reading every event's year took 3 s at a
        million events on SQLite, twice on each page of the admin's list of events (its years and its drill-down)."""
        if (field_name, kind) != ("date_sort", "year"):
            return super().dates(field_name, kind, order)
        span = self.aggregate(first=Min("date_sort"), last=Max("date_sort"))
        if span["first"] is None:
            return []
        years = range(span["first"].year, span["last"].year + 1)
        held = [datetime.date(year, 1, 1) for year in years if self.filter(date_sort__year=year).exists()]
        return held[::-1] if order == "DESC" else held

    def timeline(self, newest_first=True):
        """By where each event stands in time, with the wider of two intervals that start on the same day placed as
        the outer one.

        "2024", "January 2024" and "1 January 2024" all start on 2024-01-01; newest first, a year comes after the
        months it contains (its latest day is later), oldest first before them, so that the timeline's year and month
        groups hold together. An interval with no upper bound is the widest of all.
        """
        if newest_first:
            return self.order_by("-date_sort", "date_sort_end", "-id")
        return self.order_by("date_sort", "-date_sort_end", "id")


class Event(VersionedModel):
    title = models.CharField(_("title"), max_length=300)
    event_type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    date_earliest, date_earliest_precision, date_latest, date_latest_precision, date_certainty = interval_fields(
        _("date")
    )
    date = IntervalAttribute("date")
    # Where the event stands in time (its earliest possible day, or its latest when the sources give no lower
    # bound): kept by the database, for the lists' order and their indexes.
    date_sort = models.GeneratedField(
        expression=Coalesce("date_earliest", "date_latest"), output_field=models.DateField(), db_persist=True
    )
    # Its latest possible day, an open end counting as the end of time: of two events that stand on the same day, the
    # narrower comes first. Never null, so that it can order the lists' pages by key.
    date_sort_end = models.GeneratedField(
        expression=Coalesce("date_latest", Value(END_OF_TIME)), output_field=models.DateField(), db_persist=True
    )
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Only for events that last: e.g. a suspension lifted."),
    )
    country = CountryField(_("country"))
    target_kind = models.CharField(
        _("targets every organisation of this kind"),
        max_length=40,
        choices=OrganisationKind.choices,
        blank=True,
        help_text=_(
            'For a measure against a whole group rather than named organisations: "the activities of political '
            "parties have been suspended\" targets every political party in the event's country, and their status "
            "follows as for a named target."
        ),
    )
    location = models.CharField(_("location"), max_length=200, blank=True, help_text=_("Town or region."))
    summary = models.TextField(_("summary"), help_text=_("What happened, in the tracker's own neutral words."))
    authority = models.CharField(
        _("authority that acted"),
        max_length=300,
        blank=True,
        help_text=_('As the source names it: "the minister of territorial administration".'),
    )
    justification = models.TextField(
        _("stated justification"),
        blank=True,
        help_text=_("The reason the authority gave, quoted as reported."),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.CARRIED_OUT)
    organisations = models.ManyToManyField(
        Organisation,
        through="EventOrganisation",
        related_name="events",
        blank=True,
        verbose_name=_("organisations"),
    )
    people = models.ManyToManyField(
        Person, through="EventPerson", related_name="events", blank=True, verbose_name=_("people")
    )
    sources = models.ManyToManyField(
        Source, through="Citation", related_name="events", blank=True, verbose_name=_("sources")
    )
    status = models.CharField(
        _("publication status"),
        max_length=10,
        choices=EventStatus.choices,
        default=EventStatus.DRAFT,
        help_text=_(
            "Only published events are shown to the public. Publishing needs at least one citation. "
            "A published event is never deleted: it is withdrawn, and its page says so."
        ),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = user_stamp(_("published by"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawn_by = user_stamp(_("withdrawn by"))
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"),
        blank=True,
        help_text=_("Shown on the public page of a withdrawn event: why it no longer stands."),
    )
    created_by = user_stamp()
    updated_by = user_stamp()

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["date_sort", "date_sort_end"])

    class Meta:
        ordering = ["-date_sort", "date_sort_end", "-id"]
        get_latest_by = "date_sort"
        verbose_name = _("event")
        verbose_name_plural = _("events")
        permissions = [("publish_event", _("Can publish, unpublish and withdraw events"))]
        indexes = [
            # The public timeline and lists: published events, newest (or, read backwards, oldest) first, page after
            # page by key; its columns are the order's, so no page sorts.
            models.Index(fields=["status", "date_sort", "-date_sort_end", "id"], name="events_event_status_date"),
            # The lists filtered by a type (the commonest filter): that type's published events in the list's order,
            # read by key without walking past every other type's; the type facet's counts; and, with the two bounds
            # at its end, the charts' count by month and type read from the index alone (a fifth of the time at a
            # million events, as the rows hold long summaries).
            models.Index(
                fields=["status", "event_type", "date_sort", "-date_sort_end", "id", "date_earliest", "date_latest"],
                name="events_event_status_type",
            ),
            # The admin's list of events, every status, newest first (EventAdmin.ordering), and the years it offers
            # (EventQuerySet.dates): without it PostgreSQL sorted a million events for each page of the list.
            models.Index(fields=["date_sort", "id"], name="events_event_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(event_type__in=EventType.values), name="events_event_type_valid"),
            *interval_constraints("date", "events_event"),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="events_event_outcome_valid"),
            models.CheckConstraint(
                condition=Q(target_kind="") | Q(target_kind__in=OrganisationKind.values),
                name="events_event_target_kind_valid",
            ),
            models.CheckConstraint(condition=Q(status__in=EventStatus.values), name="events_event_status_valid"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(date_earliest__isnull=True)
                | Q(end_date__gte=F("date_earliest")),
                name="events_event_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.date}: {self.title}"

    def get_absolute_url(self):
        return reverse("events:event-detail", kwargs={"pk": self.pk})

    def clean(self):
        validate_interval_columns(self, "date")

    @property
    def shown_person_links(self):
        """The links to people the public may see, from the links ``for_listing()`` prefetches."""
        return [link for link in self.person_links.all() if link.public_person is not None]

    @property
    def withheld_people_count(self):
        """How many people the event concerns whose identity is withheld from the public (each counted once)."""
        return len({link.person_id for link in self.person_links.all() if link.public_person is None})

    @property
    def is_alleged(self):
        """True when every source reports the event only as someone's allegation; uses the prefetched citations."""
        return all_alleged([citation.reported_as for citation in self.citations.all()])

    @property
    def alleged_by(self):
        """Whose allegations the citations report, each once."""
        return claimants((citation.reported_as, citation.alleged_by) for citation in self.citations.all())

    @property
    def perpetrators(self):
        """The organisations that acted (links with the role perpetrator), from the prefetched links."""
        return [link.organisation for link in self.organisation_links.all() if link.role == Role.PERPETRATOR]

    @property
    def type_definition(self):
        return EVENT_TYPE_DEFINITIONS[EventType(self.event_type)]

    @property
    def is_withdrawn(self):
        return self.status == EventStatus.WITHDRAWN


class Involvement(ChoiceLabels):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TARGET, help_text=ROLE_HELP)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        abstract = True


class EventTally(models.Model):
    """How many published events share a type, a country, an outcome and the months of their dates: a derived cache
    (events/tally.py) from which the events lists read their chart, count and facets' counts when they filter by
    nothing else. Its fields bear the events' names, so that the lists' own filters apply to it; the dates are the
    first days of the events' months."""

    event_type = models.CharField(max_length=40)
    country = models.CharField(max_length=2)
    outcome = models.CharField(max_length=20)
    date_earliest = models.DateField(null=True)
    date_latest = models.DateField(null=True)
    end_date = models.DateField(null=True)
    events = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # A tally's rows for a type (the commonest filter), and those one event's save counts again.
            models.Index(
                fields=["event_type", "country", "outcome", "date_earliest", "date_latest", "end_date"],
                name="events_tally_key",
            )
        ]

    def __str__(self):
        return f"{self.event_type} {self.country} {self.outcome} {self.date_earliest}–{self.date_latest}: {self.events}"


class EventOrganisation(Involvement):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organisation_links")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="event_links")

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "organisation__name"]
        verbose_name = _("organisation concerned")
        verbose_name_plural = _("organisations concerned")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation", "role"], name="events_eventorganisation_unique_role"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="events_eventorganisation_role_valid"),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


class EventPerson(Involvement):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="person_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="event_links")

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "person__name"]
        verbose_name = _("person concerned")
        verbose_name_plural = _("people concerned")
        constraints = [
            models.UniqueConstraint(fields=["event", "person", "role"], name="events_eventperson_unique_role"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="events_eventperson_role_valid"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"


class ReportedAs(models.TextChoices):
    FACT = "fact", _("Reported by the source as fact")
    ALLEGATION = "allegation", _("Reported by the source as someone's allegation")


def all_alleged(reported_as):
    """Whether an event whose citations report it as ``reported_as`` (one value each) is only alleged: it has
    citations, and every one reports an allegation."""
    return bool(reported_as) and all(value == ReportedAs.ALLEGATION for value in reported_as)


def claimants(citations):
    """Whose allegations ``(reported_as, alleged_by)`` pairs report, each once, in order."""
    return list(dict.fromkeys(who for reported_as, who in citations if reported_as == ReportedAs.ALLEGATION and who))


class Citation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(
        _("quoted passage"),
        blank=True,
        help_text=_(
            "The passage of the source that supports the event, copied exactly. "
            "May stay empty on a draft (a bulk import names sources without quotes); needed to publish."
        ),
    )
    location = models.CharField(
        _("where in the source"), max_length=100, blank=True, help_text=_('e.g. "paragraph 4".')
    )
    reported_as = models.CharField(
        _("reported as"),
        max_length=10,
        choices=ReportedAs.choices,
        default=ReportedAs.FACT,
        help_text=_(
            "An allegation: the source reports what someone claims (the minister says members were arrested), "
            "not what it establishes itself."
        ),
    )
    alleged_by = models.CharField(
        _("alleged by"),
        max_length=300,
        blank=True,
        help_text=_('Whose claim, as the source names them: "the minister of territorial administration".'),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_as__in=ReportedAs.values), name="events_citation_reported_as_valid"
            ),
            # Only an allegation has someone who alleges it.
            models.CheckConstraint(
                condition=Q(reported_as=ReportedAs.ALLEGATION) | Q(alleged_by=""),
                name="events_citation_alleged_by_only_for_allegations",
                violation_error_message=_("Only an allegation is alleged by someone: choose allegation, or clear it."),
            ),
        ]

    def __str__(self):
        return f"{self.source} – {self.quote[:60]}"

    @property
    def is_allegation(self):
        return self.reported_as == ReportedAs.ALLEGATION
