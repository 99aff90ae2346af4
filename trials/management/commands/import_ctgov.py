"""Import trials from ClinicalTrials.gov (API v2): incremental, idempotent, curation-safe."""

import json
import logging
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trials.ctgov.parse import NCT_ID, ParseError, studies_in_document
from trials.ctgov.sync import FILE, NCT, QUERY, ImportRefused, RunOptions, run_import


def _since(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--since {text!r} is not a date in the form YYYY-MM-DD") from None


def _read_documents(paths: list[str]) -> list[tuple[str, list[dict]]]:
    """Every file read and checked before anything is imported: one bad file, no import."""
    documents = []
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}") from None
        try:
            documents.append((path, studies_in_document(data, path)))
        except ParseError as exc:
            raise CommandError(f"{exc}; nothing was imported") from None
    return documents


class Command(BaseCommand):
    help = (
        "Import MDMA trials from the ClinicalTrials.gov API v2. By default fetches what "
        "changed since the last clean run (minus an overlap) for the configured query."
    )

    def add_arguments(self, parser):
        parser.add_argument("--query", help="query.intr search terms (default: CTGOV_QUERY)")
        parser.add_argument("--nct", nargs="+", metavar="NCT_ID", help="import these studies")
        parser.add_argument("--since", type=_since, help="only studies updated since YYYY-MM-DD")
        parser.add_argument("--full", action="store_true", help="ignore the checkpoint")
        parser.add_argument(
            "--from-file", nargs="+", metavar="PATH", dest="files", help="saved API v2 JSON"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="re-apply records even if unchanged (after removing a field lock)",
        )
        parser.add_argument(
            "--force-unlock",
            action="store_true",
            help="close a stale 'running' import left by a dead process, then run",
        )

    def handle(self, *args, **opts):
        logger = logging.getLogger("trials.ctgov")
        level = logger.level
        if opts["verbosity"] == 0:
            # Quiet for cron: only failures reach the mail.
            logger.setLevel(logging.ERROR)
        try:
            self._run(opts)
        finally:
            logger.setLevel(level)

    def _run(self, opts):
        verbosity = opts["verbosity"]
        options = self._options(opts)

        def progress(line: str) -> None:
            if verbosity >= 1:
                self.stderr.write(line)

        try:
            summary = run_import(options, progress)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        if verbosity >= 2:
            for line in summary.log:
                self.stderr.write(line)
            for nct_id, change in summary.changes:
                held = "" if change.applied else " (locked; not applied)"
                line = f"{nct_id} {change.field}: {change.old!r} -> {change.new!r}{held}"
                self.stdout.write(line)
        if summary.status != "succeeded":
            raise CommandError(f"{summary.line()}: {summary.error_text}")
        if verbosity >= 1:
            self.stdout.write(summary.line(dry_run=options.dry_run))
        elif summary.refused:
            # Even a quiet (cron) run says so: refused studies need an editor's look.
            self.stderr.write(summary.line(dry_run=options.dry_run))

    def _options(self, opts) -> RunOptions:
        chosen = [name for name in ("nct", "files") if opts[name]]
        if len(chosen) > 1:
            raise CommandError("use either --nct or --from-file, not both")
        if chosen and (opts["query"] or opts["since"] or opts["full"]):
            raise CommandError("--query, --since and --full apply to a query sync only")
        if opts["since"] and opts["full"]:
            raise CommandError("--since and --full contradict each other; give one")
        common = {
            "dry_run": opts["dry_run"],
            "force": opts["force"],
            "force_unlock": opts["force_unlock"],
        }
        if opts["nct"]:
            ids = [n.strip().upper() for n in opts["nct"]]
            if bad := [n for n in ids if not NCT_ID.match(n)]:
                raise CommandError(f"not an NCT id: {', '.join(bad)} (expected 'NCT' and 8 digits)")
            return RunOptions(mode=NCT, nct_ids=list(dict.fromkeys(ids)), **common)
        if opts["files"]:
            return RunOptions(mode=FILE, documents=_read_documents(opts["files"]), **common)
        query = (opts["query"] or settings.CTGOV_QUERY).strip()
        if not query:
            raise CommandError("the query is empty; set CTGOV_QUERY or pass --query")
        return RunOptions(mode=QUERY, query=query, since=opts["since"], full=opts["full"], **common)
