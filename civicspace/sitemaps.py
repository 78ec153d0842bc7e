"""``/sitemap.xml`` (an index of sections, each in pages of ``LIMIT`` addresses) and ``/robots.txt``.

Every record comes from its model's ``public()``, in both languages, each address with its alternates; a person is
listed by their public address only (``Person.get_absolute_url``: a pseudonym's slug, never a protected name's).
"""

import math

from django.conf import settings
from django.contrib import sitemaps
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from events.models import Event, Source
from organisations.models import Organisation, Person

# Well under the protocol's 50,000 addresses a file, so that a page of the sitemap is quick to build and to read.
LIMIT = 5000


class EachLanguage:
    """The (record, language) pairs Django's i18n sitemap pages through, read a slice at a time from the queryset.

    Django's own ``Sitemap._items`` builds the list of every pair, loading every record for each page of the sitemap.
    """

    def __init__(self, queryset, languages):
        self.queryset, self.languages = queryset, languages

    def count(self):
        return self.queryset.count() * len(self.languages)

    def __getitem__(self, pairs):
        size = len(self.languages)
        first, stop = pairs.start // size, math.ceil(pairs.stop / size)
        records = self.queryset[first:stop]
        every = [(record, language) for record in records for language in self.languages]
        return every[pairs.start - first * size : pairs.stop - first * size]


class PublicSitemap(sitemaps.Sitemap):
    i18n = True
    alternates = True
    limit = LIMIT

    def _items(self):
        return EachLanguage(self.items(), self._languages())

    def _urls(self, page, protocol, domain):
        # x-default is the default language's address. Django's own (x_default = True) takes the prefix out of it
        # with a text replace, which would also cut "/en/" out of a record whose slug is "en".
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            default = [entry for entry in url["alternates"] if entry["lang_code"] == settings.LANGUAGE_CODE]
            url["alternates"] += [{"location": entry["location"], "lang_code": "x-default"} for entry in default]
        return urls


class RecordSitemap(PublicSitemap):
    """One model's public records, ``fields`` read (what the address and the date need), ``pk`` order."""

    model = None
    fields = ("pk",)

    def items(self):
        return self.model.objects.public().only(*self.fields, "updated_at").order_by("pk")

    def lastmod(self, record):
        return record.updated_at

    def get_latest_lastmod(self):
        # One query, where Django's would read every record.
        return self.model.objects.public().aggregate(latest=Max("updated_at"))["latest"]


class EventSitemap(RecordSitemap):
    model = Event


class OrganisationSitemap(RecordSitemap):
    model = Organisation
    fields = ("pk", "slug")


class PersonSitemap(RecordSitemap):
    model = Person
    fields = ("pk", "slug", "protection", "pseudonym_slug")


class SourceSitemap(RecordSitemap):
    model = Source


class PageSitemap(PublicSitemap):
    """The lists and the types' definitions."""

    def items(self):
        return [
            "events:timeline",
            "events:event-list",
            "organisations:organisation-list",
            "organisations:person-list",
            "events:source-list",
            "events:types",
        ]

    def _items(self):
        return [(name, language) for name in self.items() for language in self._languages()]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "events": EventSitemap,
    "organisations": OrganisationSitemap,
    "people": PersonSitemap,
    "sources": SourceSitemap,
}

# Exports are for people who ask for them: a crawler following every filter's CSV and JSON (and the suggestions'
# JSON) would download the whole record again and again. Filtered lists stay open: they answer questions.
ROBOTS_DISALLOW = ["/*.csv", "/*.json", "/i18n/"]
# The admin's default address is no secret, so it is named; a path of its own (DJANGO_ADMIN_PATH) is not published
# here, where anyone could read it.
DEFAULT_ADMIN_PATH = "admin/"


@require_GET
@cache_control(public=True, max_age=24 * 60 * 60)
def robots_txt(request):
    disallowed = [*ROBOTS_DISALLOW, *([f"/{DEFAULT_ADMIN_PATH}"] if settings.ADMIN_PATH == DEFAULT_ADMIN_PATH else [])]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed), "Allow: /", ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
