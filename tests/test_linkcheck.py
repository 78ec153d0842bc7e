"""The link checker, against an HTTP server on 127.0.0.1 run by the test: never the internet."""

import datetime
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events.linkcheck import fetch_status
from events.models import LinkCheck
from tests.factories import SourceCopyFactory, SourceFactory

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    """Answers each path with the status the test set in ``server.statuses``; redirects ``/moved``."""

    def do_GET(self):
        self.server.requests.append((self.path, self.headers["User-Agent"]))
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/page")
        else:
            self.send_response(self.server.statuses.get(self.path, 404))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.statuses, server.requests = {"/page": 200}, []
    # A short poll interval lets shutdown() return at once rather than after half a second.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def check_links(**options):
    call_command("check_links", pause=0, timeout=2, **options)


def test_a_link_that_answers_is_recorded_as_answering(site, settings):
    settings.TRACKER_LINK_CHECK_USER_AGENT = "TestTracker/1.0 (+https://tracker.example.org/contact)"
    source = SourceFactory(url=f"{site.url}/page")

    check_links()

    check = LinkCheck.objects.get(url=source.url)
    assert (check.status_code, check.problem, check.broken_since) == (200, "", None)
    assert check.answered_at == check.checked_at
    assert site.requests == [("/page", "TestTracker/1.0 (+https://tracker.example.org/contact)")]


def test_a_redirect_is_followed_to_the_page_it_names(site):
    source = SourceFactory(url=f"{site.url}/moved")

    check_links()

    assert LinkCheck.objects.get(url=source.url).status_code == 200


def test_a_link_that_stops_answering_is_recorded_since_its_first_failure_until_it_answers_again(site):
    source = SourceFactory(url=f"{site.url}/page")
    check_links()
    answered = LinkCheck.objects.get().answered_at

    site.statuses["/page"] = 404
    check_links()
    first_failure = LinkCheck.objects.get().checked_at
    site.statuses["/page"] = 503
    check_links()

    check = LinkCheck.objects.get(url=source.url)
    assert (check.status_code, check.problem) == (503, "HTTP 503 Service Unavailable")
    assert check.broken_since == first_failure
    assert check.answered_at == answered

    site.statuses["/page"] = 200
    check_links()
    check.refresh_from_db()
    assert check.broken_since is None and check.answered_at == check.checked_at


def test_a_web_archive_capture_is_checked_like_a_link(site):
    copy = SourceCopyFactory(archive_url=f"{site.url}/gone")

    check_links()

    check = LinkCheck.objects.get(url=copy.archive_url)
    assert check.status_code == 404 and check.broken_since is not None


def test_a_server_that_refuses_the_connection_is_recorded_with_no_status():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    source = SourceFactory(url=f"http://127.0.0.1:{port}/page")

    check_links()

    check = LinkCheck.objects.get(url=source.url)
    assert check.status_code is None and check.broken_since is not None
    assert "refused" in check.problem.lower()


def test_a_server_that_never_answers_times_out():
    # Connections wait in the listening socket's backlog: accepted by the system, never answered.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]

        status, problem = fetch_status(f"http://127.0.0.1:{port}/", timeout=0.2, user_agent="test")

    assert (status, problem) == (None, "no answer within 0.2 s")


def test_only_http_and_https_links_are_fetched():
    assert fetch_status("file:///etc/passwd", timeout=1, user_agent="test") == (
        None,
        "only http and https links are checked",
    )


def test_the_links_checked_longest_ago_go_first_and_the_limit_holds(site):
    oldest, latest = SourceFactory(url=f"{site.url}/page"), SourceFactory(url=f"{site.url}/other")
    long_ago = timezone.now() - datetime.timedelta(days=30)
    LinkCheck.objects.create(url=oldest.url, checked_at=long_ago, status_code=200, answered_at=long_ago)
    LinkCheck.objects.create(url=latest.url, checked_at=timezone.now(), status_code=200, answered_at=long_ago)
    SourceFactory(url=f"{site.url}/new")  # never checked

    check_links(limit=2)

    assert sorted(path for path, _agent in site.requests) == ["/new", "/page"]
    assert LinkCheck.objects.get(url=latest.url).status_code == 200  # not checked this time: it would be 404


def test_the_check_of_a_link_no_source_gives_any_more_is_dropped(site):
    source = SourceFactory(url=f"{site.url}/page")
    check_links()
    source.url = f"{site.url}/moved"
    source.save()

    check_links()

    assert list(LinkCheck.objects.values_list("url", flat=True)) == [source.url]


def test_a_check_neither_changes_the_source_nor_adds_to_its_history(site):
    source = SourceFactory(url=f"{site.url}/gone")
    version, history = source.version, source.history.count()

    check_links()

    source.refresh_from_db()
    assert (source.version, source.history.count()) == (version, history)


def test_the_data_quality_page_lists_links_that_stopped_answering(site, reviewer_client):
    broken = SourceFactory(title="Taken down", url=f"{site.url}/gone")
    SourceFactory(title="Still there", url=f"{site.url}/page")
    capture = SourceCopyFactory(source__title="Capture lost", archive_url=f"{site.url}/capture")
    check_links()

    response = reviewer_client.get(reverse("admin:events_quality"))

    assert list(response.context["broken_source_links"]) == [broken]
    assert list(response.context["broken_captures"]) == [capture]
    text = response.content.decode()
    assert "Taken down" in text and "answered HTTP 404" in text and capture.archive_url in text
    assert "Still there" not in text.split('id="broken-links"')[1]
