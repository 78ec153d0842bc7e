"""Bulk import from the CSV files the public site exports, so an export can be edited and read back in.

``read_csv`` refuses a malformed file as a whole (size, encoding, header, quoting, number of rows) before any row is
looked at. The rows are then read as a stream, a batch at a time, and each cell is checked by its model field's own
rules, as a ModelForm would check it but without building a form for each row, which made large files time out.
``Import.check`` lists every row's problems and writes nothing; ``Import.commit`` checks again and writes each batch
with django-simple-history's bulk helpers, in one transaction that is rolled back if any row has a problem. Memory
is that of a batch, whatever the size of the file. Imported events are always drafts: a reviewer publishes them.
"""

import codecs
import csv
import functools
import io
import itertools
import operator
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from civicspace.dates import PARTS, DateCertainty, DatePrecision, Interval, PartialDate, interval_to_columns
from civicspace.facets import bump_data_version
from civicspace.text import strip_control_characters
from civicspace.views import FORMULA_TRIGGERS, is_neutralised, split_joined
from events.models import Citation, Event, EventOrganisation, EventPerson, EventStatus, Role, Source
from events.status import refresh_statuses
from events.views import EVENT_CSV_HEADER, bracketed, split_role
from organisations.models import SHOWN, Organisation, Person, Protection
from organisations.services import LookAlikes, normalise

MAX_FILE_BYTES = 5 * 1024 * 1024
# The size alone does not bound the work: 5 MB of very short rows would run past the web worker's timeout.
MAX_ROWS = 5_000
# The organisations, people and sources an events file names in all: each is a link (and its history) to write.
# Three for each row at the row limit; the seed data's events name fewer.
MAX_LINKS = 15_000
BATCH_ROWS = 1000  # rows read, checked and (on commit) written together
MAX_LISTED = 1000  # problems and warnings kept to show; the rest are only counted
CHANGE_REASON = "Imported from CSV"
# A record's id as the export writes it; a longer number is no id the database could hold.
RECORD_ID = re.compile(r"[0-9]{1,18}")


class ImportFileError(Exception):
    """The file cannot be read as a whole: nothing in it is imported."""


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str


class CsvFile:
    """A file that ``read_csv`` accepted: its header, its number of rows, and its rows, read again as a stream."""

    def __init__(self, data, header, row_count):
        self.data, self.header, self.row_count = data, header, row_count

    def rows(self):
        """(row number, {column: cell}) for each row that has any text, read as they are needed."""
        reader = csv.reader(text_stream(self.data), strict=True)
        next(reader)
        for number, cells in enumerate(reader, start=2):
            if any(cells):
                yield number, dict(zip(self.header, cells, strict=True))


def batched(items, size):
    """Lists of ``size`` items in turn (itertools.batched from Python 3.12)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def text_stream(data):
    # newline="": the line breaks inside a quoted cell reach the csv module, and the cell, unchanged.
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")


def read_csv(data, required_columns):
    """``data`` (bytes) as a CsvFile, or ImportFileError saying what is wrong with the file as a whole."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB: split it into smaller files."))
    check_utf8(data)
    # A cell may be as long as the file, so any text the admin accepts comes back from an export (the csv module's
    # default stops at 128 KB). The limit is the module's, for the process: raising it restricts no other reader.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    # strict: a quote left open would otherwise swallow the rest of the file into one cell, silently.
    reader = csv.reader(text_stream(data), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
        check_header(header, required_columns)
        row_count = 0
        for number, cells in enumerate(reader, start=2):
            if not any(cells):
                continue
            row_count += 1
            if row_count > MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(limit)s rows: split it into smaller files.")
                    % {"limit": number_format(MAX_ROWS, force_grouping=True)}
                )
            if len(cells) != len(header):
                raise ImportFileError(
                    _(
                        "Row %(row)d has %(cells)d cells where the header has %(columns)d columns: check the quoting "
                        "of the file."
                    )
                    % {"row": number, "cells": len(cells), "columns": len(header)}
                )
    except csv.Error as error:
        raise ImportFileError(
            _("The file is not valid CSV near line %(line)d: %(error)s") % {"line": reader.line_num, "error": error}
        ) from None
    return CsvFile(data, header, row_count)


