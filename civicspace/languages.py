"""The language is in the address: English unprefixed (``/events/``), French under ``/fr/`` (``/fr/events/``).

One address means one language for everyone, so a shared or bookmarked link, a search engine and a cache all see the
page the sender saw; a cookie or the browser's Accept-Language never turns ``/events/`` into French. The admin, which
is not a public page and has no prefix, still follows the editor's browser.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse, translate_url
from django.utils import translation

# OpenGraph names a language with its region (og:locale).
OPENGRAPH_LOCALES = {"en": "en_GB", "fr": "fr_FR"}


class AddressLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (the prefix decides; no prefix is the default language), except in the admin."""

    def process_request(self, request):
        if in_admin(request):
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
        else:
            super().process_request(request)

    def process_response(self, request, response):
        if in_admin(request):
            return super().process_response(request, response)
        # Django's would add "Vary: Accept-Language" to every address without a prefix; here the address alone
        # decides, so a cache may keep one copy of each page for every reader.
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def in_admin(request):
    return request.path_info.startswith(f"/{settings.ADMIN_PATH}")


def reverse_neutral(name, **kwargs):
    """The address of a page that is the same in every language (an export): the unprefixed one."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name, **kwargs)


def language_neutral(view):
    """For CSV and JSON exports, whose columns and values do not depend on the language: ``/fr/events.csv`` moves for
    good to ``/events.csv``, so that each export has one address (and its rows' links are the unprefixed pages)."""

    @wraps(view)
    def unprefixed(request, *args, **kwargs):
        language = translation.get_language_from_path(request.path_info)
        if language:
            return HttpResponsePermanentRedirect(request.get_full_path().replace(f"/{language}/", "/", 1))
        return view(request, *args, **kwargs)

    return unprefixed


def page_languages(request):
    """Context processor: ``page_languages``, each language's name, code and address of this page (the footer's
    switch, ``<link rel="alternate" hreflang>``), and ``canonical_url``, this page's own absolute address."""
    match = request.resolver_match
    if match is None or not match.url_name or "admin" in match.namespaces:
        return {}
    current = translation.get_language()
    entries = []
    for code, _name in settings.LANGUAGES:
        # Django's own: the page's address reversed in ``code``, with its query string (the filters).
        path = translate_url(request.get_full_path(), code)
        info = translation.get_language_info(code)
        entries.append(
            {
                "code": code,
                "name": info["name_local"],
                "path": path,
                "url": request.build_absolute_uri(path),
                "current": code == current,
                "default": code == settings.LANGUAGE_CODE,
                "opengraph_locale": OPENGRAPH_LOCALES.get(code, code),
            }
        )
    canonical = next((entry["url"] for entry in entries if entry["current"]), None)
    return {"page_languages": entries, "canonical_url": canonical}
