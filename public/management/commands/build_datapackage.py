"""Regenerate the /data/ package; the import timer runs it after each successful import."""

from django.conf import settings
from django.core.management.base import BaseCommand

from public.datapackage import build_package


class Command(BaseCommand):
    help = "Write datapackage.json and one CSV per table of published data to DATA_PACKAGE_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Folder to write (default: DATA_PACKAGE_DIR).")

    def handle(self, *args, output=None, verbosity=1, **options):
        target = output or settings.DATA_PACKAGE_DIR
        package = build_package(target)
        if verbosity:
            counts = ", ".join(f"{r['name']} {r['bytes']:,} B" for r in package["resources"])
            self.stdout.write(f"data package {package['version']} in {target}: {counts}")
