"""What the public lists share: a FilterSet read from the query string, its errors, and a CSV twin that streams."""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.views import FilterView

MAX_QUERY_STRING_LENGTH = 2000

# A spreadsheet reads a cell that starts with one of these as a formula (CSV injection, OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Many values in one cell (organisations, people, sources) are joined with this; the import splits on it.
MANY_SEPARATOR = "; "


def query_string_problem(request):
    """Why the query string is refused before any form sees it, or None."""
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING_LENGTH:
        return _("The address is too long: use at most %(limit)s characters of filters.") % {
            "limit": MAX_QUERY_STRING_LENGTH
        }
    if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
        return _("The address contains a null character; remove it and try again.")
    return None


def choice_labels(form, name):
    """{value in the URL: what a reader sees} for a choice field; model choices come from the cleaned form."""
    field = form.fields[name]
    if isinstance(field, ModelChoiceField):
        cleaned = getattr(form, "cleaned_data", {}).get(name)
        objects = cleaned if isinstance(field, ModelMultipleChoiceField) else [cleaned]
        key = field.to_field_name or "pk"
        return {str(getattr(obj, key)): str(obj) for obj in objects or [] if obj is not None}
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
            remaining = query.copy()
            remaining.setlist(name, [other for other in query.getlist(name) if other != value])
            remaining.pop("page", None)
            entries.append(
                {
                    "label": field.label,
                    "value": labels.get(value, value),
                    "remove_query": remaining.urlencode(),
                }
            )
    return entries


class PublicFilterView(FilterView):
    """A public list: filtered by its FilterSet, 50 a page; invalid filters answer 400 with the form's errors.

    ``csv_url_name`` and ``json_url_name`` name its twins, which take the same query string.
    """

    paginate_by = 50
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
        self.object_list = self.filterset.qs if valid else self.filterset.queryset.none()
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        return self.render_to_response(context, status=200 if valid else 400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["active_filters"] = active_filters(self.filterset, self.request.GET)
        context["query"] = query.urlencode()
        options = self.filterset.queryset.model._meta
        context["noun_singular"], context["noun_plural"] = options.verbose_name, options.verbose_name_plural
        for kind in ("csv", "json", "feed"):
            url_name = getattr(self, f"{kind}_url_name")
            if url_name:
                context[f"{kind}_url"] = reverse(url_name)
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
    """Text a spreadsheet would run as a formula gets a leading apostrophe; anything else is left as it is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS):
        return "'" + cell
    return cell


def csv_lines(header, rows):
    """A byte-order mark (so spreadsheets read UTF-8), the header, then one line per row, as they come."""
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def joined(values):
    """Many values in one cell, in order, each once."""
    return MANY_SEPARATOR.join(dict.fromkeys(str(value) for value in values if value))


class CsvExportMixin:
    """Put before a ``PublicFilterView`` to stream every row its FilterSet matches, not only one page.

    Subclasses give ``csv_name``, ``csv_header`` and ``csv_row(obj)``. Rows are read with ``iterator()`` in chunks,
    and each chunk runs the queryset's prefetches once, so memory and queries grow with chunks, not rows.
    """

    csv_name = None
    csv_header = ()
    chunk_size = 500

    def bad_request(self, message):
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            return self.bad_request(filter_errors_as_text(filterset))
        rows = (self.csv_row(obj) for obj in filterset.qs.iterator(chunk_size=self.chunk_size))
        return self.export_response(rows)

    def export_response(self, rows):
        response = StreamingHttpResponse(csv_lines(self.csv_header, rows), content_type="text/csv; charset=utf-8")
        filename = f"{self.csv_name}-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def csv_row(self, obj):
        raise NotImplementedError

    def absolute_url(self, obj):
        return self.request.build_absolute_uri(obj.get_absolute_url())


def json_lines(header, rows):
    """A JSON array of objects keyed by the CSV's column names, one object per line, produced as rows come."""
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n" + json.dumps(dict(zip(header, row, strict=True)), cls=DjangoJSONEncoder)
    yield "\n]\n"


class JsonExportMixin:
    """Put before a CSV view: the same rows and columns as JSON (no formula guard: JSON is not a spreadsheet)."""

    def export_response(self, rows):
        return StreamingHttpResponse(json_lines(self.csv_header, rows), content_type="application/json")
