"""Open data: the licence of the published data, each export's columns with their Table Schema, and the Data Package
(https://datapackage.org) that describes the four CSV exports.

A CSV export's header and its schema's fields come from the same ``Column`` list, so the two cannot drift apart.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from civicspace.facets import remembered

# A date cut to the precision the source gives: 2024, 2024-03 or 2024-03-06.
PARTIAL_DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"
COUNTRY_PATTERN = r"[A-Z]{2}"


@dataclass(frozen=True)
class Column:
    """One column of a CSV export, described as a Table Schema field (https://datapackage.org/standard/table-schema/).

    A blank cell is a missing value (the schema's ``missingValues`` is ``[""]``), so ``constraints`` hold only for
    the cells that have a value, except ``required``.
    """

    name: str
    type: str
    description: str
    format: str = "default"
    constraints: dict = field(default_factory=dict)

    def schema(self):
        described = {"name": self.name, "type": self.type, "format": self.format, "description": self.description}
        if self.constraints:
            described["constraints"] = self.constraints
        return described


def identifier(description):
    return Column("id", "integer", description, constraints={"required": True, "unique": True, "minimum": 1})


def page_address(description):
    return Column("url", "string", description, format="uri", constraints={"required": True, "unique": True})


def choice(name, choices, description, required=False):
    """A column holding one code of ``choices`` (a TextChoices class or a list of codes)."""
    constraints = {"enum": list(getattr(choices, "values", choices))}
    if required:
        constraints["required"] = True
    return Column(name, "string", description, constraints=constraints)


def events_count_column(description):
    return Column("events", "integer", description, constraints={"required": True, "minimum": 0})


def interval_columns(prefix, happened, edtf_description, required=False):
    """The three columns ``civicspace.dates.interval_cells`` fills for an interval: ``{prefix}_earliest`` and
    ``{prefix}_latest`` (ISO days, blank where open) and ``{prefix}_edtf``. ``happened``: "happened", "been
    published"..."""
    return [
        Column(f"{prefix}_earliest", "date", f"The earliest day it can have {happened} (ISO 8601); blank when open."),
        Column(f"{prefix}_latest", "date", f"The latest day it can have {happened} (ISO 8601); blank when open."),
        Column(f"{prefix}_edtf", "string", edtf_description, constraints={"required": True} if required else {}),
    ]


def many(name, description):
    return Column(name, "string", description + ' Several values are separated by "; ", and a ";" inside one is ";;".')


def licence():
    """The data's licence as a Data Package names it: ``name`` (SPDX), ``title`` and ``path`` (its address)."""
    return dict(settings.TRACKER_DATA_LICENCE)


def data_licence(request):
    """Template context: the data's licence, which the footer states on every page."""
    return {"data_licence": licence()}


def table_schema(columns, foreign_keys=()):
    return {
        "fields": [column.schema() for column in columns],
        "missingValues": [""],
        "primaryKey": ["id"],
        "foreignKeys": list(foreign_keys),
    }


def last_modified(views):
    """When the records behind ``views``' exports last changed (one aggregate each, remembered until the data
    changes), as an ISO timestamp; None for no record."""

    def newest():
        changes = [view.queryset_for_package().order_by().aggregate(at=Max("updated_at"))["at"] for view in views]
        changes = [change for change in changes if change is not None]
        return max(changes) if changes else None

    newest_change = remembered(newest, "datapackage last modified")
    return newest_change.isoformat() if isinstance(newest_change, datetime.datetime) else None


class DataPackageView(View):
    """``/datapackage.json``: the four CSV exports as a Frictionless Data Package, their schemas read from the very
    columns the exports write. ``resources`` are the CSV views; each gives ``csv_name``, ``csv_columns``, its URL
    name and its foreign keys."""

    resources = ()

    def get(self, request):
        package = {
            "profile": "tabular-data-package",
            "name": "civic-space-tracker",
            "title": "Civic Space Tracker",
            "description": (
                "Published events of the closing of civic space (organisations dissolved or suspended, activists "
                "arrested, disappeared or exiled, restrictive laws), each cited from its sources, with the "
                "organisations, people and sources they concern. Only published events and the public records they "
                "concern are included; people at risk appear only under a pseudonym or as a count."
            ),
            "homepage": request.build_absolute_uri(reverse("events:timeline")),
            "licenses": [licence()],
            "created": timezone.now().isoformat(timespec="seconds"),
            "last_modified": last_modified(self.resources),
            "resources": [self.resource(request, view) for view in self.resources],
        }
        response = JsonResponse(package, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Type"] = "application/json; charset=utf-8"
        return response

    def resource(self, request, view):
        return {
            "name": view.csv_name,
            "path": request.build_absolute_uri(reverse(view.csv_url_name)),
            "profile": "tabular-data-resource",
            "title": view.csv_title,
            "description": view.csv_description,
            "format": "csv",
            "mediatype": "text/csv",
            # The exports start with a byte-order mark, for spreadsheets.
            "encoding": "utf-8-sig",
            "licenses": [licence()],
            "schema": table_schema(view.csv_columns, view.csv_foreign_keys),
        }
