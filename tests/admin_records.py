"""Records for tests that go through every admin: built from the models' own fields rather than by hand, so a new
date, text or inline is covered without touching the tests.

Every date is set at one precision (each later than the one before, with day, month and year all different so that
a swapped box shows), or as a range, or left empty where it may be; every optional text is filled, the multi-line
ones with line breaks and a tab; each inline gets two rows.
"""

import datetime

from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from civicspace.dates import PARTS, DatePrecision, Interval, IntervalAttribute, PartialDate
from events.models import Citation, Event, EventOrganisation, EventPerson, EventStatus, Source, SourceCopy
from organisations.models import Affiliation, Organisation, Person
from tests.factories import (
    AffiliationFactory,
    CitationFactory,
    EventFactory,
    EventOrganisationFactory,
    EventPersonFactory,
    OrganisationFactory,
    PersonFactory,
    SourceCopyFactory,
    SourceFactory,
)

PROJECT_APPS = ("events", "organisations")
FACTORIES = {
    Event: EventFactory,
    Source: SourceFactory,
    Organisation: OrganisationFactory,
    Person: PersonFactory,
    Citation: CitationFactory,
    EventOrganisation: EventOrganisationFactory,
    EventPerson: EventPersonFactory,
    Affiliation: AffiliationFactory,
    SourceCopy: SourceCopyFactory,
}
# What a reviewer's copy of a record looks like when it differs from a contributor's (who works on drafts).
REVIEWER_STATE = {
    Event: {"status": EventStatus.PUBLISHED, "published_at": datetime.datetime(2024, 3, 7, tzinfo=datetime.UTC)}
}
# Texts that a rule ties to another field: someone alleges only what is reported as an allegation.
UNFILLED = {Citation: {"alleged_by"}}
# A save changes these by design: the version counts saves, and the record keeps who saved it last and when.
SAVE_STAMPS = {"version", "updated_at", "updated_by"}

FIRST_DATE = datetime.date(2024, 2, 28)  # day, month and year all different, so a swapped box shows
EMPTY = "empty"  # every date that may be empty left empty
RANGE = "range"  # every date bounded from a day to a later year
PRECISIONS = [*DatePrecision.values, RANGE, EMPTY]
LINES = "First line of the text\nSecond line,\twith a tab: « Goïta » & <b>not bold</b>\n\nAfter a blank line"
SHORT_TEXT = "A & B <i>“{}”</i>"
URL = "https://example.org/report?id=1&lang=fr"

PROJECT_ADMINS = sorted(
    (model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label in PROJECT_APPS),
    key=lambda model_admin: model_admin.opts.label,
)


def interval_prefixes(model):
    """The dates of ``model`` stored as intervals (``date``, ``published``...), in declaration order."""
    return [name for name, value in vars(model).items() if isinstance(value, IntervalAttribute)]


def interval_columns(model):
    return {f"{prefix}_{part}" for prefix in interval_prefixes(model) for part in PARTS}


def interval_at(day, precision):
    if precision == RANGE:
        return Interval(PartialDate.of(day, DatePrecision.DAY), PartialDate(day.year + 1))
    return Interval.single(PartialDate.of(day, precision))


def filled_fields(model, precision):
    """Overrides that set ``model``'s dates at ``precision`` and fill its optional texts."""
    values = {}
    for offset, prefix in enumerate(interval_prefixes(model)):
        if precision != EMPTY:
            values[prefix] = interval_at(FIRST_DATE.replace(year=FIRST_DATE.year + offset), precision)
        elif model._meta.get_field(f"{prefix}_earliest").null and prefix != "date":
            values[prefix] = None
    skipped = interval_columns(model) | UNFILLED.get(model, set())
    for field in model._meta.concrete_fields:
        if not field.editable or field.is_relation or field.name in skipped:
            continue
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            offset = len(interval_prefixes(model))
            values[field.name] = None if precision == EMPTY else FIRST_DATE.replace(year=FIRST_DATE.year + offset + 1)
        elif field.choices or not field.blank or isinstance(field, models.SlugField):
            continue
        elif isinstance(field, models.URLField):
            values[field.name] = URL
        elif isinstance(field, models.TextField):
            values[field.name] = LINES
        elif type(field) is models.CharField:
            values[field.name] = SHORT_TEXT.format(field.name)[: field.max_length]
    return values


def build(model_admin, precision, role):
    """A record of ``model_admin``'s model with two rows in each of its inlines, every one filled for the test."""
    model = model_admin.model
    state = REVIEWER_STATE.get(model, {}) if role == "reviewer" else {}
    record = FACTORIES[model](**filled_fields(model, precision), **state)
    for inline in model_admin.inlines:
        key = parent_key(inline, model)
        for _ in range(2):
            FACTORIES[inline.model](**{key.name: record}, **filled_fields(inline.model, precision))
    record.full_clean()
    return record


def parent_key(inline, parent_model):
    """The foreign key that ties an inline's rows to the record they sit in."""
    if inline.fk_name:
        return inline.model._meta.get_field(inline.fk_name)
    (key,) = (
        field
        for field in inline.model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model is parent_model
    )
    return key


def may_change(model_admin, user, record):
    request = RequestFactory().get("/")
    request.user = user
    return model_admin.has_change_permission(request, record)


def admin_url(model_admin, view, *args):
    return reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_{view}", args=args)


def form_errors(response):
    """What the admin says is wrong with a redisplayed form, to show when a save that should succeed does not."""
    if response.context is None or "errors" not in response.context:
        return response
    errors = list(response.context["errors"])
    for formset in response.context.get("inline_admin_formsets", []):
        errors.extend([formset.formset.non_form_errors(), *formset.formset.errors])
    return errors
