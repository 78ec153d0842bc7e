"""Writes that the admin and later tools share: publishing and withdrawing events."""

from django.db import transaction
from django.db.models import Exists, OuterRef

from events.models import Citation, Event, EventStatus


def publish_events(events, user):
    """Publish the drafts among ``events`` that cite at least one source.

    Returns (published, refused): the events published now and the drafts refused because they cite nothing.
    """
    published, refused = [], []
    with transaction.atomic():
        drafts = (
            Event.objects.filter(pk__in=events.values("pk"), status=EventStatus.DRAFT)
            .select_for_update()
            .annotate(cited=Exists(Citation.objects.filter(event=OuterRef("pk"))))
            .order_by("pk")
        )
        for event in drafts:
            if not event.cited:
                refused.append(event)
                continue
            event.status = EventStatus.PUBLISHED
            event.updated_by = user
            event.save(update_fields=["status", "updated_by", "updated_at"])
            published.append(event)
    return published, refused


def unpublish_events(events, user):
    """Return published events among ``events`` to draft; returns the events changed."""
    changed = []
    with transaction.atomic():
        for event in Event.objects.filter(pk__in=events.values("pk"), status=EventStatus.PUBLISHED).select_for_update():
            event.status = EventStatus.DRAFT
            event.updated_by = user
            event.save(update_fields=["status", "updated_by", "updated_at"])
            changed.append(event)
    return changed
