"""Every admin form, opened and saved unchanged as a browser would save it, saves and changes nothing but the version.

Records come from tests/admin_records.py (every date precision, empty dates, every text filled, rows in every
inline); the form is read from the page by tests/browser_form.py, as a browser would submit it.
"""

import pytest
from django.db import models

from events.models import Event, Source
from organisations.models import Organisation, Person
from tests.admin_records import (
    FACTORIES,
    PRECISIONS,
    PROJECT_ADMINS,
    SAVE_STAMPS,
    admin_url,
    build,
    form_errors,
    may_change,
    parent_key,
)
from tests.browser_form import as_post_data, submitted_data

pytestmark = pytest.mark.django_db


def values(instance):
    """Every column of ``instance``, without what a save changes by design."""
    fields = instance._meta.concrete_fields
    return {field.attname: getattr(instance, field.attname) for field in fields if field.name not in SAVE_STAMPS}


def row(record):
    """The stored values of ``record``."""
    return values(type(record)._default_manager.get(pk=record.pk))


def inline_rows(model_admin, record):
    rows = {}
    for inline in model_admin.inlines:
        key = parent_key(inline, model_admin.model)
        rows[inline.model._meta.label] = list(
            inline.model._default_manager.filter(**{key.name: record}).order_by("pk").values()
        )
    return rows


def save_unchanged(client, url):
    """GET the form at ``url``, then POST back every control as the browser would send it, clicking Save."""
    page = client.get(url)
    assert page.status_code == 200
    data = submitted_data(page.content.decode(), submitter="_save")
    return client.post(url, as_post_data(data))


def test_every_admin_of_the_project_and_each_of_its_inlines_is_built_for_the_round_trip():
    inline_models = {inline.model for model_admin in PROJECT_ADMINS for inline in model_admin.inlines}

    assert {model_admin.model for model_admin in PROJECT_ADMINS} == {Event, Source, Organisation, Person}
    assert inline_models <= FACTORIES.keys()


@pytest.mark.parametrize("role", ["reviewer", "contributor"])
@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("model_admin", PROJECT_ADMINS, ids=lambda model_admin: model_admin.opts.model_name)
def test_a_change_form_saved_unchanged_changes_nothing_but_the_version(request, model_admin, precision, role):
    client, user = request.getfixturevalue(f"{role}_client"), request.getfixturevalue(role)
    record = build(model_admin, precision, role)  # a contributor's is a draft, which they may change
    assert may_change(model_admin, user, record)
    before, parts_before, version = row(record), inline_rows(model_admin, record), record.version

    response = save_unchanged(client, admin_url(model_admin, "change", record.pk))

    assert response.status_code == 302, form_errors(response)
    assert type(record)._default_manager.get(pk=record.pk).version == version + 1
    assert row(record) == before
    assert inline_rows(model_admin, record) == parts_before


@pytest.mark.parametrize("role", ["reviewer", "contributor"])
@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("model_admin", PROJECT_ADMINS, ids=lambda model_admin: model_admin.opts.model_name)
def test_restoring_a_version_from_the_history_form_unchanged_brings_back_exactly_that_version(
    request, model_admin, precision, role
):
    client, user = request.getfixturevalue(f"{role}_client"), request.getfixturevalue(role)
    record = build(model_admin, precision, role)
    assert may_change(model_admin, user, record)
    first = record.history.earliest("history_date")
    for field in model_admin.model._meta.concrete_fields:
        if type(field) is models.CharField and not field.choices and not field.blank:
            setattr(record, field.name, f"{getattr(record, field.name)} (renamed)")
    record.save()
    parts_before, version = inline_rows(model_admin, record), record.version

    response = save_unchanged(client, admin_url(model_admin, "simple_history", record.pk, first.history_id))

    assert response.status_code == 302, form_errors(response)
    assert type(record)._default_manager.get(pk=record.pk).version == version + 1
    assert row(record) == values(first.instance)
    assert inline_rows(model_admin, record) == parts_before  # the restore form shows the record alone