def check_utf8(data, step=1 << 16):
    """ImportFileError naming the line of the first byte that is not UTF-8; decoded a piece at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in range(0, len(data), step):
        try:
            decoder.decode(data[start : start + step], final=start + step >= len(data))
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, start + error.start) + 1
            raise ImportFileError(
                _(
                    "The file is not UTF-8 text (unreadable byte on line %(line)d): "
                    'save it from your spreadsheet as "CSV UTF-8" and try again.'
                )
                % {"line": line}
            ) from None


def check_header(header, required_columns):
    missing = [column for column in required_columns if column not in header]
    if missing:
        raise ImportFileError(
            _("The file lacks these columns: %(columns)s. The first line must name the columns of the export.")
            % {"columns": ", ".join(missing)}
        )
    repeated = sorted({column for column in header if column and header.count(column) > 1})
    if repeated:
        raise ImportFileError(
            _("These columns appear more than once: %(columns)s. Keep one of each.") % {"columns": ", ".join(repeated)}
        )


SPECIAL_FIRST_CHARACTERS = frozenset([*FORMULA_TRIGGERS, "'"])


def clean_cell(value):
    """The text of one cell as the import reads it, or ValueError for a formula a spreadsheet would run.

    Every cell of every file passes through here once: the place for any cleaning that applies to all imported text.
    Control characters a form would refuse are taken out; the export writes a formula-like text behind an
    apostrophe, which is taken off.
    """
    value = strip_control_characters(value)
    if value[:1] in SPECIAL_FIRST_CHARACTERS:
        if is_neutralised(value):
            return value[1:]
        if value.startswith(FORMULA_TRIGGERS):
            raise ValueError
    return value.strip()


def clean_cells(row):
    """The row's cells through ``clean_cell``, and a (column, message) for each formula refused."""
    cells, problems = {}, []
    for column, value in row.items():
        try:
            cells[column] = clean_cell(value)
        except ValueError:
            problems.append(
                (column, _("Starts with %(char)r, which a spreadsheet runs as a formula.") % {"char": value[0]})
            )
    return cells, problems


def interval_columns(prefix):
    return [f"{prefix}_{part}" for part in PARTS]


# An older export's certainty for a date it gave only an upper bound for.
LEGACY_NO_LATER_THAN = "no_later_than"


def dated_columns(cells, prefix, column, problems, required=True):
    """{interval column: text to clean} for interval ``prefix`` from the row: its EDTF cell (``date_edtf``: exact,
    ranges included) when filled, else the older single date (``date``: 2024-03-06, 2024-03 or 2024) with its
    certainty cell; {} after adding a problem, or (not ``required``) for a row with no date."""
    edtf = cells.get(f"{prefix}_edtf", "")
    try:
        if edtf:
            interval = Interval.parse_edtf(edtf)
        elif cells.get(column, ""):
            certainty = cells.get(f"{prefix}_certainty", "") or DateCertainty.STATED
            partial = PartialDate.parse(cells[column])
            no_later_than = certainty == LEGACY_NO_LATER_THAN
            interval = Interval(None, partial) if no_later_than else Interval.single(partial, certainty)
        elif required:
            problems.append((column, _("A date is needed: 2024-03-06, 2024-03 or 2024.")))
            return {}
        else:
            interval = None
    except ValueError:
        message = _("Not a date: write 2024-03-06, 2024-03, 2024, or a range such as [2024-03-06..2024-04-20].")
        problems.append((f"{prefix}_edtf" if edtf else column, message))
        return {}
    if edtf and interval is not None and cells.get(column, "") not in ("", interval.main.iso()):
        # Both say when: an edit to one alone would otherwise be lost without a word.
        problems.append(
            (
                column,
                _("This date and the one in %(edtf)s disagree: change both, or clear one.")
                % {"edtf": f"{prefix}_edtf"},
            )
        )
        return {}
    values = interval_to_columns(interval)
    return {
        name: "" if value is None else value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in zip(interval_columns(prefix), values, strict=True)
    }


