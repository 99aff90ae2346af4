"""Load the curated seed data from fixtures/; running it again adds nothing."""

from django.core.management.base import BaseCommand

from evidence.seeding import load_seed


class Command(BaseCommand):
    help = "Load curated trials, publications, milestones and effect estimates from fixtures/."

    def handle(self, *args, **options):
        report = load_seed()
        if options["verbosity"] > 0:
            self.stdout.write(f"Seed data: {report.summary()}")
