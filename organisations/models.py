from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, When
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from civicspace.dates import IntervalAttribute, interval_constraints, interval_fields, validate_interval_columns
from civicspace.models import CountsPublicEvents, VersionedModel, concerned_by_published_event, published_event_types
from civicspace.vocabulary import EventType


def split_names(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


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


# The event types that change an organisation's status when they target it and are carried out.
STATUS_BY_EVENT_TYPE = {
    EventType.DISSOLUTION: OrganisationStatus.DISSOLVED,
    EventType.SUSPENSION: OrganisationStatus.SUSPENDED,
    EventType.REINSTATEMENT: OrganisationStatus.ACTIVE,
}


def listed_field(help_text):
    return models.BooleanField(_("listed by a reviewer"), default=False, help_text=help_text)


class OrganisationQuerySet(models.QuerySet):
    def public(self):
        """Organisations a published event concerns, or that a reviewer listed: the only ones the public sees."""
        return self.filter(concerned_by_published_event(Organisation, "event_links") | Q(listed=True))

    def for_listing(self):
        """With ``event_count``, the number of published events."""
        return self.annotate(event_count=F("public_event_count"))


class Organisation(VersionedModel, CountsPublicEvents):
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
    founded_earliest, founded_earliest_precision, founded_latest, founded_latest_precision, founded_certainty = (
        interval_fields(_("founded"))
    )
    founded = IntervalAttribute("founded")
    description = models.TextField(_("description"), blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("Its address on the public site."))
    listed = listed_field(
        _("Shown on the public site even when no published event concerns it. Only reviewers can set it.")
    )
    # Derived from the published events that target it (events/status.py), never typed in: a cache kept in step by
    # the code that changes events, so that the lists filter on it with an index.
    status = models.CharField(
        _("current status"),
        max_length=10,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.ACTIVE,
        editable=False,
    )
    status_event_id = models.PositiveBigIntegerField(_("event that set the status"), null=True, editable=False)
    status_until = models.DateField(_("status holds until"), null=True, editable=False)
    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["status", "status_event_id", "status_until", "public_event_count"])

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
            *interval_constraints("founded", "organisations_organisation", required=False),
            models.CheckConstraint(
                condition=Q(status__in=OrganisationStatus.values), name="organisations_organisation_status_valid"
            ),
        ]
        indexes = [
            # The organisations list in name order (/organisations/), by country (?sort=country) and by number of
            # events (?sort=-events).
            models.Index(fields=["name", "id"], name="organisations_name"),
            models.Index(fields=["country", "id"], name="organisations_country"),
            models.Index(fields=["public_event_count", "id"], name="organisations_events"),
            # The organisations list filtered by current status (?status=dissolved), in name order.
            models.Index(fields=["status", "name"], name="organisations_status_name"),
            # Statuses decided by a suspension that has since ended, derived again when the lists are read.
            models.Index(fields=["status_until"], name="organisations_status_until"),
        ]

    def __str__(self):
        return organisation_label(self.name, self.acronym)

    @staticmethod
    def is_public(field):
        """True for rows whose ``field`` is a public organisation: asked of each row, where ``field__in=public()``
        would have the database list every public organisation first."""
        return Exists(Organisation.objects.public().filter(pk=OuterRef(field)))

    def get_absolute_url(self):
        return reverse("organisations:organisation-detail", kwargs={"slug": self.slug})

    def clean(self):
        validate_interval_columns(self, "founded")

    @property
    def other_names_list(self):
        return split_names(self.other_names)

    def status_event(self):
        """The published event that set the current status (by name or as one of a group), or None."""
        if self.status == OrganisationStatus.ACTIVE or self.status_event_id is None:
            return None
        events = self._meta.get_field("events").related_model.objects
        return events.public().filter(pk=self.status_event_id).first()


def organisation_label(name, acronym):
    """How lists and exports name an organisation: "Name (ACRONYM)", or the name alone."""
    return f"{name} ({acronym})" if acronym else name


