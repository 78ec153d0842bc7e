"""What the public lists share: a FilterSet read from the query string, its errors, and a CSV twin that streams."""

import csv
import json
import operator
import re
from functools import partial, reduce

from django.core.exceptions import BadRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.views import FilterView

from civicspace.facets import facet_choices, facet_counts, kept_key, present_values, remembered
from civicspace.filters import SEARCH_MAX_LENGTH, ChosenRecordsField
from civicspace.languages import reverse_neutral
from civicspace.opendata import licence
from civicspace.pagination import CURSOR_PARAMETER, BadCursor, Count, count, keyset_page
from civicspace.text import holds_null_character

MAX_QUERY_STRING_LENGTH = 2000
PAGE_SIZE = 50
# The JSON exports' page size (``?_size=``): a number of rows up to JSON_PAGE_MAX, or every row, streamed.
SIZE_PARAMETER = "_size"
JSON_PAGE_MAX = 1000
ALL_ROWS = "all"

# A spreadsheet reads a cell that starts with one of these as a formula (CSV injection, OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# The first characters of a cell that ``neutralise`` may have to guard.
GUARDED_STARTS = frozenset((*FORMULA_TRIGGERS, "'"))
# Where a written CSV line may hold a cell that starts with one of them: after a separator (a "," is put before the
# line for its first cell), behind the quote that opens a quoted cell. A line with none needs no guard; a line with one
# (a separator inside a cell's text is enough) is written again cell by cell with ``neutralise``. The line's end is
# not searched: after an empty last cell, its "\r" would look like a cell's start (a cell holding one is quoted).
# No "^" alternative: a pattern that starts with a plain "," is found ten times faster.
GUARDED_CELL_START = re.compile(',"?[' + re.escape("".join(sorted(GUARDED_STARTS))) + "]")
# Many values in one cell (organisations, people, sources) are joined with this; the import splits on it.
MANY_SEPARATOR = "; "
# The separator's ";" inside a value is written twice, as CSV writes a quote inside a quoted cell twice.
MANY_TOKENS = re.compile(r";;|;|[^;]+")


def without_paging(query):
    """A copy of the query string without the page it is on: the same list from its start."""
    query = query.copy()
    for name in (CURSOR_PARAMETER, "page"):
        query.pop(name, None)
    return query


def query_string_problem(request):
    """Why the query string is refused before any form sees it, or None."""
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING_LENGTH:
        return _("The address is too long: use at most %(limit)s characters of filters.") % {
            "limit": MAX_QUERY_STRING_LENGTH
        }
    if holds_null_character(request.GET):
        return _("The address contains a null character; remove it and try again.")
    return None


def choice_labels(form, name):
    """{value in the URL: what a reader sees} for a choice field; model choices come from the cleaned form."""
    field = form.fields[name]
    if isinstance(field, ChosenRecordsField):
        return field.labels
    if isinstance(field, ModelChoiceField):
        cleaned = getattr(form, "cleaned_data", {}).get(name)
        objects = cleaned if isinstance(field, ModelMultipleChoiceField) else [cleaned]
        key = field.to_field_name or "pk"
        # The field's own label, which for people is their public name.
        return {str(getattr(obj, key)): field.label_from_instance(obj) for obj in objects or [] if obj is not None}
    labels = {}
    for value, label in getattr(field, "choices", ()):
        if isinstance(label, list | tuple):  # an optgroup
            labels.update((str(v), str(text)) for v, text in label)
        else:
            labels[str(value)] = str(label)
    return labels


def active_filters(filterset, query):
    """One entry per value the query string sets: its label, its value as shown, and the URL without it."""
    if not filterset.is_bound:
        return []
    form = filterset.form
    form.is_valid()
    entries = []
    for name, field in form.fields.items():
        values = [value for value in query.getlist(name) if value.strip()]
        labels = choice_labels(form, name) if values else {}
        for value in values:
            remaining = without_paging(query)
            remaining.setlist(name, [other for other in query.getlist(name) if other != value])
            entries.append(
                {
                    "label": field.label,
                    "value": labels.get(value, value),
                    "remove_query": remaining.urlencode(),
                }
            )
    return entries


def paged(request, queryset, size=PAGE_SIZE):
    """The page of ``queryset`` the request's cursor points to (the first without one); BadRequest for a cursor that
    is not one this list wrote. Pages go by key (civicspace/pagination.py): any page costs what the first does."""
    try:
        return keyset_page(queryset, request.GET.get(CURSOR_PARAMETER), size)
    except BadCursor:
        raise BadRequest(_("This page's address is not valid: start again from the first page.")) from None


SUGGESTIONS = 10
SUGGEST_MIN_LENGTH = 2


