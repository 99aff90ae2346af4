"""Load the curated seed data from fixtures/; running it again adds nothing."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from evidence.seeding import load_seed, skipped_keys


class Command(BaseCommand):
    help = "Load curated trials, publications, milestones and effect estimates from fixtures/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--list-skipped",
            action="store_true",
            help="List the seed keys applied once whose records were deleted since "
            "(seed never recreates them), and load nothing.",
        )

    def handle(self, *args, **options):
        if options["list_skipped"]:
            self._list_skipped()
            return
        try:
            report = load_seed()
        except (OSError, json.JSONDecodeError, KeyError, ValidationError, IntegrityError) as exc:
            # load_seed runs in one transaction, so nothing was written.
            raise CommandError(f"Seed data not loaded (nothing was changed): {exc!r}") from exc
        if options["verbosity"] > 0:
            self.stdout.write(f"Seed data: {report.summary()}")

    def _list_skipped(self):
        gone = skipped_keys()
        for entry in gone:
            self.stdout.write(
                f"{entry.kind}: {entry.key} (first applied {entry.applied_at:%Y-%m-%d})"
            )
        self.stdout.write(f"{len(gone)} seed key(s) will not be recreated.")
