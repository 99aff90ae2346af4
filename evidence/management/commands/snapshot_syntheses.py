"""Store a citable snapshot of every family whose pooled inputs changed (idempotent)."""

from django.core.management.base import BaseCommand

from evidence.snapshots import record_snapshots


class Command(BaseCommand):
    help = "Snapshot each outcome family's default synthesis if its inputs changed."

    def handle(self, *args, **options):
        created = record_snapshots()
        if options["verbosity"]:
            self.stdout.write(f"{created} new snapshot{'s' if created != 1 else ''}.")
