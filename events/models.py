from django.conf import global_settings, settings
from django.db import models
from django.db.models import Case, F, IntegerField, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from civicspace.dates import DateCertainty, DatePrecision, format_partial, iso_partial, validate_period_start
from organisations.models import Organisation, OrganisationStatus, Person, VersionedModel, published_event_count


class EventType(models.TextChoices):
    DISSOLUTION = "dissolution", _("Dissolution")
    SUSPENSION = "suspension", _("Suspension")
    FUNDING_RESTRICTION = "funding_restriction", _("Funding restriction")
    RESTRICTIVE_LAW = "restrictive_law", _("Restrictive law")
    ASSEMBLY_BAN = "assembly_ban", _("Assembly ban")
    PROTEST_REPRESSED = "protest_repressed", _("Protest repressed")
    CENSORSHIP = "censorship", _("Censorship")
    ARREST = "arrest", _("Arrest")
    ENFORCED_DISAPPEARANCE = "enforced_disappearance", _("Enforced disappearance")
    PROSECUTION = "prosecution", _("Prosecution")
    SENTENCE = "sentence", _("Sentence")
    EXILE = "exile", _("Exile")
    HARASSMENT = "harassment", _("Harassment")
    ATTACK = "attack", _("Attack")
    RELEASE = "release", _("Release")
    REINSTATEMENT = "reinstatement", _("Reinstatement")
    COURT_RULING = "court_ruling", _("Court ruling")
    STATEMENT = "statement", _("Statement")
    POLITICAL_TRANSITION = "political_transition", _("Political transition")
    DIPLOMATIC = "diplomatic", _("Diplomatic")
    CIVIL_SOCIETY_INITIATIVE = "civil_society_initiative", _("Civil-society initiative")


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

# The event types that change an organisation's status when they target it and are carried out.
STATUS_BY_EVENT_TYPE = {
    EventType.DISSOLUTION: OrganisationStatus.DISSOLVED,
    EventType.SUSPENSION: OrganisationStatus.SUSPENDED,
    EventType.REINSTATEMENT: OrganisationStatus.ACTIVE,
}


class Outcome(models.TextChoices):
    CARRIED_OUT = "carried_out", _("Carried out")
    ATTEMPTED = "attempted", _("Attempted but failed")
    REVERSED = "reversed", _("Later reversed")
    PENDING = "pending", _("Pending")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Role(models.TextChoices):
    TARGET = "target", _("Target")
    PERPETRATOR = "perpetrator", _("Perpetrator")
    AUTHOR = "author", _("Author")
    SPOKESPERSON = "spokesperson", _("Spokesperson")
    SUPPORTER = "supporter", _("Supporter")
    OTHER = "other", _("Other")


ROLE_HELP = _(
    "Target: the measure is aimed at them. Perpetrator: they carried it out. Author: they made the statement "
    "or led the initiative. Spokesperson: they spoke for a party to it. Supporter: they funded or backed it."
)


# Django lists the names in English (gettext_noop) and translates them in its own catalogue: shown in the reader's.
LANGUAGE_CHOICES = [(code, _(name)) for code, name in global_settings.LANGUAGES]


class SourceQuerySet(models.QuerySet):
    def for_listing(self):
        """Public rows, with the number of published events that cite each source."""
        return self.annotate(event_count=published_event_count(Citation, "source"))


