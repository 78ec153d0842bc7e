"""Writes that the admin and later tools share: publishing, unpublishing and withdrawing events; and the check
that an event's public text does not name a protected person.

Who published an event and when is kept while it stays published or withdrawn, and cleared when it goes back
to draft: the history keeps every earlier publication.
"""

import re

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from events.models import Citation, Event, EventStatus
from organisations.models import Protection
from organisations.services import normalise

CHANGE_REASONS = {
    EventStatus.PUBLISHED: "Published",
    EventStatus.DRAFT: "Unpublished (back to draft)",
    EventStatus.WITHDRAWN: "Withdrawn",
}
STATUS_FIELDS = ["status", "published_at", "published_by", "withdrawn_at", "withdrawn_by", "updated_by", "updated_at"]


def record_status_change(event, previous_status, user):
    """Stamp who moved ``event`` (not yet saved) from ``previous_status`` to its status, and when."""
    if event.status == previous_status:
        return
    now = timezone.now()
    if event.status == EventStatus.PUBLISHED:
        event.published_at, event.published_by = now, user
        event.withdrawn_at = event.withdrawn_by = None
    elif event.status == EventStatus.WITHDRAWN:
        event.withdrawn_at, event.withdrawn_by = now, user
    else:
        event.published_at = event.published_by = event.withdrawn_at = event.withdrawn_by = None


def change_status(event, status, user, **values):
    """Move ``event`` to ``status`` (setting ``values`` too) in one save, so the history shows one step."""
    event.status, previous = status, event.status
    record_status_change(event, previous, user)
    for field, value in values.items():
        setattr(event, field, value)
    event.updated_by = user
    event._history_user = user
    event._change_reason = CHANGE_REASONS.get(status, "")  # shown in the admin's history list
    event.save(update_fields=[*STATUS_FIELDS, *values])


def publish_events(events, user):
    """Publish the drafts among ``events`` that quote at least one source.

    Returns (published, refused): the events published now and the drafts refused because they quote nothing.
    """
    published, refused = [], []
    with transaction.atomic():
        drafts = (
            Event.objects.filter(pk__in=events.values("pk"), status=EventStatus.DRAFT)
            .select_for_update()
            .annotate(cited=Exists(Citation.objects.filter(event=OuterRef("pk")).exclude(quote="")))
            .order_by("pk")
        )
        for event in drafts:
            if not event.cited:
                refused.append(event)
                continue
            change_status(event, EventStatus.PUBLISHED, user)
            published.append(event)
    return published, refused


def unpublish_events(events, user):
    """Return published events among ``events`` to draft; returns the events changed."""
    return _move(events, EventStatus.PUBLISHED, EventStatus.DRAFT, user)


def withdraw_events(events, user, reason=""):
    """Withdraw the published events among ``events``: off the lists, their page says why; returns them."""
    return _move(events, EventStatus.PUBLISHED, EventStatus.WITHDRAWN, user, withdrawal_reason=reason)


def _move(events, from_status, to_status, user, **values):
    changed = []
    with transaction.atomic():
        for event in (
            Event.objects.filter(pk__in=events.values("pk"), status=from_status).select_for_update().order_by("pk")
        ):
            change_status(event, to_status, user, **values)
            changed.append(event)
    return changed


# An event's text that the public reads as entered: a protected person's name in it would undo their protection.
PUBLIC_TEXT_FIELDS = ["title", "summary", "location", "authority", "justification"]
# Shorter names ("Ali") match too much ordinary text to be worth a warning.
MIN_NAME_LENGTH = 4


def as_words(text):
    """The words of ``text`` without case, accents or punctuation, padded so that a name matches whole words only."""
    words = re.findall(r"\w+", normalise(text))
    return " " + " ".join(words) + " "


def protected_names_in_public_text(event):
    """[(person, field label)] for each person linked to ``event`` who is not public and whose name or other name
    appears, ignoring case and accents, in the event's public text: its fields, quotes and link notes."""
    texts = [(event._meta.get_field(field).verbose_name, getattr(event, field)) for field in PUBLIC_TEXT_FIELDS]
    texts += [(Citation._meta.get_field("quote").verbose_name, citation.quote) for citation in event.citations.all()]
    texts += [(link._meta.get_field("note").verbose_name, link.note) for link in event.person_links.all()]
    texts += [(link._meta.get_field("note").verbose_name, link.note) for link in event.organisation_links.all()]
    words = [(label, as_words(text)) for label, text in texts if text]
    found = []
    links = event.person_links.exclude(person__protection=Protection.PUBLIC).select_related("person")
    for person in dict.fromkeys(link.person for link in links):
        names = [as_words(name) for name in [person.name, *person.other_names_list] if len(name) >= MIN_NAME_LENGTH]
        for label, text in words:
            if any(name in text for name in names):
                found.append((person, label))
    return found
