"""One import run: lock, run log row, checkpoint, fetch, upsert, progress, summary.

Status rules: a run is `succeeded` when every page was fetched; then (and only
then) its start moves the checkpoint of the default query sync. A study that
cannot be imported (schema drift, a malformed date, ...) is refused alone: it is
recorded with its error (RefusedStudy), the run still succeeds ("finished with N
studies refused") and every later query run fetches it again by its NCT id until
it imports, so one bad study never holds the checkpoint back. A failed fetch (or
an NCT id the registry does not know, in --nct mode) makes the run `failed`, and
the next run starts from the same checkpoint again. A run given a deadline
(`RunOptions.deadline`, the bounded first import) stops between pages when it
passes it and is recorded `partial`: it never moves the checkpoint, so the next
sync fetches the whole query again and completes it.

One run at a time: on PostgreSQL a session-level advisory lock held on a
connection of its own (it works across hosts sharing the database), and on every
database the `one_running_import` constraint on ImportRun. A `running` row whose
process died is stale: on PostgreSQL a run that gets the advisory lock knows no
other run is alive and closes it as failed; on SQLite `--force-unlock` does.
"""

import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from trials.ctgov.client import CtgovClient, CtgovError, Page
from trials.ctgov.refusals import record_refusals, retries
from trials.ctgov.run_lock import (
    ImportRefused,
    RunLock,
    close_stale,
    refuse_if_alive,
    running_message,
)
from trials.ctgov.sync_page import import_page
from trials.datacache import bump_data_version
from trials.models import ImportRun, Trial

logger = logging.getLogger(__name__)

QUERY, NCT, FILE = "query", "nct", "file"
MAX_LOG_LINES = 500


@dataclass
class RunOptions:
    mode: str = QUERY
    query: str = ""
    nct_ids: list[str] = field(default_factory=list)
    documents: list[tuple[str, list[dict]]] = field(default_factory=list)  # (name, studies)
    since: date | None = None
    full: bool = False
    dry_run: bool = False
    force: bool = False
    force_unlock: bool = False
    deadline: float | None = None  # time.monotonic() after which no further page is fetched
    page_size: int | None = None  # default: settings.CTGOV_PAGE_SIZE


@dataclass
class RunSummary:
    status: str = ImportRun.Status.RUNNING
    run_id: int | None = None
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    refused: int = 0
    off_topic: int = 0
    pages: int = 0
    flagged_missing: int = 0
    checkpoint: date | None = None
    data_timestamp: str = ""
    error_text: str = ""
    duration: float = 0.0
    stopped_early: bool = False  # the deadline passed before the last page
    log: list[str] = field(default_factory=list)
    changes: list[tuple[str, object]] = field(default_factory=list)  # (nct_id, FieldChange)
    refusals: list[tuple[str, str]] = field(default_factory=list)  # (nct_id or "", error)
    imported: set[str] = field(default_factory=set)  # seen and not refused

    def line(self, dry_run: bool = False) -> str:
        verb = "would be " if dry_run else ""
        text = (
            f"fetched {self.fetched:,}, {verb}created {self.created:,}, "
            f"{verb}updated {self.updated:,}, unchanged {self.unchanged:,}, "
            f"errors {self.errors:,}, refused {self.refused:,}, "
            f"off-topic drafts {self.off_topic:,}, {self.duration:.1f}s"
        )
        if dry_run:
            return f"Dry run, nothing written: {text}"
        return f"Import {self.status} (run {self.run_id}){self.refused_text}: {text}"

    @property
    def refused_text(self) -> str:
        if not self.refused:
            return ""
        return f", finished with {self.refused:,} stud{'y' if self.refused == 1 else 'ies'} refused"


def checkpoint_for(query: str, overlap_days: int) -> date | None:
    """Where an incremental sync of `query` starts: the last clean run's start minus overlap."""
    last = (
        ImportRun.objects.succeeded()
        .filter(mode=QUERY, query=query)
        .order_by("-started_at")
        .first()
    )
    if last is None:
        return None
    return timezone.localdate(last.started_at) - timedelta(days=overlap_days)