class Source(VersionedModel):
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=300)
    author = models.CharField(_("author"), max_length=300, blank=True, help_text=_("Only if the source names one."))
    url = models.URLField(
        _("link"), max_length=1000, blank=True, help_text=_("Leave blank rather than guess an address.")
    )
    published_on = models.DateField(_("published"), null=True, blank=True)
    published_precision = models.CharField(
        _("publication date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    published_certainty = models.CharField(
        _("publication date certainty"),
        max_length=20,
        choices=DateCertainty.choices,
        default=DateCertainty.STATED,
        help_text=_("Inferred when the source prints no date and it follows from what the text reports."),
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en")
    notes = models.TextField(_("notes"), blank=True, help_text=_("How the date was worked out, translations..."))

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        get_latest_by = "published_on"
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(published_precision__in=DatePrecision.values),
                name="events_source_published_precision_valid",
            ),
            models.CheckConstraint(
                condition=Q(published_certainty__in=DateCertainty.values),
                name="events_source_published_certainty_valid",
            ),
        ]

    def __str__(self):
        return f"{self.publisher}: {self.title}"

    def get_absolute_url(self):
        return reverse("events:source-detail", kwargs={"pk": self.pk})

    def clean(self):
        validate_period_start("published_on", self.published_on, self.published_precision)

    @property
    def published_display(self):
        return format_partial(self.published_on, self.published_precision, self.published_certainty)

    @property
    def published_iso(self):
        return iso_partial(self.published_on, self.published_precision)


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
    def published(self):
        return self.filter(status=EventStatus.PUBLISHED)

    def for_listing(self):
        """Everything a list row shows (organisations, people, sources) in three prefetch queries."""
        return self.prefetch_related(
            Prefetch("organisation_links", queryset=EventOrganisation.objects.select_related("organisation")),
            Prefetch("person_links", queryset=EventPerson.objects.select_related("person")),
            Prefetch("citations", queryset=Citation.objects.select_related("source")),
        )

    def timeline(self, newest_first=True):
        """Chronological, with the coarser of two periods that start on the same day placed as the outer one.

        "2024" and "January 2024" are stored as 2024-01-01 like "1 January 2024"; newest first, a year comes after
        the months it contains, oldest first before them, so that the timeline's year and month groups hold together.
        """
        span = Case(
            When(date_precision=DatePrecision.YEAR, then=Value(2)),
            When(date_precision=DatePrecision.MONTH, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        if newest_first:
            return self.order_by("-date", span.asc(), "-id")
        return self.order_by("date", span.desc(), "id")


class Event(VersionedModel):
    title = models.CharField(_("title"), max_length=300)
    event_type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    date = models.DateField(
        _("date"), help_text=_("At month or year precision, stored as the first day of the month or year.")
    )
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    date_certainty = models.CharField(
        _("date certainty"),
        max_length=20,
        choices=DateCertainty.choices,
        default=DateCertainty.STATED,
        help_text=_(
            'Inferred: e.g. the source says "On March 6" and the year follows from its time frame. '
            "No later than: the source reports it as done by that date without saying when."
        ),
    )
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Only for events that last: e.g. a suspension lifted."),
    )
    country = CountryField(_("country"))
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        get_latest_by = "date"
        verbose_name = _("event")
        verbose_name_plural = _("events")
        permissions = [("publish_event", _("Can publish, unpublish and withdraw events"))]
        indexes = [
            # The public timeline and lists: published events, newest first.
            models.Index(fields=["status", "-date"], name="events_event_status_date"),
            # Filtering the lists by type within a date range.
            models.Index(fields=["event_type", "date"], name="events_event_type_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(event_type__in=EventType.values), name="events_event_type_valid"),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values), name="events_event_date_precision_valid"
            ),
            models.CheckConstraint(
                condition=Q(date_certainty__in=DateCertainty.values), name="events_event_date_certainty_valid"
            ),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="events_event_outcome_valid"),
            models.CheckConstraint(condition=Q(status__in=EventStatus.values), name="events_event_status_valid"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="events_event_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.date_display}: {self.title}"

    def get_absolute_url(self):
        return reverse("events:event-detail", kwargs={"pk": self.pk})

    def clean(self):
        validate_period_start("date", self.date, self.date_precision)

    @property
    def date_display(self):
        return format_partial(self.date, self.date_precision, self.date_certainty)

    @property
    def date_iso(self):
        """ISO 8601 cut to the precision, for ``<time datetime>`` and the CSV."""
        return iso_partial(self.date, self.date_precision)

    @property
    def cited_sources(self):
        """Each source once, in citation order; uses the citations ``for_listing()`` prefetches."""
        return list(dict.fromkeys(citation.source for citation in self.citations.all()))

    @property
    def timeline_month(self):
        """The month the timeline files the event under, or None for an event known only to the year."""
        return None if self.date_precision == DatePrecision.YEAR else self.date.month

    @property
    def type_definition(self):
        return EVENT_TYPE_DEFINITIONS[EventType(self.event_type)]

    @property
    def is_withdrawn(self):
        return self.status == EventStatus.WITHDRAWN


class Involvement(models.Model):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TARGET, help_text=ROLE_HELP)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        abstract = True


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

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "source__published_on", "id"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")

    def __str__(self):
        return f"{self.source} – {self.quote[:60]}"