def suggestions(request, queryset, searched, value_of, label_of):
    """A short JSON list of the public records whose ``searched`` fields contain the request's ``q``, as
    ``[{"value": address, "label": name}]``: what static/js/suggest.js offers as one types in a filter."""
    text = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    found = []
    if len(text) >= SUGGEST_MIN_LENGTH and not holds_null_character(request.GET):
        matching = reduce(operator.or_, (Q(**{f"{field}__icontains": text}) for field in searched))
        found = [
            {"value": value_of(record), "label": label_of(record)} for record in queryset.filter(matching)[:SUGGESTIONS]
        ]
    response = JsonResponse(found, safe=False)
    response["Cache-Control"] = "public, max-age=300"
    return response


class PublicFilterView(FilterView):
    """A public list: filtered by its FilterSet, 50 a page by key; invalid filters answer 400 with the form's errors.

    ``csv_url_name`` and ``json_url_name`` name its twins, which take the same query string.
    """

    paginate_by = None  # paged by key in ``get``, not by Django's numbered pages
    csv_url_name = None
    json_url_name = None
    feed_url_name = None

    def dispatch(self, request, *args, **kwargs):
        problem = query_string_problem(request)
        if problem:
            return self.bad_request(problem)
        return super().dispatch(request, *args, **kwargs)

    def bad_request(self, message):
        return render(self.request, "bad_request.html", {"message": message}, status=400)

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        valid = not self.filterset.is_bound or self.filterset.is_valid()
        # Rows filtered by only the valid half of a form would look like an answer; show none instead.
        matching = self.narrowed(self.filterset.qs) if valid else self.filterset.queryset.none()
        try:
            page = paged(request, self.page_rows(matching))
        except BadRequest as refusal:
            return self.bad_request(str(refusal))
        page.object_list = self.page_records(page.object_list, matching)
        self.object_list = page.object_list
        if valid:
            result_count = remembered(
                partial(self.count_matching, matching), type(self).__name__, without_paging(request.GET)
            )
        else:
            result_count = Count(0, True)
        context = self.get_context_data(
            filter=self.filterset, object_list=page.object_list, page_obj=page, result_count=result_count
        )
        if valid:
            self.show_facets()  # after the active filters took the choices' own labels
        return self.render_to_response(context, status=200 if valid else 400)

    def narrowed(self, matching):
        """``matching`` with conditions that leave out no row it holds but help the database find them."""
        return matching

    def page_rows(self, matching):
        """What a page is read from, by key: the matching records themselves. A list whose records are costly to
        read as model instances gives the rows of their keys alone, and ``page_records`` reads the page's records."""
        return matching

    def page_records(self, rows, matching):
        """The records the page shows, from its ``page_rows``."""
        return rows

    def count_matching(self, matching):
        """How many rows match: exact, or an estimate past a limit (civicspace/pagination.py)."""
        return count(matching)

    def show_facets(self):
        """Limit each faceted filter's choices to the values the other filters leave, with their counts."""
        filterset_class = type(self.filterset)
        for name, facet in getattr(filterset_class, "facets", {}).items():
            others = without_paging(self.request.GET)
            others.pop(name, None)
            counts, present = remembered(
                partial(self.count_facet, filterset_class, name, facet, others), f"{type(self).__name__}.{name}", others
            )
            form_field = self.filterset.form.fields[name]
            chosen = set(self.request.GET.getlist(name))
            form_field.choices = facet_choices(form_field, counts, present, chosen)

    def count_facet(self, filterset_class, name, facet, others):
        """(counts or None, the values present) of ``facet`` over the rows the ``others`` filters keep.

        When counting takes too long, the values present are those of the whole list, read once until the public
        data changes: reading them again for each set of filters cost each first request up to ten times a count's
        limit a facet. A choice may then find no row with these filters; it never names a value no public row has.
        """
        # A facet is a field, or (field, the rows it may count) when some rows' values are not public.
        field, counted = facet if isinstance(facet, tuple) else (facet, Q())
        counts = self.count_by(
            filterset_class(others, queryset=self.filterset.queryset, request=self.request), field, counted
        )
        if counts is not None:
            return counts, set(counts)
        return None, remembered(partial(self.present_values, field, counted), f"{type(self).__name__}.{name} present")

    def present_values(self, field, counted):
        """The values of ``field`` that the whole list's ``counted`` rows hold."""
        return present_values(self.filterset.queryset.filter(counted), field)

    def count_by(self, filterset, field, counted):
        """{value: rows} of ``field`` over the ``counted`` rows ``filterset`` keeps, or None when it took too long."""
        return facet_counts(filterset.qs.filter(counted), field)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = without_paging(self.request.GET)
        context["active_filters"] = active_filters(self.filterset, self.request.GET)
        context["query"] = query.urlencode()
        if not self.filterset.is_bound or self.filterset.is_valid():
            # The filter form with its facets' counts is the same for every page of these filters until the public
            # data changes: includes/filters.html keeps it under this key (a form with errors is never kept).
            context["filters_key"] = kept_key(f"{type(self).__name__} filters", query)
        options = self.filterset.queryset.model._meta
        context["noun_singular"], context["noun_plural"] = options.verbose_name, options.verbose_name_plural
        for kind in ("csv", "json", "feed"):
            url_name = getattr(self, f"{kind}_url_name")
            if url_name:
                # The feed is read in the page's language; CSV and JSON are the same in every language.
                context[f"{kind}_url"] = reverse(url_name) if kind == "feed" else reverse_neutral(url_name)
        if self.json_url_name:
            # Every matching row, as the CSV link gives them: the JSON's pages are for programs that follow ``next``.
            whole = query.copy()
            whole[SIZE_PARAMETER] = ALL_ROWS
            context["json_whole_url"] = f"{context['json_url']}?{whole.urlencode()}"
        return context


