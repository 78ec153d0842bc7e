"""Checks every admin request goes through before its view runs."""

from django.core.exceptions import BadRequest

from civicspace.text import holds_null_character


class AdminNullCharacterMiddleware:
    """Answer 400 to an admin request whose query string or form data holds U+0000, before any view sees it.

    PostgreSQL can neither store nor compare it, so a search, a filter, an autocomplete term or a form field holding
    one would otherwise fail there with a 500; no field in the tracker needs it. (The public lists refuse it with
    their own message: ``civicspace.views.query_string_problem``.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "admin" not in request.resolver_match.namespaces:
            return None
        if holds_null_character(request.GET) or (request.method == "POST" and holds_null_character(request.POST)):
            raise BadRequest("A null character in an admin request.")
        return None