def build_client() -> CtgovClient:
    return CtgovClient(
        settings.CTGOV_API_URL,
        min_interval=settings.CTGOV_MIN_INTERVAL,
        retries=settings.CTGOV_RETRIES,
        backoff=settings.CTGOV_BACKOFF,
        connect_timeout=settings.CTGOV_CONNECT_TIMEOUT,
        read_timeout=settings.CTGOV_READ_TIMEOUT,
    )


def _start_run(options: RunOptions, now: datetime, lock: RunLock) -> tuple[ImportRun, list[str]]:
    notes = []
    if not lock.acquire():
        raise ImportRefused(running_message())
    if lock.connection is not None:
        notes += close_stale(now, "its process ended without finishing (the run lock was free)")
    elif options.force_unlock:
        refuse_if_alive()
        notes += close_stale(now, "closed by --force-unlock")
    run = ImportRun(
        pid=os.getpid(),
        host=socket.gethostname()[:255],
        started_at=now,
        mode=options.mode,
        query=options.query if options.mode == QUERY else " ".join(options.nct_ids),
        full=options.full,
        checkpoint_used=options.since,
        log="\n".join(notes),
    )
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:
        lock.release()
        hint = " If no import process is alive, rerun with --force-unlock."
        raise ImportRefused(running_message(hint)) from None
    return run, notes


def run_import(options: RunOptions, progress: Callable[[str], None] = lambda line: None):
    """Run one import and return its RunSummary (status succeeded or failed).

    Raises ImportRefused, before writing anything, if another run holds the lock.
    """
    started, now = time.monotonic(), timezone.now()
    summary = RunSummary()
    if options.mode == QUERY and not options.full and options.since is None:
        options.since = checkpoint_for(options.query, settings.CTGOV_OVERLAP_DAYS)
    summary.checkpoint = options.since
    lock, run = RunLock(), None
    if not options.dry_run:
        run, notes = _start_run(options, now, lock)
        summary.run_id = run.pk
        summary.log += notes
    try:
        _import(options, summary, run, now, progress)
    except CtgovError as exc:
        summary.error_text = str(exc)
        summary.log.append(f"fetch failed: {exc}")
    except Exception as exc:  # a bug must still close the run as failed
        logger.exception("import run crashed")
        summary.error_text = f"{type(exc).__name__}: {exc}"
        summary.log.append(f"run crashed: {summary.error_text}")
        raise
    finally:
        failed = summary.errors or summary.error_text
        if not summary.error_text and summary.errors:
            summary.error_text = f"{summary.errors} studies could not be imported; see the log"
        summary.status = (
            ImportRun.Status.FAILED
            if failed
            else ImportRun.Status.PARTIAL
            if summary.stopped_early
            else ImportRun.Status.SUCCEEDED
        )
        summary.duration = time.monotonic() - started
        if run is not None:
            record_refusals(run, summary, now)
            # Each page refreshed its trials' facet rows; the stamps and missing flags
            # written by bulk UPDATEs still have to reach cached pages.
            bump_data_version()
            _save_run(run, summary, finished=True)
        lock.release()
        _log_summary(options, summary)
    return summary


def _log_summary(options: RunOptions, summary: RunSummary) -> None:
    """One structured line per run for the operator's logs (errors at ERROR level)."""
    level = logging.ERROR if summary.status == ImportRun.Status.FAILED else logging.INFO
    fields = ("fetched", "created", "updated", "unchanged", "errors", "pages", "run_id")
    # Prefixed: "created" is already a LogRecord attribute.
    extra = {f"import_{name}": getattr(summary, name) for name in fields}
    extra |= {
        "status": str(summary.status),
        "mode": options.mode,
        "dry_run": options.dry_run,
        "duration_s": round(summary.duration, 2),
    }
    if summary.error_text:
        extra["error"] = summary.error_text[:500]
    logger.log(level, "import finished", extra=extra)


def _save_run(run: ImportRun, summary: RunSummary, finished: bool = False) -> None:
    counts = (
        "fetched",
        "created",
        "updated",
        "unchanged",
        "errors",
        "refused",
        "off_topic",
        "pages",
    )
    for name in counts:
        setattr(run, name, getattr(summary, name))
    run.data_timestamp = summary.data_timestamp[:40]
    lines = summary.log
    if len(lines) > MAX_LOG_LINES:
        lines = lines[:MAX_LOG_LINES] + [f"… {len(lines) - MAX_LOG_LINES} more lines"]
    run.log = "\n".join(lines)
    if finished:
        run.status, run.finished_at = summary.status, timezone.now()
        run.error_text = summary.error_text
    run.save()


