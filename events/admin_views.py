"""Reviewers' pages in the admin: bulk import from CSV and the data-quality lists. Wired in EventAdmin.get_urls."""

import secrets

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from civicspace.dates import DatePrecision
from events.imports import IMPORTS, MAX_FILE_BYTES, ImportFileError, read_csv
from events.models import Citation, Event, Source
from organisations.models import Organisation

SESSION_KEY = "csv_import"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=[(kind, capfirst(importer.label)) for kind, importer in IMPORTS.items()]
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with the columns of the public site's CSV export, at most 5 MB."),
    )


def require_reviewer(request):
    if not request.user.has_perm("events.publish_event"):
        raise PermissionDenied


def import_view(request, admin_site):
    """Check a CSV file (dry run: every row's errors, nothing written), then write all its rows or none."""
    require_reviewer(request)
    context = {**admin_site.each_context(request), "title": _("Import from CSV")}
    form = ImportForm()
    if request.method == "POST" and "_commit" in request.POST:
        return commit_import(request, context)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            kind = form.cleaned_data["kind"]
            # Read one byte past the limit, so a larger file is refused without holding all of it.
            data = upload.read(MAX_FILE_BYTES + 1)
            importer = check(kind, data, context)
            if importer is not None and not importer.errors:
                token = secrets.token_urlsafe(16)
                # Kept in the (database) session until committed: the commit reads exactly what was checked.
                request.session[SESSION_KEY] = {"token": token, "kind": kind, "data": data.decode("utf-8-sig")}
                context["token"] = token
    context["form"] = form
    return TemplateResponse(request, "admin/events/import.html", context)


def check(kind, data, context):
    """Read and validate ``data``; put what the page shows into ``context``; the Import, or None for a bad file."""
    context["kind"] = kind
    try:
        rows = read_csv(data, IMPORTS[kind].required_columns)
    except ImportFileError as error:
        context["file_error"] = str(error)
        return None
    importer = IMPORTS[kind](rows)
    context["row_errors"] = importer.validate()
    context["row_warnings"] = importer.warnings
    context["counts"] = importer.counts
    context["row_count"] = len(rows)
    return importer


def commit_import(request, context):
    stored = request.session.get(SESSION_KEY) or {}
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, _("That check has expired or was replaced by another: upload the file again."))
        return redirect("admin:events_import")
    # Checked again: records may have changed since the dry run.
    importer = check(stored["kind"], stored["data"].encode(), context)
    if importer is None or importer.errors:
        context["form"] = ImportForm()
        return TemplateResponse(request, "admin/events/import.html", context)
    saved = importer.save(request.user)
    del request.session[SESSION_KEY]
    counts = importer.counts
    messages.success(
        request,
        ngettext(
            "Imported %(count)d row (%(new)d new, %(updated)d updated).",
            "Imported %(count)d rows (%(new)d new, %(updated)d updated).",
            len(saved),
        )
        % {"count": len(saved), **counts},
    )
    model = IMPORTS[stored["kind"]].model
    return redirect(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))


QUALITY_LIST_LIMIT = 500


def quality_view(request, admin_site):
    """Records that need a reviewer's attention; one query per list, whatever the number of rows."""
    require_reviewer(request)
    limit = QUALITY_LIST_LIMIT
    precise = [DatePrecision.DAY, DatePrecision.MONTH]
    lists = {
        "uncited_events": Event.objects.filter(citations__isnull=True).order_by("-date", "-id")[:limit],
        "unquoted_citations": Citation.objects.filter(quote__regex=r"^\s*$")
        .select_related("event", "source")
        .order_by("-event__date", "id")[:limit],
        "unused_sources": Source.objects.filter(citations__isnull=True).order_by("title")[:limit],
        "idle_organisations": Organisation.objects.filter(event_links__isnull=True).order_by("name")[:limit],
        "pinnable_events": Event.objects.filter(
            date_precision=DatePrecision.YEAR,
            pk__in=Citation.objects.filter(source__published_precision__in=precise).values("event"),
        ).order_by("-date", "-id")[:limit],
    }
    context = {**admin_site.each_context(request), "title": _("Data quality"), "limit": limit, **lists}
    return TemplateResponse(request, "admin/events/quality.html", context)
