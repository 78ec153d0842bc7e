from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext_lazy as _

from civicspace.views import filter_errors_as_text, query_string_problem
from events.filters import EventFilter
from events.models import Event

FEED_LENGTH = 50


def with_query(path, filterset):
    query = filterset.data.urlencode() if filterset.is_bound else ""
    return f"{path}?{query}" if query else path


class EventFeed(Feed):
    """The latest published events as Atom, filtered by the same query string as the events list."""

    feed_type = Atom1Feed
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
        filterset = EventFilter(request.GET or None, queryset=Event.objects.published(), request=request)
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

    def item_title(self, event):
        return f"{event.date_display}: {event.title}"

    def item_description(self, event):
        # Atom carries the summary as HTML, which readers render: the editors' text must arrive escaped.
        return linebreaks(event.summary, autoescape=True)

    def item_pubdate(self, event):
        return event.published_at or event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_categories(self, event):
        return [event.get_event_type_display()]
