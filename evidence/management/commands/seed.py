"""Load the curated seed data from fixtures/; running it again adds nothing."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from evidence.seeding import load_seed


class Command(BaseCommand):
    help = "Load curated trials, publications, milestones and effect estimates from fixtures/."

    def handle(self, *args, **options):
        try:
            report = load_seed()
        except (OSError, json.JSONDecodeError, KeyError, ValidationError, IntegrityError) as exc:
            # load_seed runs in one transaction, so nothing was written.
            raise CommandError(f"Seed data not loaded (nothing was changed): {exc!r}") from exc
        if options["verbosity"] > 0:
            self.stdout.write(f"Seed data: {report.summary()}")
