"""Reviewers' pages in the admin: bulk import from CSV and the data-quality lists. Wired in EventAdmin.get_urls."""

import datetime
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from civicspace.dates import DatePrecision
from events.archive import QUOTE_CHECK_SOURCE_LIMIT, quotes_missing_from_copies
from events.imports import IMPORTS, MAX_FILE_BYTES, MAX_ROWS, ImportFileError, read_csv
from events.models import Citation, Event, LinkCheck, Source, SourceCopy
from organisations.models import Organisation

SESSION_KEY = "csv_import"
# A checked file waits this long for its commit; older ones are removed when the next file is checked.
STAGED_FOR = datetime.timedelta(days=1)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=[(kind, capfirst(importer.label)) for kind, importer in IMPORTS.items()]
    )
    file = forms.FileField(label=_("CSV file"), help_text=lazy(lambda: file_help(), str)())


def file_help():
    return _("UTF-8, with the columns of the public site's CSV export, at most 5 MB and %(rows)s rows.") % {
        "rows": number_format(MAX_ROWS, force_grouping=True)
    }


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
            kind = form.cleaned_data["kind"]
            # Read one byte past the limit, so a larger file is refused without holding all of it.
            data = form.cleaned_data["file"].read(MAX_FILE_BYTES + 1)
            importer = check(kind, data, context)
            unstage(request)
            if importer is not None and not importer.error_count:
                context["token"] = stage(request, kind, data)
    context["form"] = form
    return TemplateResponse(request, "admin/events/import.html", context)


def check(kind, data, context):
    """Read and check ``data``; put what the page shows into ``context``; the Import, or None for a bad file."""
    context["kind"] = kind
    try:
        csv_file = read_csv(data, IMPORTS[kind].required_columns)
        importer = IMPORTS[kind](csv_file.header)
        importer.check(csv_file.rows())
    except ImportFileError as error:
        context["file_error"] = str(error)
        return None
    show(importer, context, csv_file.row_count)
    return importer


def show(importer, context, row_count):
    context.update(
        row_count=row_count,
        row_errors=importer.errors,
        error_count=importer.error_count,
        row_warnings=importer.warnings,
        warning_count=importer.warning_count,
        counts=importer.counts,
    )


def staging():
    """Where checked files wait for their commit: a folder of the server (settings.IMPORT_STAGING_DIR), not the
    session, which may be a signed cookie and should not carry megabytes. Workers sharing it share the checks."""
    return FileSystemStorage(
        location=settings.IMPORT_STAGING_DIR, file_permissions_mode=0o600, directory_permissions_mode=0o700
    )


def stage(request, kind, data):
    """Keep the checked file for its commit, under a new random token that only this session holds."""
    storage = staging()
    too_old = timezone.now() - STAGED_FOR
    if storage.exists(""):
        for name in storage.listdir("")[1]:
            if storage.get_modified_time(name) < too_old:
                storage.delete(name)
    token = secrets.token_urlsafe(16)
    name = storage.save(f"{token}.csv", ContentFile(data))
    request.session[SESSION_KEY] = {"token": token, "kind": kind, "name": name}
    return token


def unstage(request):
    """Forget this session's checked file, if any: it was committed, or replaced by another check."""
    stored = request.session.pop(SESSION_KEY, None)
    if stored:
        staging().delete(stored["name"])


def staged(request):
    """(kind, data) of the file this session checked, if the form's token is its token and the file is still there."""
    stored = request.session.get(SESSION_KEY) or {}
    if not stored or stored.get("token") != request.POST.get("token"):
        return None, None
    storage = staging()
    if not storage.exists(stored["name"]):
        return None, None
    with storage.open(stored["name"]) as file:
        return stored["kind"], file.read(MAX_FILE_BYTES + 1)


def commit_import(request, context):
    kind, data = staged(request)
    if kind is None:
        messages.error(request, _("That check has expired or was replaced by another: upload the file again."))
        return redirect("admin:events_import")
    unstage(request)  # written or refused, this check is used up: a file with problems is corrected and checked again
    context["kind"] = kind
    try:
        csv_file = read_csv(data, IMPORTS[kind].required_columns)
        importer = IMPORTS[kind](csv_file.header)
        # Checked again: records may have changed since the dry run.
        written = importer.commit(csv_file.rows(), request.user)
    except ImportFileError as error:
        context.update(file_error=str(error), form=ImportForm())
        return TemplateResponse(request, "admin/events/import.html", context)
    except IntegrityError:
        context.update(
            file_error=_(
                "Someone saved a record that clashes with this file while it was being written: nothing was "
                "imported. Check the file again."
            ),
            form=ImportForm(),
        )
        return TemplateResponse(request, "admin/events/import.html", context)
    if importer.error_count:
        show(importer, context, csv_file.row_count)
        context["form"] = ImportForm()
        return TemplateResponse(request, "admin/events/import.html", context)
    messages.success(
        request,
        ngettext(
            "Imported %(count)d row (%(new)d new, %(updated)d updated).",
            "Imported %(count)d rows (%(new)d new, %(updated)d updated).",
            written,
        )
        % {"count": written, **importer.counts},
    )
    model = IMPORTS[kind].model
    return redirect(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))


QUALITY_LIST_LIMIT = 500


def quality_view(request, admin_site):
    """Records that need a reviewer's attention; one query per list whatever the number of rows, and two per chunk
    of sources for the quotes checked against the sources' kept copies."""
    require_reviewer(request)
    limit = QUALITY_LIST_LIMIT
    precise = [DatePrecision.DAY, DatePrecision.MONTH]
    lists = {
        "uncited_events": Event.objects.filter(citations__isnull=True).order_by("-date_sort", "-id")[:limit],
        "unquoted_citations": Citation.objects.filter(quote__regex=r"^\s*$")
        .select_related("event", "source")
        .order_by("-event__date_sort", "id")[:limit],
        "unused_sources": Source.objects.filter(citations__isnull=True).order_by("title")[:limit],
        "idle_organisations": Organisation.objects.filter(event_links__isnull=True).order_by("name")[:limit],
        "pinnable_events": Event.objects.filter(
            date_earliest_precision=DatePrecision.YEAR,
            date_latest_precision=DatePrecision.YEAR,
            pk__in=Citation.objects.filter(source__published_latest_precision__in=precise).values("event"),
        ).order_by("-date_sort", "-id")[:limit],
        "uncopied_sources": Source.objects.filter(copies__isnull=True).order_by("title")[:limit],
        "broken_source_links": LinkCheck.broken(Source.objects.all(), "url").order_by("link_broken_since", "title")[
            :limit
        ],
        "broken_captures": LinkCheck.broken(
            SourceCopy.objects.defer("text").select_related("source"), "archive_url"
        ).order_by("link_broken_since", "id")[:limit],
    }
    lists["missing_quotes"], quote_checked_sources = quotes_missing_from_copies(limit)
    context = {
        **admin_site.each_context(request),
        "title": _("Data quality"),
        "limit": limit,
        "quote_checked_sources": quote_checked_sources,
        "quote_check_source_limit": QUOTE_CHECK_SOURCE_LIMIT,
        **lists,
    }
    return TemplateResponse(request, "admin/events/quality.html", context)
