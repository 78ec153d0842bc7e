"""Bulk import from the CSV files the public site exports, so an export can be edited and read back in.

Reading is strict and writes nothing until every row is valid: ``read_csv`` refuses a malformed file as a whole,
each row is checked with a ModelForm, and ``Import.save`` writes all rows in one transaction. Imported events are
always drafts: a reviewer publishes them after checking them.
"""

import csv
import io
from dataclasses import dataclass

from django import forms
from django.db import models, transaction
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from civicspace.dates import DatePrecision, parse_iso_partial
from civicspace.views import FORMULA_TRIGGERS, MANY_SEPARATOR
from events.models import Citation, Event, EventOrganisation, EventPerson, EventStatus, Role, Source
from events.views import EVENT_CSV_HEADER
from organisations.models import Organisation, Person
from organisations.services import LookAlikes, normalise

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINE_BYTES = 64 * 1024


class ImportFileError(Exception):
    """The file cannot be read as a whole: nothing in it is imported."""


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str


def read_csv(data, required_columns):
    """The rows of ``data`` (bytes) as dicts, or ImportFileError saying what is wrong with the file."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB: split it into smaller files."))
    for number, line in enumerate(data.split(b"\n"), start=1):
        if len(line) > MAX_LINE_BYTES:
            raise ImportFileError(
                _("Line %(line)d is longer than 64 KB: no cell in these files should be that long.") % {"line": number}
            )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (unreadable byte at position %(position)d): "
                'save it from your spreadsheet as "CSV UTF-8" and try again.'
            )
            % {"position": error.start}
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in reader.fieldnames or []]
        reader.fieldnames = header
        missing = [column for column in required_columns if column not in header]
        if missing:
            raise ImportFileError(
                _("The file lacks these columns: %(columns)s. The first line must name the columns of the export.")
                % {"columns": ", ".join(missing)}
            )
        rows = list(reader)
    except csv.Error as error:
        raise ImportFileError(
            _("The file is not valid CSV near line %(line)d: %(error)s") % {"line": reader.line_num, "error": error}
        ) from None
    for row in rows:
        if None in row or any(value is None for value in row.values()):
            raise ImportFileError(
                _("A line has more or fewer cells than the header has columns: check the quoting of the file.")
            )
    return rows


def clean_cell(value):
    """The cell's text, with the export's apostrophe before a formula-like value taken off; ValueError for a
    formula a spreadsheet would run."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    if value.startswith(FORMULA_TRIGGERS):
        raise ValueError
    return value.strip()


def clean_cells(row):
    """The row's cells through ``clean_cell``, and a (column, message) for each formula refused."""
    cells, errors = {}, []
    for column, value in row.items():
        try:
            cells[column] = clean_cell(value)
        except ValueError:
            errors.append(
                (column, _("Starts with %(char)r, which a spreadsheet runs as a formula.") % {"char": value[0]})
            )
    return cells, errors


def split_many(value):
    return [part.strip() for part in value.split(MANY_SEPARATOR.strip()) if part.strip()]


class Lookup:
    """Find records by any of the names the export writes for them (name, acronym, "name (acronym)", title...),
    ignoring case and accents; one query for the whole file."""

    def __init__(self, queryset, names_of):
        self.by_key = {}
        for record in queryset:
            for name in names_of(record):
                if name:
                    self.by_key.setdefault(normalise(name), set()).add(record)

    def find(self, name):
        """(record, None) or (None, the error message)."""
        found = self.by_key.get(normalise(name), set())
        if len(found) == 1:
            return next(iter(found)), None
        if not found:
            return None, _('Nothing called "%(name)s" is recorded: add it first, or correct the name.') % {"name": name}
        names = "; ".join(sorted(f"{record} (id {record.pk})" for record in found))
        return None, _('"%(name)s" could be any of: %(names)s. Use the full name.') % {"name": name, "names": names}


def formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class Import:
    """One kind of record read from one CSV file: ``validate`` lists every row's errors, ``save`` writes all rows."""

    model = None
    form_fields = []
    required_columns = []
    columns = {}  # CSV column: form field, where the names differ
    label = ""

    def __init__(self, rows):
        self.rows = rows
        self.prepared = []  # (form, relations) per valid row
        self.errors = []
        self.warnings = []  # worth a look, but no reason to refuse the file
        self.unchanged = 0
        self.slugs = set()

    def form_class(self):
        return forms.modelform_factory(self.model, fields=self.form_fields, formfield_callback=formfield)

    def validate(self):
        """Check every row; returns the list of RowError (empty when the file may be saved)."""
        ids = {int(row["id"]) for row in self.rows if row["id"].isdigit()}
        existing = self.model._default_manager.in_bulk(ids)
        form_class = self.form_class()
        first_row_with = {}
        for number, row in enumerate(self.rows, start=2):
            cells, row_errors = clean_cells(row)
            instance = None
            if cells.get("id"):
                instance = existing.get(int(cells["id"])) if cells["id"].isdigit() else None
                if instance is None:
                    row_errors.append(("id", _("No record with this id: leave it empty to add a new one.")))
            data, relations = self.form_data(cells, row_errors, instance)
            form = form_class(data, instance=instance)
            row_errors.extend(self.form_errors(form, row, row_errors))
            key = self.unique_key(form)
            if key is not None and key in first_row_with:
                row_errors.append(
                    ("name", _("Row %(row)d of this file already has this name.") % {"row": first_row_with[key]})
                )
            first_row_with.setdefault(key, number)
            if (
                not row_errors
                and instance
                and not form.has_changed()
                and not self.relations_changed(instance, relations)
            ):
                self.unchanged += 1  # read back as exported: nothing to write
                continue
            row_errors.extend(self.check_instance(instance))
            self.errors.extend(RowError(number, column, message) for column, message in row_errors)
            if not row_errors:
                self.prepared.append((form, relations))
                if instance is None:
                    self.warnings.extend(
                        RowError(number, column, message) for column, message in self.look_alikes(form)
                    )
        return self.errors

    def look_alikes(self, form):
        """(column, message) for each existing record a new row looks like."""
        return []

    def form_errors(self, form, row, row_errors):
        """The form's errors as (column, message), leaving out cells that already have one: the first is clearest."""
        if form.is_valid():
            return []
        column_of = {field: column for column, field in self.columns.items()}
        already = {column for column, _message in row_errors}
        errors = []
        for field, messages in form.errors.items():
            column = column_of.get(field, field if field in row else "—")
            if column not in already:
                errors.extend((column, message) for message in messages)
        return errors

    def form_data(self, cells, row_errors, instance):
        """The form's data from the row's cells, and what is saved beside the record (links to other records).

        A column the file leaves out keeps the stored value (or the default, for a new record).
        """
        stored = forms.model_to_dict(instance, fields=self.form_fields) if instance else {}
        column_of = {field: column for column, field in self.columns.items()}
        data = {}
        for field in self.form_fields:
            model_field = self.model._meta.get_field(field)
            column = column_of.get(field, field)
            value = cells[column] if column in cells else stored.get(field, model_field.get_default())
            if value in ("", None) and model_field.has_default():
                value = model_field.get_default()
            data[field] = value
        if "other_names" in cells and "other_names" in self.form_fields:
            # One per line in the record, "; "-joined in the export's single cell.
            data["other_names"] = "\n".join(split_many(cells["other_names"]))
        return data, {}

    @property
    def counts(self):
        updated = sum(1 for form, _relations in self.prepared if form.instance.pk)
        return {"new": len(self.prepared) - updated, "updated": updated, "unchanged": self.unchanged}

    def unique_key(self, form):
        """What no two rows of one file may share (None: no such rule)."""
        return None

    def relations_changed(self, instance, relations):
        return False

    def check_instance(self, instance):
        """Errors for a row that changes ``instance`` (None for a new record)."""
        return []

    def unique_slug(self, name):
        base = slugify(name)[:180] or "record"
        slug, counter = base, 1
        while slug in self.slugs or self.model._default_manager.filter(slug=slug).exists():
            counter += 1
            slug = f"{base}-{counter}"
        self.slugs.add(slug)
        return slug

    @transaction.atomic
    def save(self, user):
        """Write every row, or none: call only after ``validate`` found no errors."""
        if self.errors:
            raise ValueError("validate() found errors: nothing may be written")
        saved = []
        for form, relations in self.prepared:
            record = form.save(commit=False)
            self.before_save(record, user)
            record.save()
            self.save_relations(record, relations)
            saved.append(record)
        return saved

    def before_save(self, record, user):
        if not record.pk and hasattr(record, "slug") and not record.slug:
            record.slug = self.unique_slug(record.name)

    def save_relations(self, record, relations):
        pass


def look_alike_warnings(records):
    return [
        (
            "name",
            _("Looks like %(record)s (id %(id)d), already recorded: put its id in the row to update it instead.")
            % {"record": record, "id": record.pk},
        )
        for record in records
    ]


class OrganisationImport(Import):
    model = Organisation
    label = _("organisations")
    required_columns = ["id", "name", "acronym", "kind"]
    form_fields = ["name", "acronym", "kind", "country", "other_names", "description"]

    def unique_key(self, form):
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        return (normalise(data.get("name", "")), str(data.get("country", "")))

    def look_alikes(self, form):
        data = form.cleaned_data
        found = self.index.like(data["name"], data.get("acronym", ""), str(data.get("country", "")))
        return look_alike_warnings(found)

    @cached_property
    def index(self):
        return LookAlikes(Organisation)


