from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, linebreaks
from django.utils.translation import gettext_lazy as _
from django.utils.xmlutils import SimplerXMLGenerator

from civicspace.text import strip_control_characters
from civicspace.views import filter_errors_as_text, query_string_problem
from civicspace.vocabulary import SITE_NAME
from events.filters import EventFilter
from events.models import Event

FEED_LENGTH = 50


def with_query(path, filterset):
    query = filterset.data.urlencode() if filterset.is_bound else ""
    return f"{path}?{query}" if query else path


class ControlFreeXMLGenerator(SimplerXMLGenerator):
    """Takes out the control characters XML 1.0 cannot carry, where Django's generator fails: text stored before
    forms refused them (or written straight to the database) must not take the feed down."""

    def characters(self, content):
        super().characters(strip_control_characters(content) if content else content)

    def startElement(self, name, attrs):
        super().startElement(name, attrs and {key: strip_control_characters(value) for key, value in attrs.items()})


class ControlFreeAtom1Feed(Atom1Feed):
    def write(self, outfile, encoding):
        # Atom1Feed.write, with the generator above.
        handler = ControlFreeXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


class EventFeed(Feed):
    """The latest published events as Atom, filtered by the same query string as the events list."""

    feed_type = ControlFreeAtom1Feed
    title = _("Civic Space Tracker: latest published events")
    subtitle = _("Events that close civic space, each drawn from cited sources.")

    def __call__(self, request, *args, **kwargs):
        # Answer a bad filter as the CSV does, with a short text, rather than through the error handler and its log.
        try:
            return super().__call__(request, *args, **kwargs)
        except BadRequest as refusal:
            return HttpResponseBadRequest(str(refusal), content_type="text/plain; charset=utf-8")

    def get_object(self, request):
        problem = query_string_problem(request)
        if problem:
            raise BadRequest(problem)
        filterset = EventFilter(request.GET or None, queryset=Event.objects.public(), request=request)
        if filterset.is_bound and not filterset.is_valid():
            raise BadRequest(filter_errors_as_text(filterset))
        return filterset

    def link(self, filterset):
        return with_query(reverse("events:event-list"), filterset)

    def feed_url(self, filterset):
        return with_query(reverse("events:event-feed"), filterset)

    def items(self, filterset):
        # Newest to the public first: a reader follows what the tracker adds, whatever the events' own dates.
        return filterset.qs.order_by("-published_at", "-pk")[:FEED_LENGTH]

    def author_name(self):
        return SITE_NAME

    def item_author_name(self, event):
        # The tracker publishes each event (its editors are not named in public).
        return SITE_NAME

    def item_title(self, event):
        return f"{event.date}: {event.title}"

    def item_description(self, event):
        # Atom carries the summary as HTML, which readers render: the editors' text must arrive escaped. The date
        # comes first as the record states it, in words and in EDTF, which keeps its precision ("2024-03").
        date = format_html('<p><time datetime="{}">{}</time> ({})</p>', event.date.iso, event.date, event.date.edtf())
        return date + linebreaks(event.summary, autoescape=True)

    def item_pubdate(self, event):
        # When the public first saw it; an event published before that was recorded has only its last change (never
        # created_at, which for imported events is the import's time).
        return event.published_at or event.updated_at

    def item_updateddate(self, event):
        # Its last change, made public at once since the event is published; never before its publication.
        return max(event.updated_at, event.published_at or event.updated_at)

    def item_categories(self, event):
        return [event.get_event_type_display()]
