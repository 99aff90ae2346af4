"""Load the living Metapsy / Sypres MDMA-for-PTSD dataset (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from evidence.metapsy import DEFAULT_URL, MetapsyError, parse_rows, read_source, upsert
from evidence.models.metapsy import METAPSY_ATTRIBUTION


class Command(BaseCommand):
    help = f"Import the Metapsy dataset from a path or URL (default {DEFAULT_URL})."

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", default=DEFAULT_URL, help="PATH_OR_URL")

    def handle(self, *args, source, **options):
        try:
            report = upsert(parse_rows(read_source(source)))
        except (OSError, MetapsyError) as error:
            raise CommandError(f"Could not import {source}: {error}") from error
        if options["verbosity"]:
            self.stdout.write(f"Metapsy: {report.summary()}. Data: {METAPSY_ATTRIBUTION}.")