def filter_errors_as_text(filterset):
    lines = [_("These filters are not valid:")]
    for name, errors in filterset.errors.items():
        field = filterset.form.fields.get(name)
        lines.append(f"{field.label if field else name}: {' '.join(errors)}")
    return "\n".join(lines) + "\n"


class Echo:
    """A file-like object whose ``write`` hands back what it is given, so ``csv.writer`` can feed a generator."""

    def write(self, value):
        return value


def neutralise(cell):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; anything else is left as it is.

    Text that already looks neutralised gets one too, so that the import, which takes one off, reads it back as stored.
    """
    # The first character decides for nearly every cell, cheaply: exports call this a few million times a minute.
    if (
        isinstance(cell, str)
        and cell[:1] in GUARDED_STARTS
        and (cell.startswith(FORMULA_TRIGGERS) or is_neutralised(cell))
    ):
        return "'" + cell
    return cell


def is_neutralised(cell):
    """Whether ``cell`` starts with the apostrophe ``neutralise`` adds: before a formula trigger or an apostrophe."""
    return cell.startswith("'") and cell[1:].startswith((*FORMULA_TRIGGERS, "'"))


# Rows sent to the server in one piece by an export: one piece a row would cost a write to the socket each.
ROWS_PER_PIECE = 200


def csv_lines(header, rows):
    """A byte-order mark (so spreadsheets read UTF-8) and the header, then the rows' lines ``ROWS_PER_PIECE`` at a
    time, as the rows come."""
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(header)
    lines = []
    for row in rows:
        line = writer.writerow(row)
        if GUARDED_CELL_START.search("," + line, 0, len(line) + 1 - len(writer.dialect.lineterminator)):
            line = writer.writerow([neutralise(cell) for cell in row])
        lines.append(line)
        if len(lines) == ROWS_PER_PIECE:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def joined(values):
    """Many values in one cell, in order, each once; a ";" inside a value is doubled, so ``split_joined`` reads it."""
    written = [str(value).replace(";", ";;") for value in values if value]
    # Most cells hold one value or none: exports join a few million a minute.
    if len(written) < 2:
        return written[0] if written else ""
    return MANY_SEPARATOR.join(dict.fromkeys(written))


def split_joined(cell):
    """The values of a cell that ``joined`` wrote: a single ";" separates them, ";;" is a ";" inside one."""
    values, current = [], []
    for piece in MANY_TOKENS.findall(cell):
        if piece == ";":
            values.append("".join(current))
            current = []
        else:
            current.append(";" if piece == ";;" else piece)
    values.append("".join(current))
    return [value.strip() for value in values if value.strip()]


class CsvExportMixin:
    """Put before a ``PublicFilterView`` to stream every row its FilterSet matches, not only one page.

    Subclasses give ``csv_name``, ``csv_columns`` (civicspace/opendata.py: the header and the Data Package's schema
    both come from them), ``csv_row(obj)`` with one cell per column, and for the Data Package ``csv_url_name``,
    ``csv_title``, ``csv_description`` and ``csv_foreign_keys``. Rows are read with ``iterator()`` in chunks, and
    each chunk runs the queryset's prefetches once, so memory and queries grow with chunks, not rows. An export
    whose rows are costly to build as model instances gives ``csv_rows(queryset)`` instead (events.csv reads values).
    """

    csv_name = None
    csv_columns = ()
    csv_title = ""
    csv_description = ""
    csv_foreign_keys = ()
    chunk_size = 500

    @property
    def csv_header(self):
        return [column.name for column in self.csv_columns]

    @classmethod
    def queryset_for_package(cls):
        """Every public record of the export, for the Data Package's date of last change."""
        return cls.filterset_class._meta.model.objects.public()

    def bad_request(self, message):
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            return self.bad_request(filter_errors_as_text(filterset))
        # Every record the filters keep is read, not a page: a filter may read them otherwise for that (an events
        # search, events/search.py).
        filterset.reads_every_match = True
        return self.export_response(self.csv_rows(filterset.qs))

    def csv_rows(self, records):
        """One list of cells per record of ``records``, in order: ``csv_row`` of each model instance, by chunks."""
        return (self.csv_row(obj) for obj in records.iterator(chunk_size=self.chunk_size))

    def export_response(self, rows):
        response = StreamingHttpResponse(csv_lines(self.csv_header, rows), content_type="text/csv; charset=utf-8")
        filename = f"{self.csv_name}-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def csv_row(self, obj):
        raise NotImplementedError

    def absolute_url(self, obj):
        return self.request.build_absolute_uri(obj.get_absolute_url())

    def absolute_urls(self, url_name):
        """``addresses`` of ``url_name``, absolute."""
        return addresses(url_name, self.request.build_absolute_uri)


