"""Keeping what is derived from the published events in step with every write that can change it: organisations'
statuses, the number of published events of each organisation, person and source (and the types of a person's), and
the tally of events by type, country, outcome and months (events/tally.py).

Receivers rather than calls at each write, because the writes are many (admin forms and inlines, publishing,
restoring from history, merging, importing) and a cache one of them forgets is wrong for good. Each receiver
recomputes, with ``refresh_statuses()`` and ``refresh_event_counts()``, only the records the change can concern, and
only when a published event is (or was) involved: editing drafts costs nothing.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from civicspace.facets import bump_data_version
from civicspace.models import refresh_event_counts
from events.counts import COUNTED_LINKS, refresh_counts_of_event
from events.models import Citation, Event, EventOrganisation, EventPerson, EventStatus, Source
from events.status import organisations_concerned, refresh_statuses
from events.tally import TALLIED_FIELDS, refresh_tally, stored_key, tally_key_of
from organisations.models import Organisation, Person

# The event fields a status depends on.
STATUS_FIELDS = {
    "status",
    "event_type",
    "outcome",
    "date_earliest",
    "date_latest",
    "end_date",
    "target_kind",
    "country",
}


def is_published(event_pk):
    return Event.objects.filter(pk=event_pk, status=EventStatus.PUBLISHED).exists()


@receiver(pre_save, sender=Event, dispatch_uid="status_before_event_save")
def remember_who_the_event_concerned(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and not STATUS_FIELDS & set(update_fields)):
        return
    before = Event.objects.filter(pk=instance.pk, status=EventStatus.PUBLISHED)
    instance._tally_key_before = stored_key(instance.pk)
    # Organisations that a group measure reached before a change of its kind or country must be derived again too.
    instance._concerned_before = set(organisations_concerned(before).values_list("pk", flat=True))


@receiver(post_save, sender=Event, dispatch_uid="status_after_event_save")
def refresh_after_event_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not STATUS_FIELDS & set(update_fields)):
        return
    tally_before = getattr(instance, "_tally_key_before", None)
    tally_now = tally_key_of(instance) if instance.status == EventStatus.PUBLISHED else None
    # Published or no longer, or published under another type: the counts, and the types of people's events.
    if published_type(tally_before) != published_type(tally_now):
        refresh_counts_of_event(instance.pk)
    if tally_before != tally_now:
        refresh_tally([tally_before, tally_now])
    before = getattr(instance, "_concerned_before", set())
    now = Event.objects.filter(pk=instance.pk, status=EventStatus.PUBLISHED)
    if before or instance.status == EventStatus.PUBLISHED:
        concerned = organisations_concerned(now).values_list("pk", flat=True)
        refresh_statuses(Organisation.objects.filter(pk__in={*before, *concerned}))


def published_type(tally_key):
    """The type of a published event from its tally key (None: not published)."""
    return tally_key[TALLIED_FIELDS.index("event_type")] if tally_key is not None else None


@receiver(post_delete, sender=Event, dispatch_uid="tally_after_event_delete")
def refresh_tally_after_event_delete(sender, instance, **kwargs):
    if instance.status == EventStatus.PUBLISHED:
        refresh_tally([tally_key_of(instance)])


def remember_the_linked_record(sender, instance, raw=False, **kwargs):
    """The record a link pointed to before it was changed (an inline's organisation chosen again), whose count and
    status must be derived again too."""
    if not raw and instance.pk is not None:
        _model, target = COUNTED_LINKS[sender]
        instance._target_before = sender.objects.filter(pk=instance.pk).values_list(target, flat=True).first()


def refresh_after_link_change(sender, instance, raw=False, **kwargs):
    if raw or not is_published(instance.event_id):
        return
    model, target = COUNTED_LINKS[sender]
    concerned = {getattr(instance, target), getattr(instance, "_target_before", None)} - {None}
    refresh_event_counts(model, concerned)
    if model is Organisation:
        refresh_statuses(Organisation.objects.filter(pk__in=concerned))


for link_model in COUNTED_LINKS:
    name = link_model.__name__
    pre_save.connect(remember_the_linked_record, sender=link_model, dispatch_uid=f"derived_before_{name}_save")
    post_save.connect(refresh_after_link_change, sender=link_model, dispatch_uid=f"derived_after_{name}_save")
    post_delete.connect(refresh_after_link_change, sender=link_model, dispatch_uid=f"derived_after_{name}_delete")


@receiver(post_save, sender=Organisation, dispatch_uid="status_after_organisation_save")
def refresh_after_organisation_save(sender, instance, raw=False, update_fields=None, **kwargs):
    # A new organisation, or one whose kind or country changed, may be reached by a measure against its group.
    if not raw and (update_fields is None or {"kind", "country"} & set(update_fields)):
        refresh_statuses(Organisation.objects.filter(pk=instance.pk))


def recount_after_record_save(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    """A save writes every field, the count too as it was when the record was read: a link moved meanwhile (by a
    merge, or another editor) would have its count overwritten. Count again."""
    if not raw and not created and (update_fields is None or set(sender.derived_from_events()) & set(update_fields)):
        refresh_event_counts(sender, [instance.pk])


for model, _target in COUNTED_LINKS.values():
    post_save.connect(recount_after_record_save, sender=model, dispatch_uid=f"count_after_{model.__name__}_save")


@receiver(post_save, dispatch_uid="public_data_changed_on_save")
@receiver(post_delete, dispatch_uid="public_data_changed_on_delete")
def public_data_may_have_changed(sender, raw=False, **kwargs):
    """Counts kept in the cache (civicspace/facets.py) were counted on the data before this write: start afresh."""
    if not raw and sender in PUBLIC_DATA_MODELS:
        bump_data_version()


PUBLIC_DATA_MODELS = {Event, EventOrganisation, EventPerson, Citation, Organisation, Person, Source}
