from django.db import models
from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from civicspace.dates import DatePrecision, format_partial, validate_period_start


def split_names(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


class VersionedModel(models.Model):
    """A record that keeps when it was created and changed, and counts its saves so that a stale form is refused."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


def published_event_count(link_model, field):
    """A subquery counting the distinct published events that ``link_model`` rows tie to the outer row.

    A subquery rather than ``Count()`` so that filters joining the same relations cannot inflate it.
    """
    from events.models import EventStatus

    counts = (
        link_model.objects.filter(**{field: OuterRef("pk")}, event__status=EventStatus.PUBLISHED)
        .order_by()
        .values(field)
        .annotate(count=Count("event", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(counts), 0)


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    POLITICAL_PARTY = "political_party", _("Political party")
    STUDENT_UNION = "student_union", _("Student union")
    RELIGIOUS_MOVEMENT = "religious_movement", _("Religious movement")
    NGO = "ngo", _("NGO")
    COALITION = "coalition", _("Coalition")
    TRADE_UNION = "trade_union", _("Trade union")
    MEDIA = "media", _("Media")
    STATE_BODY = "state_body", _("State body")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    OTHER = "other", _("Other")


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DISSOLVED = "dissolved", _("Dissolved")


class OrganisationQuerySet(models.QuerySet):
    def with_status(self, published_only=True):
        """Annotate ``status`` and the ``status_event_id`` that set it, derived from the organisation's events.

        The latest carried-out dissolution, suspension or reinstatement that targets the organisation decides;
        a suspension whose end date has passed no longer counts. With ``published_only`` (the public view), drafts
        are ignored.
        """
        from events.models import STATUS_BY_EVENT_TYPE, EventOrganisation, EventStatus, Outcome, Role

        links = EventOrganisation.objects.filter(
            organisation=OuterRef("pk"),
            role=Role.TARGET,
            event__event_type__in=list(STATUS_BY_EVENT_TYPE),
            event__outcome=Outcome.CARRIED_OUT,
        ).order_by("-event__date", "-event__id")
        if published_only:
            links = links.filter(event__status=EventStatus.PUBLISHED)
        today = timezone.localdate()
        # The status is worked out inside the subquery, so the database looks up the latest event once per row
        # for the status and once for the event, rather than once per branch of a CASE.
        status_of_link = Case(
            *[
                When(
                    Q(event__event_type=event_type) & (Q(event__end_date__isnull=True) | Q(event__end_date__gte=today)),
                    then=Value(status),
                )
                for event_type, status in STATUS_BY_EVENT_TYPE.items()
            ],
            default=Value(OrganisationStatus.ACTIVE),
            output_field=models.CharField(),
        )
        return self.annotate(
            status_event_id=Subquery(links.values("event_id")[:1]),
            status=Coalesce(
                Subquery(links.annotate(link_status=status_of_link).values("link_status")[:1]),
                Value(OrganisationStatus.ACTIVE),
                output_field=models.CharField(),
            ),
        )

    def for_listing(self):
        """Public rows: status from published events only, and the number of published events."""
        from events.models import EventOrganisation

        return self.with_status(published_only=True).annotate(
            event_count=published_event_count(EventOrganisation, "organisation")
        )


class Organisation(VersionedModel):
    name = models.CharField(_("name"), max_length=300, help_text=_("The name most used in the sources."))
    acronym = models.CharField(
        _("acronym"), max_length=50, blank=True, help_text=_("Only if a source gives it; never made up.")
    )
    other_names = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("One per line: the name in other languages (e.g. French), former names, spellings."),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=OrganisationKind.choices)
    country = CountryField(
        _("country"), blank=True, help_text=_("Where it is based; leave blank for international bodies.")
    )
    founded_on = models.DateField(_("founded"), null=True, blank=True)
    founded_precision = models.CharField(
        _("founding date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    description = models.TextField(_("description"), blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("Its address on the public site."))
    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        get_latest_by = "created_at"
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                name="organisations_organisation_unique_name_per_country",
                violation_error_message=_("An organisation with this name already exists in this country."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisations_organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(founded_precision__in=DatePrecision.values),
                name="organisations_organisation_founded_precision_valid",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("organisations:organisation-detail", kwargs={"slug": self.slug})

    def clean(self):
        validate_period_start("founded_on", self.founded_on, self.founded_precision)

    @property
    def other_names_list(self):
        return split_names(self.other_names)

    @property
    def status_display(self):
        """The label of the ``status`` that ``with_status()`` annotates."""
        return OrganisationStatus(self.status).label

    @property
    def founded_display(self):
        return format_partial(self.founded_on, self.founded_precision)

    def current_status(self, published_only=True):
        """(status, event that set it or None): one query for the event, one more unless ``with_status()`` already
        annotated the status (whose ``published_only`` then holds)."""
        if not hasattr(self, "status"):
            annotated = Organisation.objects.with_status(published_only).get(pk=self.pk)
            self.status, self.status_event_id = annotated.status, annotated.status_event_id
        event = None
        if self.status_event_id and self.status != OrganisationStatus.ACTIVE:
            from events.models import Event

            event = Event.objects.get(pk=self.status_event_id)
        return OrganisationStatus(self.status), event


class PersonQuerySet(models.QuerySet):
    def for_listing(self):
        """Public rows: affiliations with their organisations (one prefetch query) and published event counts."""
        from events.models import EventPerson

        return self.annotate(event_count=published_event_count(EventPerson, "person")).prefetch_related(
            Prefetch("affiliations", queryset=Affiliation.objects.select_related("organisation"))
        )


class Person(VersionedModel):
    name = models.CharField(_("name"), max_length=300)
    other_names = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("One per line: spellings without accents, names in other scripts."),
    )
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_('Who they are, as the sources say: "colonel of the gendarmerie", "economist".'),
    )
    country = CountryField(_("country"), blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("Their address on the public site."))
    organisations = models.ManyToManyField(
        Organisation,
        through="Affiliation",
        related_name="people",
        blank=True,
        verbose_name=_("organisations"),
    )
    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        get_latest_by = "created_at"
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisations:person-detail", kwargs={"slug": self.slug})

    @property
    def other_names_list(self):
        return split_names(self.other_names)


class Affiliation(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="affiliations")
    role = models.CharField(
        _("role"),
        max_length=200,
        blank=True,
        help_text=_('As the source puts it: "President", "spokesperson".'),
    )
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["person__name", "organisation__name"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="organisations_affiliation_end_after_start",
                violation_error_message=_("An affiliation cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["person", "organisation", "role"], name="organisations_affiliation_unique_role"
            ),
        ]

    def __str__(self):
        role = f", {self.role}" if self.role else ""
        return f"{self.person} – {self.organisation}{role}"
