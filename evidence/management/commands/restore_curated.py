"""Load a curated-data export (from `backup`) into a fresh, migrated database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evidence.backups import curated_counts, restore_curated
from trials.models import Trial


class Command(BaseCommand):
    help = (
        "Load curated.json written by `manage.py backup` into a fresh database "
        "(run `migrate` first). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the curated.json of a backup")

    def handle(self, *args, **opts):
        path = Path(opts["path"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        if Trial.objects.exists():
            raise CommandError(
                "this database already holds trials; restore into a fresh database "
                "(create it, run `migrate`, then this command). Nothing was changed."
            )
        try:
            restore_curated(path)
        except Exception as exc:  # loaddata raises many types; the transaction rolled back
            raise CommandError(f"restore failed, nothing was changed: {exc}") from exc
        if opts["verbosity"] > 0:
            total = sum(curated_counts().values())
            self.stdout.write(f"Restored {path}: {total} curated records and their trials.")