class NotEvaluable(Exception):
    """A condition that ``evaluate`` leaves to the database."""


# The lookups ``evaluate`` knows. Text is only compared for equality, which does not depend on a collation.
COMPARISONS = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


def breaks(constraint, record):
    """Whether ``record`` breaks a check constraint, as the database would find.

    Django checks a constraint with a query built for each record, which costs milliseconds a row; its condition is
    evaluated here instead, and handed to Django's own check only when it uses something ``evaluate`` does not know.
    """
    try:
        return evaluate(constraint.condition, record) is False  # unknown (NULL) passes a CHECK, as in SQL
    except NotEvaluable:
        try:
            constraint.validate(type(record), record)
        except ValidationError:
            return True
        return False


def evaluate(condition, record):
    """A Q condition for ``record``: True, False, or None where SQL finds it unknown because of a NULL."""
    results = [
        evaluate(child, record) if isinstance(child, Q) else evaluate_lookup(*child, record)
        for child in condition.children
    ]
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    elif condition.connector == Q.OR:
        result = True if True in results else None if None in results else False
    else:
        raise NotEvaluable
    return result if result is None or not condition.negated else not result


def evaluate_lookup(path, wanted, record):
    name, _sep, lookup = path.partition("__")
    value = stored_value(record, name)
    if isinstance(wanted, models.F) and "__" not in wanted.name:
        wanted = stored_value(record, wanted.name)
    elif hasattr(wanted, "resolve_expression"):
        raise NotEvaluable
    if lookup == "isnull":
        return (value is None) == wanted
    if value is None or wanted is None:
        return None
    if lookup in ("", "exact"):
        return value == wanted
    if lookup == "in" and None not in wanted:
        return value in wanted
    if lookup in COMPARISONS and not isinstance(value, str):
        return COMPARISONS[lookup](value, wanted)
    raise NotEvaluable


def stored_value(record, name):
    """The value the database holds for a field: a foreign key's id, not the record it points to."""
    return record.pk if name == "pk" else getattr(record, record._meta.get_field(name).attname)


class FieldCleaner:
    """The checks a ModelForm makes on one model field (its form field's, then the model field's own), without the
    cost of a form for each row."""

    def __init__(self, model_field):
        self.model_field = model_field
        options = {"assume_scheme": "https"} if isinstance(model_field, models.URLField) else {}
        self.form_field = model_field.formfield(**options)
        if model_field.choices or isinstance(model_field, models.DateField):
            # Few distinct values in many rows; a choice is checked by walking through every choice.
            self.clean = functools.lru_cache(maxsize=1024)(self.clean)

    def clean(self, text):
        """The value to store for the cell's text (a blank cell gives the field's default), or ValidationError."""
        if text == "" and self.model_field.has_default():
            return self.model_field.get_default()
        return self.model_field.clean(self.form_field.clean(text), None)


class Lookup:
    """Find records by any of the names the export writes for them (name, acronym, "name (acronym)", title...),
    ignoring case and accents; one query for the whole file."""

    def __init__(self, queryset, names_of):
        self.find = functools.lru_cache(maxsize=4096)(self.find)  # rows name the same records again and again
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


@dataclass
class Row:
    """A row that may be written: its record (new, or a stored one with the row's values set) and its links."""

    number: int
    record: models.Model
    new: bool
    changed: set = field(default_factory=set)  # the fields an update changes
    relations: dict = field(default_factory=dict)