class PersonImport(Import):
    model = Person
    label = _("people")
    required_columns = ["id", "name"]
    form_fields = ["name", "country", "description", "other_names"]

    def look_alikes(self, form):
        return look_alike_warnings(self.index.like(form.cleaned_data["name"]))

    @cached_property
    def index(self):
        return LookAlikes(Person)


class SourceImport(Import):
    model = Source
    label = _("sources")
    required_columns = ["id", "title", "publisher", "published"]
    columns = {"link": "url"}
    form_fields = ["title", "publisher", "url", "author", "published_on", "published_precision", "language", "notes"]

    def form_data(self, cells, row_errors, instance):
        data, relations = super().form_data(cells, row_errors, instance)
        if "published" in cells:
            dated = partial_date(cells["published"], "published", row_errors, required=False)
            data["published_on"] = dated.get("date")
            data["published_precision"] = dated.get("date_precision", data["published_precision"])
        return data, relations


def partial_date(text, column, row_errors, required=True):
    """{"date", "date_precision"} from "2024-03-06", "2024-03" or "2024"; a row error if it is not one."""
    if not text:
        if required:
            row_errors.append((column, _("A date is needed: 2024-03-06, 2024-03 or 2024.")))
        return {}
    try:
        value, precision = parse_iso_partial(text)
    except ValueError:
        row_errors.append((column, _("Not a date: write 2024-03-06, 2024-03 or 2024.")))
        return {}
    return {"date": value.isoformat(), "date_precision": precision}


class EventImport(Import):
    model = Event
    label = _("events")
    # Every column of the public export, so that a file from elsewhere is laid out as one; cells may be blank.
    required_columns = [column for column in EVENT_CSV_HEADER if column not in ("url", "source_links")]
    columns = {"type": "event_type"}
    form_fields = [
        "title",
        "event_type",
        "date",
        "date_precision",
        "date_certainty",
        "end_date",
        "country",
        "location",
        "summary",
        "authority",
        "justification",
        "outcome",
    ]
    relation_columns = {
        "organisations": ("organisation", "organisation_links"),
        "people": ("person", "person_links"),
        "sources": ("source", "citations"),
    }

    def __init__(self, rows):
        super().__init__(rows)
        self.lookups = {
            "organisations": Lookup(
                Organisation.objects.all(), lambda record: [record.name, record.acronym, str(record)]
            ),
            "people": Lookup(Person.objects.all(), lambda record: [record.name, str(record)]),
            "sources": Lookup(Source.objects.all(), lambda record: [record.title, str(record)]),
        }

    def form_data(self, cells, row_errors, instance):
        data, relations = super().form_data(cells, row_errors, instance)
        dated = partial_date(cells.get("date", ""), "date", row_errors)
        data.update(dated)
        stated = cells.get("date_precision", "")
        if dated and stated and stated != dated["date_precision"]:
            row_errors.append(
                (
                    "date_precision",
                    _("The date is written to the %(precision)s.")
                    % {"precision": DatePrecision(dated["date_precision"]).label.lower()},
                )
            )
        for column in self.relation_columns:
            relations[column] = []
            for name in split_many(cells.get(column, "")):
                record, error = self.lookups[column].find(name)
                if error:
                    row_errors.append((column, error))
                elif record not in relations[column]:
                    relations[column].append(record)
        return data, relations

    def relations_changed(self, instance, relations):
        return any(set(relations[column]) != set(self.linked(instance, column)) for column in self.relation_columns)

    def check_instance(self, instance):
        if instance is not None and instance.status != EventStatus.DRAFT:
            return [
                (
                    "id",
                    _(
                        "This event is %(status)s: only drafts can be updated by import. "
                        "Edit it in the admin, or leave the id empty to add a new draft."
                    )
                    % {"status": instance.get_status_display().lower()},
                )
            ]
        return []

    def linked(self, event, column):
        field, related_name = self.relation_columns[column]
        return [getattr(link, field) for link in getattr(event, related_name).all()]

    def before_save(self, record, user):
        if not record.pk:
            record.status = EventStatus.DRAFT
            record.created_by = user
        record.updated_by = user

    def save_relations(self, event, relations):
        """Link what the row names; an update keeps the roles and quotes of links still named, drops the rest."""
        for column, (field, related_name) in self.relation_columns.items():
            wanted = relations[column]
            for link in getattr(event, related_name).all():
                if getattr(link, field) not in wanted:
                    link.delete()
            present = set(self.linked(event, column))
            for record in wanted:
                if record not in present:
                    self.link(event, field, record)

    def link(self, event, field, record):
        if field == "organisation":
            EventOrganisation.objects.create(event=event, organisation=record, role=Role.TARGET)
        elif field == "person":
            EventPerson.objects.create(event=event, person=record, role=Role.TARGET)
        else:
            Citation.objects.create(event=event, source=record)  # the quote is copied in by an editor


IMPORTS = {
    "events": EventImport,
    "organisations": OrganisationImport,
    "people": PersonImport,
    "sources": SourceImport,
}
