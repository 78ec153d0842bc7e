"""Template helpers for the public pages: links that keep the query string."""

from django import template

from civicspace.pagination import CURSOR_PARAMETER
from civicspace.views import without_paging

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with ``changes`` applied (a value of None removes the parameter).

    Any change but a page's starts the list from its first page: a cursor belongs to one order and one filter.
    """
    query = context["request"].GET.copy()
    if CURSOR_PARAMETER not in changes:
        query = without_paging(query)
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return "?" + query.urlencode()