def _pages(options: RunOptions, summary: RunSummary, seen: set[str]) -> Iterator[Page]:
    """The pages of studies to import, from the API or from saved documents."""
    if options.mode == FILE:
        for number, (name, studies) in enumerate(options.documents, start=1):
            summary.log.append(f"file {name}: {len(studies)} studies")
            yield Page(number, studies, None, None)
        return
    with build_client() as client:
        try:
            summary.data_timestamp = str(client.get_version().get("dataTimestamp") or "")
        except CtgovError as exc:
            # The data is still worth importing; only the "as of" date is missing.
            summary.log.append(f"could not read /version: {exc}")
        if options.mode == NCT:
            yield from _by_ids(client, options.nct_ids, summary)
            return
        yield from client.iter_pages(
            query_intr=options.query,
            since=options.since,
            page_size=options.page_size or settings.CTGOV_PAGE_SIZE,
        )
        # Lazily: by now `seen` holds every study of the query's pages.
        yield from retries(client, summary, seen)


def _by_ids(client: CtgovClient, nct_ids: list[str], summary: RunSummary) -> Iterator[Page]:
    """The studies of --nct, a page size of ids per `filter.ids` request; an id the
    registry does not know (as an NCT id or an alias) fails the run."""
    size = settings.CTGOV_PAGE_SIZE
    found: set[str] = set()
    for start in range(0, len(nct_ids), size):
        for page in client.iter_pages(nct_ids=nct_ids[start : start + size], page_size=size):
            for record in page.studies:
                ident = record.get("protocolSection", {}).get("identificationModule", {})
                found.update([ident.get("nctId"), *(ident.get("nctIdAliases") or [])])
            yield page
    for nct_id in nct_ids:
        if nct_id not in found:
            summary.errors += 1
            summary.log.append(f"{nct_id}: not found in ClinicalTrials.gov")


def _import(options, summary: RunSummary, run, now, progress) -> None:
    seen: set[str] = set()
    total = None
    pages = _pages(options, summary, seen)
    for page in pages:
        total = page.total_count if page.total_count is not None else total
        import_page(page.studies, options, summary, run, now, seen)
        summary.pages += 1
        if options.mode == QUERY:
            done = f"{len(seen):,}/{total:,}" if total is not None else f"{len(seen):,}"
            progress(f"page {page.number}: {len(page.studies):,} studies, {done}")
        if run is not None:
            _save_run(run, summary)  # progress visible in the admin while running
        if options.deadline is not None and time.monotonic() >= options.deadline:
            summary.stopped_early = True
            summary.log.append(f"stopped at the time limit after {summary.pages} pages")
            pages.close()  # ends the API session now, not at garbage collection
            return
    if options.mode == QUERY and options.full and not summary.errors:
        if not seen:
            # An empty answer more likely means a broken query than an empty registry.
            summary.log.append("full run found no studies; nothing flagged as missing")
            return
        refused = {nct_id for nct_id, _ in summary.refusals if nct_id}
        summary.flagged_missing = _flag_missing(seen, now, options.dry_run, refused)
        if summary.flagged_missing:
            summary.log.append(
                f"{summary.flagged_missing} trials no longer match the query; flagged, not deleted"
            )


def _flag_missing(seen: set[str], now: datetime, dry_run: bool, refused: set[str]) -> int:
    """Mark imported trials a full run no longer found; never delete them.

    Every study the run found was stamped `last_checked_at = now` (the run's
    start), so what is older went missing: one UPDATE, however many trials.
    Refused studies were found but not stamped, so they are left alone.
    """
    gone = Trial.objects.filter(
        last_imported_at__isnull=False, missing_from_registry_since__isnull=True
    )
    if dry_run:  # nothing was stamped
        return gone.exclude(nct_id__in=seen).count()
    stale = Q(last_checked_at__lt=now) | Q(last_checked_at__isnull=True)
    return gone.filter(stale).exclude(nct_id__in=refused).update(missing_from_registry_since=now)