class Import:
    """One kind of record read from one CSV file: ``check`` lists every row's problems, ``commit`` writes all rows."""

    model = None
    label = ""
    required_columns = []
    fields = {}  # CSV column: model field, for the cells read straight into a field
    columns_of_fields = {}  # model field: the column named in its problems, where it is not the field's name

    def __init__(self, header):
        self.header = header
        self.columns = {column: name for column, name in self.fields.items() if column in header}
        self.column_of = {**{name: column for column, name in self.fields.items()}, **self.columns_of_fields}
        self.cleaners = {}
        self.errors, self.warnings = [], []
        self.error_count = self.warning_count = 0
        self.counts = {"new": 0, "updated": 0, "unchanged": 0}
        self.first_row_with = {}
        self.first_row_with_id = {}
        self.warn = True

    def check(self, rows):
        """Check every row; the problems found (the first MAX_LISTED), with ``error_count`` counting them all."""
        for batch in batched(rows, BATCH_ROWS):
            self.read_batch(batch, lock=False)
        return self.errors

    def commit(self, rows, user):
        """Check every row again and write them all, or none if any has a problem; the number of rows written."""
        self.warn = False
        now = timezone.now()
        with transaction.atomic():
            for batch in batched(rows, BATCH_ROWS):
                ready = self.read_batch(batch, lock=True)
                if not self.error_count:  # after the first problem, rows are only checked, to list every problem
                    self.write(ready, user, now)
            if self.error_count:
                transaction.set_rollback(True)
                return 0
        # Written in bulk, past the receivers that note a change of the public data.
        bump_data_version()
        return self.counts["new"] + self.counts["updated"]

    def add(self, notes, number, problems):
        """Keep up to MAX_LISTED notes to show; returns how many ``problems`` there were."""
        room = MAX_LISTED - len(notes)
        notes.extend(RowError(number, column, str(message)) for column, message in problems[: max(room, 0)])
        return len(problems)

    def read_batch(self, batch, lock):
        """The Rows of ``batch`` that are ready to write; records the problems of the others."""
        ids = {number: int(row["id"]) for number, row in batch if RECORD_ID.fullmatch(row.get("id", "").strip())}
        stored = self.model._default_manager.select_for_update() if lock else self.model._default_manager
        existing = stored.in_bulk(set(ids.values())) if ids else {}
        self.read_related(existing)
        ready = []
        for number, row in batch:
            checked = self.read_row(number, row, existing.get(ids.get(number)))
            if checked is not None:
                ready.append(checked)
        for row, problems in self.check_batch(ready):
            self.error_count += self.add(self.errors, row.number, problems)
            ready.remove(row)
        for row in ready:
            self.counts["new" if row.new else "updated"] += 1
        return ready

    def read_related(self, records):
        """Read what ``relations_changed`` needs of the batch's existing ``records`` ({pk: record})."""

    def read_row(self, number, row, record):
        """The Row to write, or None (unchanged, or with problems, which are recorded)."""
        cells, problems = clean_cells(row)
        if record is not None and self.first_row_with_id.setdefault(record.pk, number) != number:
            first = self.first_row_with_id[record.pk]
            problems.append(("id", _("Row %(row)d of this file already has this id.") % {"row": first}))
            record = None  # the first row's: this one must not change it
        elif cells.get("id") and record is None:
            problems.append(("id", _("No record with this id: leave it empty to add a new one.")))
        new = record is None
        record = self.model() if new else record
        values, relations = self.read_values(cells, problems, record, new)
        before = {} if new else {name: getattr(record, name) for name in values}
        failed = {column for column, _message in problems}
        for name, text in values.items():
            column = self.column_of.get(name, name)
            if column in failed:
                continue  # the first problem of a cell is the clearest
            try:
                setattr(record, name, self.cleaner(name).clean(text))
            except ValidationError as error:
                failed.add(column)
                problems.extend((column, message) for message in error.messages)
        if not problems:
            problems.extend(self.model_problems(record))
        problems.extend(self.repeated_in_file(number, record, failed))
        changed = set() if new else {name for name in values if getattr(record, name) != before[name]}
        if not problems and not new and not changed and not self.relations_changed(record, relations):
            self.counts["unchanged"] += 1  # read back as exported: nothing to write
            return None
        problems.extend(self.check_record(record, new))
        if problems:
            self.error_count += self.add(self.errors, number, problems)
            return None
        if new and self.warn:
            self.warning_count += self.add(self.warnings, number, self.look_alikes(record))
        return Row(number, record, new, changed, relations)

    def cleaner(self, name):
        if name not in self.cleaners:
            self.cleaners[name] = FieldCleaner(self.model._meta.get_field(name))
        return self.cleaners[name]

    def read_values(self, cells, problems, record, new):
        """{model field: text to clean} from the row's cells, and the links the row names (``problems`` gets what
        cannot be read). A column the file leaves out keeps the stored value, or the default for a new record."""
        values = {name: cells[column] for column, name in self.columns.items() if column in cells}
        if "other_names" in values:
            # One per line in the record, joined in the export's single cell.
            values["other_names"] = "\n".join(split_joined(values["other_names"]))
        return values, {}

    def model_problems(self, record):
        """The model's own rules: its ``clean()`` and its check constraints."""
        problems = []
        try:
            record.clean()
        except ValidationError as error:
            messages = error.message_dict if hasattr(error, "error_dict") else {"—": error.messages}
            for name, texts in messages.items():
                problems.extend((self.column_of.get(name, name), text) for text in texts)
        for constraint in self.model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint) and breaks(constraint, record):
                names = sorted(constraint.condition.referenced_base_fields)
                column = ", ".join(self.column_of.get(name, name) for name in names)
                problems.append((column, constraint.get_violation_error_message()))
        return problems

    def check_batch(self, rows):
        """(Row, problems) for rows that break a rule only the database can tell, checked for a batch at once."""
        return []

    def unique_key(self, record):
        """What no two rows of one file may share (None: no such rule)."""
        return None

    def repeated_in_file(self, number, record, failed):
        if "name" in failed:
            return []
        key = self.unique_key(record)
        if key is None:
            return []
        first = self.first_row_with.setdefault(key, number)
        if first == number:
            return []
        return [("name", _("Row %(row)d of this file already has this name.") % {"row": first})]

    def relations_changed(self, record, relations):
        return False

    def check_record(self, record, new):
        """Problems with writing to this record at all (an existing one, unless ``new``)."""
        return []

    def look_alikes(self, record):
        """(column, message) for each existing record a new row looks like."""
        return []

    def write(self, rows, user, now):
        """Write a checked batch, with a history entry for each record, as a save would."""
        new = [row.record for row in rows if row.new]
        updated = [row.record for row in rows if not row.new]
        self.stamp(new, updated, user)
        history = {"default_user": user, "default_date": now, "default_change_reason": CHANGE_REASON}
        if new:
            bulk_create_with_history(new, self.model, **history)
        if updated:
            # What VersionedModel.save does, and the stamps: the same for every row, so one query for the batch
            # (the rows are locked since they were read). A bulk update calls no save().
            stamps = {name: getattr(updated[0], name) for name in self.stamped_fields}
            stored = self.model._default_manager.filter(pk__in=[record.pk for record in updated])
            stored.update(version=F("version") + 1, updated_at=now, **stamps)
            for record in updated:
                record.version += 1
                record.updated_at = now
            changed = sorted({name for row in rows if not row.new for name in row.changed})
            bulk_update_with_history(updated, self.model, changed, **history)  # with no fields: the history only
        self.write_relations(rows, history)

    stamped_fields = []  # set by ``stamp``, the same on every updated record

    def stamp(self, new, updated, user):
        """Fill what the file does not hold: slugs, who created and changed the record..."""

    def write_relations(self, rows, history):
        pass


