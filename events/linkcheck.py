"""Whether the addresses that sources and their kept copies give still answer, and since when one does not."""

import http.client
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.utils import timezone

from events.models import LinkCheck, Source, SourceCopy

CHECKED_SCHEMES = ("http", "https")


def linked_urls():
    """Every http(s) address that a source (its link) or a kept copy (its web-archive capture) gives."""
    urls = set(Source.objects.exclude(url="").values_list("url", flat=True))
    urls |= set(SourceCopy.objects.exclude(archive_url="").values_list("archive_url", flat=True))
    return {url for url in urls if urlsplit(url).scheme.lower() in CHECKED_SCHEMES}


def forget_unlinked():
    """Drop the checks of addresses that no source or copy gives any more."""
    LinkCheck.objects.exclude(url__in=Source.objects.values("url")).exclude(
        url__in=SourceCopy.objects.values("archive_url")
    ).delete()


def due_urls(limit):
    """The ``limit`` addresses to check next: those never checked, then those checked longest ago."""
    last_checked = dict(LinkCheck.objects.values_list("url", "checked_at"))
    return sorted(linked_urls(), key=lambda url: (url in last_checked, last_checked.get(url), url))[:limit]


def fetch_status(url, timeout, user_agent):
    """(HTTP status, problem) of a GET of ``url``, following redirects; the status is None when nothing answered.
    Only the headers are read, never the body."""
    if urlsplit(url).scheme.lower() not in CHECKED_SCHEMES:
        return None, "only http and https links are checked"
    # The scheme is checked above: no file: or other local opener is reached (S310).
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept": "*/*"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, f"HTTP {error.code} {error.reason}"[:300]
    except TimeoutError:
        return None, f"no answer within {timeout:g} s"
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return None, f"no answer within {timeout:g} s"
        return None, str(error.reason)[:300]
    except (OSError, http.client.HTTPException, ValueError) as error:
        return None, (str(error) or type(error).__name__)[:300]


def is_answer(status_code):
    return status_code is not None and status_code < 400


def record_check(url, status_code, problem, now=None):
    """Keep what one check of ``url`` saw; ``broken_since`` is the first failure since it last answered."""
    now = now or timezone.now()
    check = LinkCheck.objects.filter(url=url).first() or LinkCheck(url=url)
    check.checked_at, check.status_code, check.problem = now, status_code, problem
    if is_answer(status_code):
        check.answered_at, check.broken_since = now, None
    elif check.broken_since is None:
        check.broken_since = now
    check.save()
    return check