def addresses(url_name, made=str):
    """A function from a key (a primary key or a slug) to the address of its page at ``url_name``, ``made`` into
    what is needed (absolute, say): the address is reversed once, not once a row, which costs a list page a tenth
    of its time."""
    marker = "9876543210"
    before, _marker, after = made(reverse(url_name, args=[marker])).rpartition(marker)
    return lambda key: f"{before}{key}{after}"


def json_document(head, records):
    """A JSON object: ``head``'s keys, then ``results``, the records one a line as they come. Its closing ``]}``
    is sent only after the last record, so a cut stream is never a valid document."""
    yield json.dumps(head, cls=DjangoJSONEncoder)[:-1] + ', "results": ['
    for index, record in enumerate(records):
        yield ("," if index else "") + "\n" + json.dumps(record, cls=DjangoJSONEncoder)
    yield "\n]}\n"


class JsonExportMixin:
    """Put before a CSV view: its records as JSON with real lists and objects (``json_record(obj)``), in a document
    ``{"licence", "count", "count_is_exact", "next", "previous", "results"}``; a page at a time by key
    (``?_size=`` up to JSON_PAGE_MAX rows, PAGE_SIZE by default), or every matching record streamed with
    ``?_size=all``. No formula guard: JSON is not a spreadsheet."""

    def get(self, request, *args, **kwargs):
        self.filterset = filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            return self.bad_request(filter_errors_as_text(filterset))
        size = request.GET.get(SIZE_PARAMETER, "")
        if size != ALL_ROWS and not (
            size == "" or (size.isascii() and size.isdigit() and 1 <= int(size) <= JSON_PAGE_MAX)
        ):
            return self.bad_request(
                _("_size must be a number of rows from 1 to %(most)s, or all.") % {"most": JSON_PAGE_MAX}
            )
        filterset.reads_every_match = size == ALL_ROWS  # a page of JSON reads a page
        matching = filterset.qs
        head = {"licence": licence(), **self.counted(matching)}
        if size == ALL_ROWS:
            head |= {"next": None, "previous": None}
            return StreamingHttpResponse(
                json_document(head, self.json_records(matching)), content_type="application/json"
            )
        try:
            page = paged(request, self.page_rows(matching), int(size or PAGE_SIZE))
        except BadRequest as refusal:
            return self.bad_request(str(refusal))
        head |= {"next": self.page_address(page.next_cursor), "previous": self.page_address(page.previous_cursor)}
        return JsonResponse(head | {"results": self.json_page_records(page.object_list, matching)})

    def json_records(self, records):
        """``json_record`` of each of ``records`` (a queryset), by chunks; an export whose records are costly to build
        as model instances gives this (with ``page_rows`` and ``json_page_records``) instead."""
        return (self.json_record(obj) for obj in records.iterator(chunk_size=self.chunk_size))

    def json_page_records(self, rows, matching):
        return [self.json_record(obj) for obj in rows]

    def counted(self, matching):
        """How many records match, as the list's page says it (exact, or an estimate past a limit)."""
        query = without_paging(self.request.GET)
        query.pop(SIZE_PARAMETER, None)
        result = remembered(partial(self.count_matching, matching), type(self).__name__, query)
        return {"count": result.value, "count_is_exact": result.exact}

    def page_address(self, cursor):
        if cursor is None:
            return None
        query = self.request.GET.copy()
        query[CURSOR_PARAMETER] = cursor
        return self.request.build_absolute_uri("?" + query.urlencode())

    def json_record(self, obj):
        raise NotImplementedError