class SlugMaker:
    """Addresses for new records, as the admin makes them from the name, made unique with -2, -3...: one query per
    batch, and one more for each name already taken."""

    def __init__(self, model):
        self.model = model
        self.next_number = {}  # for names already taken: the number the next one gets

    def assign(self, records):
        bases = [slugify(record.name)[:180] or "record" for record in records]
        manager = self.model._default_manager
        taken = set(manager.filter(slug__in=set(bases) - self.next_number.keys()).values_list("slug", flat=True))
        for record, base in zip(records, bases, strict=True):
            if base not in taken and base not in self.next_number:
                record.slug = base
                taken.add(base)
                continue
            if base not in self.next_number:
                self.next_number[base] = self.highest_number(base) + 1
            record.slug = f"{base}-{self.next_number[base]}"
            self.next_number[base] += 1

    def highest_number(self, base):
        slugs = self.model._default_manager.filter(slug__startswith=f"{base}-").values_list("slug", flat=True)
        numbers = (slug[len(base) + 1 :] for slug in slugs)
        return max((int(number) for number in numbers if number.isascii() and number.isdigit()), default=1)


def look_alike_warnings(records):
    return [
        (
            "name",
            _("Looks like %(record)s (id %(id)d), already recorded: put its id in the row to update it instead.")
            % {"record": record, "id": record.pk},
        )
        for record in records
    ]


