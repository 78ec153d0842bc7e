import time

from django.conf import settings
from django.core.management.base import BaseCommand

from events.linkcheck import due_urls, fetch_status, forget_unlinked, is_answer, record_check


class Command(BaseCommand):
    help = (
        "Check that sources' links and their web-archive captures still answer, those checked longest ago first, "
        "and record when one stops answering (listed on the admin's data-quality page)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="Check at most this many links (default 500).")
        parser.add_argument("--timeout", type=float, default=10, help="Seconds to wait for an answer (default 10).")
        parser.add_argument(
            "--pause", type=float, default=1, help="Seconds to wait between two requests, to be polite (default 1)."
        )

    def handle(self, *args, limit, timeout, pause, **options):
        forget_unlinked()
        urls = due_urls(limit)
        broken = 0
        for number, url in enumerate(urls):
            if number and pause > 0:
                time.sleep(pause)
            status_code, problem = fetch_status(url, timeout, settings.TRACKER_LINK_CHECK_USER_AGENT)
            record_check(url, status_code, problem)
            if not is_answer(status_code):
                broken += 1
                self.stdout.write(f"{url}: {problem}")
            elif options["verbosity"] > 1:
                self.stdout.write(f"{url}: {status_code}")
        self.stdout.write(f"Checked {len(urls)} links: {broken} did not answer.")
