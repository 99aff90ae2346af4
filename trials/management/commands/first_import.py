"""A bounded first import for `make run`: today's registry trials beside the seed, in minutes.

Runs only while no import has finished (cleanly or at its time limit): the topic query,
fetched page by page until `--max-seconds` passes, with a progress line per page. A run
stopped at the limit is recorded `partial`, so the next `make sync` fetches the whole
query again. Never fails `make run`: an unreachable API, a running import or a failed
fetch each print one line and exit 0, and the site serves what it has.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from trials.ctgov.client import CtgovClient, CtgovError
from trials.ctgov.sync import QUERY, ImportRefused, RunOptions, run_import
from trials.models import ImportRun

# Small pages so a newcomer sees progress every few seconds, not one line at the end.
PAGE_SIZE = 100
# The reachability probe: one attempt, short timeouts, so an offline laptop waits seconds.
PROBE_TIMEOUTS = (5.0, 15.0)


class Command(BaseCommand):
    help = "Import the topic query from ClinicalTrials.gov once, within a time limit."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-seconds",
            type=float,
            default=120.0,
            help="stop fetching after this many seconds (between pages; default 120)",
        )

    def handle(self, *args, **opts):
        done = (ImportRun.Status.SUCCEEDED, ImportRun.Status.PARTIAL)
        if ImportRun.objects.filter(status__in=done).exists():
            self.stdout.write("Registry data already imported; `make sync` brings it up to date.")
            return
        query = settings.CTGOV_QUERY.strip()  # as `make sync` spells it: one checkpoint
        if not query:
            self.stdout.write("No first import: CTGOV_QUERY is empty; serving the seed data.")
            return
        deadline = time.monotonic() + opts["max_seconds"]
        if problem := self._unreachable():
            self.stdout.write(
                f"ClinicalTrials.gov cannot be reached at {settings.CTGOV_API_URL} ({problem}); "
                "serving the seed data."
            )
            return
        self.stdout.write(
            f"First import from ClinicalTrials.gov (at most {opts['max_seconds']:.0f} s)…"
        )
        options = RunOptions(mode=QUERY, query=query, deadline=deadline, page_size=PAGE_SIZE)
        try:
            summary = run_import(options, progress=self.stdout.write)
        except ImportRefused as exc:
            self.stdout.write(f"First import skipped: {exc}")
            return
        self.stdout.write(summary.line())
        if summary.status == ImportRun.Status.PARTIAL:
            self.stdout.write("Stopped at the time limit; `make sync` imports the rest.")
        elif summary.status == ImportRun.Status.FAILED:
            self.stdout.write(f"First import failed ({summary.error_text}); serving the seed.")

    def _unreachable(self) -> str:
        """Why the API cannot be reached, or "" when its /version answers."""
        connect, read = PROBE_TIMEOUTS
        client = CtgovClient(
            settings.CTGOV_API_URL,
            min_interval=0,
            retries=1,
            connect_timeout=connect,
            read_timeout=read,
        )
        try:
            with client:
                client.get_version()
        except CtgovError as exc:
            # "GET … failed after 1 attempts; last error: ConnectionError: …" -> "ConnectionError"
            return str(exc).rsplit("last error: ", 1)[-1].split(":", 1)[0][:80]
        return ""