class NamedRecordImport(Import):
    """Organisations and people: new ones get an address from their name, and are compared with those recorded."""

    def stamp(self, new, updated, user):
        if new:
            self.slugs.assign(new)

    @functools.cached_property
    def slugs(self):
        return SlugMaker(self.model)

    @functools.cached_property
    def index(self):
        return LookAlikes(self.model)


class OrganisationImport(NamedRecordImport):
    model = Organisation
    label = _("organisations")
    required_columns = ["id", "name", "acronym", "kind"]
    fields = {name: name for name in ["name", "acronym", "kind", "country", "other_names", "description"]}
    unique_name = "organisations_organisation_unique_name_per_country"

    def unique_key(self, record):
        return (normalise(record.name), str(record.country))

    def look_alikes(self, record):
        return look_alike_warnings(self.index.like(record.name, record.acronym, str(record.country)))

    def write(self, rows, user, now):
        super().write(rows, user, now)
        # Bulk writes pass by the receivers that keep statuses in step; a new kind or country can change one.
        refresh_statuses(Organisation.objects.filter(pk__in=[row.record.pk for row in rows]))

    def check_batch(self, rows):
        """The database's one name per country: one query (on the constraint's own index) finds the names that might
        clash, and only those rows are checked against the constraint itself."""
        constraint = next(c for c in Organisation._meta.constraints if c.name == self.unique_name)
        rows = [row for row in rows if row.new or row.changed & {"name", "country"}]
        names = sorted({row.record.name for row in rows})
        clashing = set()
        for start in range(0, len(names), 500):  # well under any database's limit of parameters per query
            lowered = [Lower(Value(name)) for name in names[start : start + 500]]
            stored = Organisation.objects.annotate(lowered=Lower("name")).filter(lowered__in=lowered).order_by()
            clashing.update(name.casefold() for name in stored.values_list("name", flat=True))
        found = []
        for row in rows:
            if row.record.name.casefold() in clashing:
                try:
                    constraint.validate(Organisation, row.record)
                except ValidationError as error:
                    found.append((row, [("name", message) for message in error.messages]))
        return found


class PersonImport(NamedRecordImport):
    model = Person
    label = _("people")
    required_columns = ["id", "name"]
    fields = {name: name for name in ["name", "country", "description", "other_names"]}

    def read_values(self, cells, problems, record, new):
        """A protected person's row in the export holds their public name alone: reading it back changes nothing,
        and any other text is refused, since it would put a pseudonym in place of the name."""
        values, relations = super().read_values(cells, problems, record, new)
        if new or record.protection == Protection.PUBLIC:
            return values, relations
        exported = {"name": record.public_name, "country": "", "description": "", "other_names": ""}
        if any(values[name] != exported[name] for name in values):
            problems.append(
                (
                    "name",
                    _(
                        "This person's identity is protected, and the export shows only their public name: change "
                        "them in the admin."
                    ),
                )
            )
        return {}, relations

    def look_alikes(self, record):
        return look_alike_warnings(self.index.like(record.name))


