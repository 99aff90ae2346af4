"""The one-run-at-a-time lock of the import and what it does with stale runs.

On PostgreSQL a session-level advisory lock held on a connection of its own (it works
across hosts sharing the database); on every database the `one_running_import`
constraint on ImportRun. `--force-unlock` never closes the run of a live process.
"""

import logging
import os
import socket
from datetime import datetime

from django.db import DatabaseError, connections

from trials.models import ImportRun

logger = logging.getLogger(__name__)

# Any fixed 64-bit number works; it only has to be the same for every import process.
ADVISORY_LOCK_KEY = 0x4D444D41_43544756  # "MDMACTGV"


class ImportRefused(Exception):
    """The run did not start (another is running); nothing was written."""


class RunLock:
    """The PostgreSQL advisory lock, on a connection of its own (no-op elsewhere)."""

    def __init__(self):
        self.connection = None

    def acquire(self) -> bool:
        if connections["default"].vendor != "postgresql":
            return True
        self.connection = connections.create_connection("default")
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            got_it = cursor.fetchone()[0]
        if not got_it:
            self.release()
        return got_it

    def release(self) -> None:
        if self.connection is None:
            return
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        except DatabaseError:
            logger.exception("could not release the import lock (closing its session frees it)")
        finally:
            self.connection.close()
            self.connection = None


def running_message(extra: str = "") -> str:
    running = ImportRun.objects.filter(status=ImportRun.Status.RUNNING).first()
    since = ""
    if running:
        since = f" since {running.started_at:%Y-%m-%d %H:%M:%S %Z} (run {running.pk})"
    return f"another import is running{since}; exiting.{extra}"


def close_stale(now: datetime, why: str) -> list[str]:
    lines = []
    for stale in ImportRun.objects.filter(status=ImportRun.Status.RUNNING):
        stale.status, stale.finished_at = ImportRun.Status.FAILED, now
        stale.error_text = f"abandoned: {why}"
        stale.save(update_fields=["status", "finished_at", "error_text"])
        started = f"{stale.started_at:%Y-%m-%d %H:%M}"
        lines.append(f"closed stale run {stale.pk} (started {started}): {why}")
    return lines


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host (signal 0 only checks)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def refuse_if_alive() -> None:
    """--force-unlock must never close the run of a process that is still working."""
    host = socket.gethostname()
    for running in ImportRun.objects.filter(status=ImportRun.Status.RUNNING):
        if running.pid and running.host == host and process_alive(running.pid):
            raise ImportRefused(
                f"not unlocking: run {running.pk} is still alive (process {running.pid} "
                f"on {host}, started {running.started_at:%Y-%m-%d %H:%M:%S %Z}); exiting."
            )
