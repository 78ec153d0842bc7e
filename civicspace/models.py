"""What every app's records share: the versioned base model, the words events and actors both use, and the
helpers that say what is public.

What the public may see is each model's ``public()`` queryset; the helpers here are their parts, written once so
that ``organisations`` can ask about events through its reverse relations without importing ``events``.
"""

from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from civicspace.vocabulary import EventType


@cache
def choice_labels(field, language):
    """{stored value: label in ``language``} of ``field``'s choices, built once."""
    return {value: str(label) for value, label in field.flatchoices}


class ChoiceLabels(models.Model):
    """``get_<field>_display()`` read from ``choice_labels``. Django's hashes every choice on each call, which
    translates each label again: a fifth of the time a list page took to render its rows' types and roles."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return choice_labels(field, get_language()).get(value, value)


class VersionedModel(ChoiceLabels):
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


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Redaction(models.Model):
    """A value an administrator removed from every historical version of a record's field: who, which field, when
    and why are kept, never the value."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    field = models.CharField(_("field"), max_length=100)
    versions_changed = models.PositiveIntegerField(_("versions changed"))
    reason = models.TextField(_("reason"))
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("redacted by")
    )
    redacted_at = models.DateTimeField(_("redacted"), default=timezone.now)

    class Meta:
        ordering = ["-redacted_at", "-id"]
        get_latest_by = "redacted_at"
        verbose_name = _("redaction")
        verbose_name_plural = _("redactions")
        indexes = [
            # The history page of one record lists its redactions.
            models.Index(fields=["content_type", "object_id"], name="civicspace_redaction_record"),
        ]

    def __str__(self):
        return f"{self.field} ({self.redacted_at:%Y-%m-%d})"


def link_model(model, relation):
    """The model behind ``model``'s reverse relation ``relation`` (e.g. an organisation's ``event_links``) and the
    name of its foreign key back to ``model``."""
    remote = model._meta.get_field(relation)
    return remote.related_model, remote.field.name


def published_links(model, relation, **conditions):
    """The rows of ``relation`` that tie a ``model`` row to a published event (and meet ``conditions``)."""
    links, _back = link_model(model, relation)
    return links.objects.filter(event__status=PublicationStatus.PUBLISHED, **conditions)


@cache
def concerned_by_published_event(model, relation):
    """True for ``model`` rows that ``relation`` ties to at least one published event.

    Built once for each model and relation: every public list, page and count starts from it, and a query resolves a
    copy of it, never this one (as ``known_in_public`` in organisations/models.py)."""
    _links, back = link_model(model, relation)
    return Exists(published_links(model, relation).filter(**{back: OuterRef("pk")}))


def published_event_count(model, relation):
    """A subquery counting the distinct published events that ``relation`` ties to the outer ``model`` row."""
    _links, back = link_model(model, relation)
    return links_count(published_links(model, relation), back, "event")


def linked_count(model, relation, counted):
    """A subquery counting the distinct ``counted`` (``"event"``, or ``"pk"`` for the links themselves) of every row
    that ``relation`` ties to the outer ``model`` row, drafts' included: the admin's lists."""
    links, back = link_model(model, relation)
    return links_count(links.objects.all(), back, counted)


def links_count(links, back, counted):
    """A subquery counting the distinct ``counted`` of the ``links`` whose ``back`` is the outer row.

    A subquery rather than ``Count()``: filters joining the same relations cannot inflate it, and it is worked out for
    the rows a page reads, where ``Count()`` grouped every row of the table before a list could count them (88 s for
    the admin's list of a million events)."""
    counts = (
        links.filter(**{back: OuterRef("pk")})
        .order_by()
        .values(back)
        .annotate(count=Count(counted, distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(counts), 0)


# Each event type's bit in a record's stored set of the types of its published events (``public_event_types``): a set
# is the sum of its types' bits, which the database can add up without reading events into Python. The bits follow
# the vocabulary's order, so a type added or moved changes them: ``manage.py event_counts`` stores every set again.
# The field holds 63 bits: 63 types.
EVENT_TYPE_BITS = {code: 1 << index for index, code in enumerate(EventType.values)}


def event_types_in(bits):
    """The event types a stored set of bits holds, in the vocabulary's order."""
    return [code for code, bit in EVENT_TYPE_BITS.items() if bits & bit]


def published_event_types(model, relation):
    """A subquery of the set of types (``EVENT_TYPE_BITS``) of the published events that ``relation`` ties to the
    outer ``model`` row: 0 for none."""
    _links, back = link_model(model, relation)
    bit = Case(*(When(event__event_type=code, then=Value(value)) for code, value in EVENT_TYPE_BITS.items()), default=0)
    sets = (
        published_links(model, relation)
        .filter(**{back: OuterRef("pk")})
        .order_by()
        .values(back)
        .annotate(types=Sum(bit, distinct=True))
        .values("types")
    )
    return Coalesce(Subquery(sets), 0)


class CountsPublicEvents(models.Model):
    """A record listed with its number of published events, stored so that a list sorted by it reads an index.

    ``refresh_event_counts()`` is the one computation of it; the receivers in ``events/signals.py`` call it for every
    write that can change a count, and ``manage.py event_counts --check`` compares what is stored with a fresh count.
    A count is shown and sorted by, never used to decide what is public.
    """

    public_event_count = models.PositiveIntegerField(_("published events"), default=0, editable=False)
    # The reverse relation to the links that tie the record to events.
    event_relation = "event_links"

    class Meta:
        abstract = True

    @classmethod
    def derived_from_events(cls):
        """{stored field: the expression that computes it from the published events}, which
        ``refresh_event_counts()`` stores."""
        return {"public_event_count": published_event_count(cls, cls.event_relation)}


def refresh_event_counts(model, pks=None):
    """Store what ``model``'s records with the ``pks`` given (or every one) derive from their published events: their
    number, and whatever else ``model.derived_from_events()`` names."""
    records = model._base_manager.all() if pks is None else model._base_manager.filter(pk__in=pks)
    # One UPDATE with subqueries: no row is read into Python, and no save() writes a history entry.
    return records.update(**model.derived_from_events())


def public_events_of(record, relation):
    """The published events that ``relation`` (an organisation's ``event_links``, a source's ``citations``...) ties
    to ``record``, each once however many links there are."""
    links = getattr(record, relation)
    events = links.model._meta.get_field("event").related_model
    return events.objects.public().filter(pk__in=links.values("event"))
