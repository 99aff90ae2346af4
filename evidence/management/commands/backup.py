"""Write a backup: a consistent database dump and a portable curated-data export."""

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evidence.backups import CURATED_EXPORT, BackupError, dump_database, export_curated


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc on PostgreSQL, the online backup API on SQLite) "
        "and export the curated data as portable JSON, into a new timestamped folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default="backups", help="parent folder (default: backups)")

    def handle(self, *args, **opts):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = Path(opts["dir"]) / stamp
        try:
            target.mkdir(parents=True, exist_ok=False)
        except OSError as exc:
            raise CommandError(f"cannot create {target}: {exc.strerror or exc}") from None
        try:
            dump = dump_database(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        export_curated(target / CURATED_EXPORT)
        if opts["verbosity"] > 0:
            self.stdout.write(f"Backup written to {target}: {dump.name}, {CURATED_EXPORT}")