class Protection(models.TextChoices):
    PUBLIC = "public", _("Public: shown by name")
    PSEUDONYMISED = "pseudonymised", _("Pseudonymised: shown only under the pseudonym")
    WITHHELD = "withheld", _("Withheld: not shown at all")


def default_protection():
    """The protection a new person starts with until a reviewer decides (``TRACKER_DEFAULT_PROTECTION``)."""
    return settings.TRACKER_DEFAULT_PROTECTION


# A person the public may see at all: named, or pseudonymised under a pseudonym (and its address) a reviewer has
# set. Without them, a pseudonymised person is withheld, so that a missing pseudonym never falls back to the name.
SHOWN = Q(protection=Protection.PUBLIC) | (
    Q(protection=Protection.PSEUDONYMISED) & ~Q(pseudonym="") & ~Q(pseudonym_slug="")
)
# A shown person whose name, other names, description, country and affiliations may be shown (or searched on).
IDENTIFIED = Q(protection=Protection.PUBLIC)
# What a person is called in public: the same rule as ``Person.public_name``, for sorting and searching in SQL.
PUBLIC_NAME = Case(
    When(protection=Protection.PSEUDONYMISED, then=F("pseudonym")), default=F("name"), output_field=models.CharField()
)

# Where a person's public page is: the same rule as ``Person.public_slug``, in SQL.
PUBLIC_SLUG = Case(
    When(protection=Protection.PSEUDONYMISED, then=F("pseudonym_slug")),
    default=F("slug"),
    output_field=models.CharField(),
)


@cache
def known_in_public():
    """Of a shown person, whether the public may see them: concerned by a published event, or affiliated with a public
    organisation and listed by a reviewer.

    Built once for each process: building its three levels of subqueries took 1 ms of every page that names people.
    Each query resolves copies of them, never these (Django copies an expression before it resolves it), and the rule
    reads nothing but the rows, so one built value serves every query."""
    affiliated_with_public = Exists(
        Affiliation.objects.filter(Organisation.is_public("organisation"), person=OuterRef("pk"))
    )
    concerned = concerned_by_published_event(Person, "event_links")
    return concerned | (Q(listed=True) & affiliated_with_public)


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People the public may see: shown (see ``SHOWN``), and concerned by a published event, or affiliated
        with a public organisation and listed by a reviewer (``known_in_public``)."""
        return self.filter(SHOWN).filter(known_in_public())

    def withheld(self):
        """People a published event concerns whom the public may not see: counted in public, never named."""
        return self.exclude(SHOWN).filter(concerned_by_published_event(Person, "event_links"))

    def with_public_slugs(self, slugs):
        """The people whose public address ends in one of ``slugs``: their slug, or their pseudonym's."""
        named = Q(protection=Protection.PUBLIC, slug__in=slugs)
        pseudonymised = Q(protection=Protection.PSEUDONYMISED, pseudonym_slug__in=slugs)
        return self.filter(named | pseudonymised)

    def for_listing(self):
        """With ``event_count``, the number of published events, and affiliations with public organisations (one
        prefetch query)."""
        return self.annotate(event_count=F("public_event_count")).prefetch_related(
            Prefetch(
                "affiliations",
                queryset=Affiliation.objects.filter(Organisation.is_public("organisation")).select_related(
                    "organisation"
                ),
            )
        )


