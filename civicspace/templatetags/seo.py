"""What a page says about itself to search engines and to sites it is shared on: description, canonical address,
its other languages, OpenGraph and schema.org data. Every value comes from what the page itself shows."""

import html
import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from civicspace.vocabulary import SITE_NAME

register = template.Library()

DESCRIPTION_LENGTH = 200
# As Django's json_script: inside <script>, "</script>" or "<!--" in a value would end or change the element.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def one_line(text, length=DESCRIPTION_LENGTH):
    """Plain text on one line, cut at ``length``; the template escapes it once."""
    if isinstance(text, SafeData):
        # HTML already (blocktranslate's asvar escapes what it inserts): back to the text it shows.
        text = html.unescape(strip_tags(text))
    return Truncator(" ".join(str(text).split())).chars(length)


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta(context, title="", description="", kind="website", structured_data=None):
    """The head's description, canonical and alternate links, OpenGraph tags, feed link and JSON-LD."""
    request = context["request"]
    languages = context.get("page_languages", [])
    site = str(SITE_NAME)
    feed_url = context.get("feed_url") or reverse("events:event-feed")
    query = context.get("query", "") if context.get("feed_url") else ""
    return {
        "title": f"{title} · {site}" if title else site,
        "description": one_line(description or _("An open record of how states close civic space, event by event.")),
        "kind": kind,
        "site": site,
        "canonical_url": context.get("canonical_url"),
        "page_languages": languages,
        "feed_url": request.build_absolute_uri(f"{feed_url}?{query}" if query else feed_url),
        "structured_data": structured_data,
    }


@register.filter
def ld_json(data):
    """``data`` as the body of a ``<script type="application/ld+json">``: JSON that cannot close the element."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_ESCAPES))  # noqa: S308


@register.simple_tag(takes_context=True)
def list_description(context):
    """What a list shows: how many records match and the filters that chose them (their labels, as on the page)."""
    count = context.get("result_count")
    if count is None or getattr(context.get("filter"), "errors", None):
        return ""
    one = count.exact and count.value == 1
    records = context.get("noun_singular" if one else "noun_plural", "")
    if count.exact:
        number = f"{count.value}"
    elif count.value:
        number = _("about %(number)s") % {"number": count.value}
    else:
        number = _("more than %(number)s") % {"number": count.more_than}
    described = _("%(number)s %(records)s in the Civic Space Tracker") % {"number": number, "records": records}
    active = context.get("active_filters") or []
    if active:
        chosen = "; ".join(_("%(label)s: %(value)s") % entry for entry in active)
        described = _("%(described)s, filtered by %(filters)s") % {"described": described, "filters": chosen}
    return described + "."
