"""Removing a value from every historical version of a record: a name entered by mistake must not outlive its fix.

The history keeps that a redaction happened (``Redaction``: who, which field, when, why, how many versions), never
the value. The record itself must no longer hold the value: it is corrected by an ordinary, recorded edit first.
"""

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import registered_models

REDACTED = "[redacted]"


def redactable_models():
    """The models whose changes django-simple-history keeps, in a stable order."""
    return sorted(
        (model for model in registered_models.values() if model._meta.app_label in ("events", "organisations")),
        key=lambda model: model._meta.label,
    )


def redactable_fields(model):
    """Free-text fields: the ones a mistaken value can be typed into (closed lists and dates cannot hold a name)."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    ]


def target_choices():
    """("app_label.model.field", label) grouped by model, for the redaction form."""
    return [
        (
            model._meta.verbose_name.capitalize(),
            [(f"{model._meta.label_lower}.{field.name}", field.verbose_name) for field in redactable_fields(model)],
        )
        for model in redactable_models()
    ]


def resolve_target(target):
    """(model, field name) for a "app_label.model.field" target, or ValueError."""
    label, _dot, field = target.rpartition(".")
    model = apps.get_model(label)
    if field not in {field.name for field in redactable_fields(model)}:
        raise ValueError(target)
    return model, field


def versions_holding(model, object_id, field, value):
    """The historical versions of record ``object_id`` whose ``field`` contains ``value`` (exactly, as typed)."""
    versions = model.history.filter(**{model._meta.pk.attname: object_id}).order_by("history_id")
    return [version for version in versions if value in (getattr(version, field) or "")]


def check_redaction(model, object_id, field, value):
    """The historical versions to change; ValidationError if there are none or the record still holds the value."""
    current = model._default_manager.filter(pk=object_id).values_list(field, flat=True).first()
    if current and value in current:
        raise ValidationError(
            _("The record itself still holds this text: correct it with an ordinary edit first, then redact."),
            code="still_current",
        )
    versions = versions_holding(model, object_id, field, value)
    if not versions:
        raise ValidationError(_("No earlier version of this record holds this text in that field."), code="absent")
    return versions


@transaction.atomic
def redact(entry, model, value):
    """Replace ``value`` with ``REDACTED`` in every historical version of the record and field that ``entry`` (an
    unsaved ``Redaction`` naming the record, field, reason and user) names; save ``entry`` as the log of it."""
    versions = check_redaction(model, entry.object_id, entry.field, value)
    for version in versions:
        setattr(version, entry.field, getattr(version, entry.field).replace(value, REDACTED))
        version.save(update_fields=[entry.field])
    entry.content_type = ContentType.objects.get_for_model(model)
    # The admin's own log of actions keeps each record's name as it was ("Recent actions"): scrub it there too.
    for logged in LogEntry.objects.filter(content_type=entry.content_type, object_id=str(entry.object_id)):
        if value in logged.object_repr:
            logged.object_repr = logged.object_repr.replace(value, REDACTED)
            logged.save(update_fields=["object_repr"])
    entry.object_id = str(entry.object_id)
    entry.versions_changed = len(versions)
    entry.save()
    return entry