class Person(VersionedModel, CountsPublicEvents):
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
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("Their address on the public site, if their protection is public."),
    )
    protection = models.CharField(
        _("protection"),
        max_length=20,
        choices=Protection.choices,
        default=default_protection,
        help_text=_(
            "Chosen by a reviewer. Pseudonymised: the public sees only the pseudonym, never the name, other names, "
            "description, country, affiliations or slug. Withheld: the public sees nothing of them; events say how "
            "many people are withheld."
        ),
    )
    pseudonym = models.CharField(
        _("pseudonym"),
        max_length=100,
        blank=True,
        help_text=_('Shown instead of the name when pseudonymised, e.g. "Student activist A". Keep it stable.'),
    )
    pseudonym_slug = models.SlugField(
        _("pseudonym's slug"),
        max_length=100,
        blank=True,
        help_text=_("Their address on the public site when pseudonymised; made from the pseudonym, never the name."),
    )
    listed = listed_field(
        _(
            "Shown on the public site when affiliated with a public organisation, even if no published event "
            "concerns them. Only reviewers can set it."
        )
    )
    organisations = models.ManyToManyField(
        Organisation,
        through="Affiliation",
        related_name="people",
        blank=True,
        verbose_name=_("organisations"),
    )
    # What the public calls them (``PUBLIC_NAME``), kept by the database for the list's order and its index.
    name_shown = models.GeneratedField(
        expression=PUBLIC_NAME, output_field=models.CharField(max_length=300), db_persist=True
    )
    # The types of the published events that concern them (``civicspace.models.EVENT_TYPE_BITS``), stored with their
    # number: the home page counts the people concerned by each type from it, not from every link of every event.
    public_event_types = models.PositiveBigIntegerField(_("types of published events"), default=0, editable=False)
    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["name_shown", "public_event_count", "public_event_types"])

    @classmethod
    def derived_from_events(cls):
        return super().derived_from_events() | {"public_event_types": published_event_types(cls, cls.event_relation)}

    class Meta:
        ordering = ["name"]
        get_latest_by = "created_at"
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=Q(protection__in=Protection.values), name="organisations_person_protection_valid"
            ),
            # A pseudonym's address is unique like a slug; blank for everyone not pseudonymised.
            models.UniqueConstraint(
                fields=["pseudonym_slug"],
                condition=~Q(pseudonym_slug=""),
                name="organisations_person_unique_pseudonym_slug",
                violation_error_message=_("Another person already has this pseudonym's slug."),
            ),
        ]
        indexes = [
            # The people list in the order of the names it shows (/people/), and by number of events (?sort=-events).
            models.Index(fields=["name_shown", "id"], name="organisations_person_name"),
            models.Index(fields=["public_event_count", "id"], name="organisations_person_events"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """The public address, which never shows the slug of a pseudonymised person's name."""
        return reverse("organisations:person-detail", kwargs={"slug": self.public_slug})

    @property
    def other_names_list(self):
        return split_names(self.other_names)

    @property
    def is_identified(self):
        """Whether the public may see who they are (name, description, affiliations...), not only a pseudonym."""
        return self.protection == Protection.PUBLIC

    @property
    def public_name(self):
        """What the public calls them; ``PUBLIC_NAME`` is the same rule in SQL."""
        return self.pseudonym if self.protection == Protection.PSEUDONYMISED else self.name

    @property
    def public_slug(self):
        """Where their public page is; ``PUBLIC_SLUG`` is the same rule in SQL."""
        return self.pseudonym_slug if self.protection == Protection.PSEUDONYMISED else self.slug


class Affiliation(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="affiliations")
    role = models.CharField(
        _("role"),
        max_length=200,
        blank=True,
        help_text=_('As the source puts it: "President", "spokesperson".'),
    )
    joined_earliest, joined_earliest_precision, joined_latest, joined_latest_precision, joined_certainty = (
        interval_fields(_("from"))
    )
    joined = IntervalAttribute("joined")
    left_earliest, left_earliest_precision, left_latest, left_latest_precision, left_certainty = interval_fields(
        _("until")
    )
    left = IntervalAttribute("left")

    history = HistoricalRecords()

    class Meta:
        ordering = ["person__name", "organisation__name"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            *interval_constraints("joined", "organisations_affiliation", required=False),
            *interval_constraints("left", "organisations_affiliation", required=False),
            # It cannot have ended before it can have begun.
            models.CheckConstraint(
                condition=Q(joined_earliest__isnull=True)
                | Q(left_latest__isnull=True)
                | Q(left_latest__gte=F("joined_earliest")),
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

    def clean(self):
        validate_interval_columns(self, "joined")
        validate_interval_columns(self, "left")