class SourceImport(Import):
    model = Source
    label = _("sources")
    required_columns = ["id", "title", "publisher", "published"]
    fields = {
        "title": "title",
        "publisher": "publisher",
        "link": "url",
        "author": "author",
        "language": "language",
        "notes": "notes",
    }
    columns_of_fields = dict.fromkeys(interval_columns("published"), "published")

    def read_values(self, cells, problems, record, new):
        values, relations = super().read_values(cells, problems, record, new)
        if "published" in cells or "published_edtf" in cells:
            values.update(dated_columns(cells, "published", "published", problems, required=False))
        return values, relations


# Columns later exports added: a file from an earlier export has none of them, and still reads.
ADDED_COLUMNS = (
    "people_withheld",
    "date_earliest",
    "date_latest",
    "date_edtf",
    "target_group",
    "perpetrators",
    "reported_as",
    "alleged_by",
)


class EventImport(Import):
    model = Event
    label = _("events")
    # Every column of the public export, so that a file from elsewhere is laid out as one; cells may be blank.
    required_columns = [column for column in EVENT_CSV_HEADER if column not in ("url", "source_links", *ADDED_COLUMNS)]
    fields = {
        "title": "title",
        "type": "event_type",
        "end_date": "end_date",
        "country": "country",
        "location": "location",
        "summary": "summary",
        "authority": "authority",
        "justification": "justification",
        "outcome": "outcome",
    }
    columns_of_fields = dict.fromkeys(interval_columns("date"), "date")
    # CSV column: (link model, its field for the linked record)
    links = {
        "organisations": (EventOrganisation, "organisation"),
        "people": (EventPerson, "person"),
        "sources": (Citation, "source"),
    }
    stamped_fields = ["updated_by"]

    def __init__(self, header):
        super().__init__(header)
        self.link_count = 0
        self.lookups = {
            "organisations": Lookup(
                Organisation.objects.only("name", "acronym"), lambda record: [record.name, record.acronym, str(record)]
            ),
            # The export names a pseudonymised person by the pseudonym: it must lead back to them.
            "people": Lookup(
                Person.objects.only("name", "protection", "pseudonym"),
                lambda record: [record.name, str(record), record.pseudonym],
            ),
            "sources": Lookup(Source.objects.only("title", "publisher"), lambda record: [record.title, str(record)]),
        }

    def read_related(self, records):
        """The batch's stored links as (pk, record id, role) tuples, one query for each kind (lighter than prefetching
        models); a citation's role is None. Also the people among them whom the export cannot name."""
        self.stored_links = {column: {} for column in self.links}
        linked_people = EventPerson.objects.filter(event__in=list(records)).values("person")
        self.unnamed_people = set(
            Person.objects.filter(pk__in=linked_people).exclude(SHOWN).values_list("pk", flat=True)
        )
        for column, (model, field_name) in self.links.items() if records else ():
            fields = ["pk", "event", field_name, *(["role"] if column != "sources" else [])]
            for pk, event, target, *role in model.objects.filter(event__in=list(records)).values_list(*fields):
                self.stored_links[column].setdefault(event, []).append((pk, target, role[0] if role else None))

    def read_values(self, cells, problems, record, new):
        values, relations = super().read_values(cells, problems, record, new)
        dated = dated_columns(cells, "date", "date", problems)
        values.update(dated)
        stated, written = cells.get("date_precision", ""), cells.get("date", "")
        if dated and stated and written and not cells.get("date_edtf"):
            precision = PartialDate.parse(written).precision
            if stated != precision:
                problems.append(
                    (
                        "date_precision",
                        _("The date is written to the %(precision)s.")
                        % {"precision": DatePrecision(precision).label.lower()},
                    )
                )
        for column in self.links:
            relations[column] = self.wanted_links(column, cells.get(column, ""), problems, None if new else record)
            self.link_count += len(relations[column])
        if self.link_count > MAX_LINKS:
            raise ImportFileError(
                _("The file names more than %(limit)s organisations, people and sources in all: split it.")
                % {"limit": number_format(MAX_LINKS, force_grouping=True)}
            )
        return values, relations

    def wanted_links(self, column, cell, problems, event):
        """The (record id, role) pairs a cell names; sources have no role (None).

        A name without a role, as in files from before roles were exported, keeps the roles it has on the event, or
        is a target if it is new to it.
        """
        linked = self.linked(event, column) if event else []
        # A withheld person (or one still without a pseudonym) is in no export's cell: the links stay as they are.
        wanted = [pair for pair in linked if column == "people" and pair[0] in self.unnamed_people]
        for text in split_joined(cell):
            name, role = (text, None) if column == "sources" else split_role(text)
            record, error = self.lookups[column].find(name)
            if error and column != "sources" and role is None:
                error = self.unknown_role(column, text) or error
            if error:
                problems.append((column, error))
                continue
            if column == "sources":
                pairs = [(record.pk, None)]
            elif role is None:
                pairs = [pair for pair in linked if pair[0] == record.pk] or [(record.pk, Role.TARGET)]
            else:
                pairs = [(record.pk, role)]
            wanted.extend(pair for pair in pairs if pair not in wanted)
        return wanted

    def unknown_role(self, column, text):
        """The message for "Name [role]" whose name is known but whose role is not, or None."""
        name, inside = bracketed(text)
        if inside is not None and self.lookups[column].find(name)[0] is not None:
            roles = ", ".join(Role.values)
            return _('"%(role)s" is not a role: use one of %(roles)s.') % {"role": inside, "roles": roles}
        return None

    def linked(self, event, column):
        """The (record id, role) pairs stored for ``event`` (role None for sources)."""
        return [(target, role) for _pk, target, role in self.stored_links[column].get(event.pk, [])]

    def relations_changed(self, record, relations):
        return any(set(relations[column]) != set(self.linked(record, column)) for column in self.links)

    def check_record(self, record, new):
        if not new and record.status != EventStatus.DRAFT:
            return [
                (
                    "id",
                    _(
                        "This event is %(status)s: only drafts can be updated by import. "
                        "Edit it in the admin, or leave the id empty to add a new draft."
                    )
                    % {"status": record.get_status_display().lower()},
                )
            ]
        return []

    def stamp(self, new, updated, user):
        for record in new:
            record.status = EventStatus.DRAFT
            record.created_by = user
        for record in [*new, *updated]:
            record.updated_by = user

    def write_relations(self, rows, history):
        """Link what each row names. An update keeps the links still named; a link whose role alone changed is
        updated, as an editor changes the role in the form (its note stays); the rest are dropped."""
        for column, (model, field_name) in self.links.items():
            added, dropped, new_roles = [], [], {}
            for row in rows:
                wanted = row.relations[column]
                stored = [] if row.new else self.stored_links[column].get(row.record.pk, [])
                spare = [(pk, target) for pk, target, role in stored if (target, role) not in wanted]
                present = {(target, role) for _pk, target, role in stored}
                missing = [pair for pair in wanted if pair not in present]
                for target, role in missing:
                    # A citation is not moved to another source: its quote belongs to the one it cites.
                    reused = next((link for link in spare if link[1] == target and role is not None), None)
                    if reused:
                        spare.remove(reused)
                        new_roles[reused[0]] = role
                    else:
                        # A citation's quote is left for an editor to copy in.
                        role_field = {"role": role} if role else {}
                        added.append(model(event=row.record, **{f"{field_name}_id": target}, **role_field))
                dropped.extend(pk for pk, _target in spare)
            if dropped:
                model.objects.filter(pk__in=dropped).delete()  # one history entry per link, through its signal
            if new_roles:
                links = model.objects.in_bulk(list(new_roles))
                for pk, link in links.items():
                    link.role = new_roles[pk]
                bulk_update_with_history(list(links.values()), model, ["role"], **history)
            if added:
                bulk_create_with_history(added, model, **history)


IMPORTS = {
    "events": EventImport,
    "organisations": OrganisationImport,
    "people": PersonImport,
    "sources": SourceImport,
}
