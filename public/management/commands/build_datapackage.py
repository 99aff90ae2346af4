"""Regenerate the /data/ package.

The import timer runs it after each successful import; a five-minute timer runs it with
--if-stale, which rebuilds only when a record was published, withdrawn or edited since.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from public.datapackage import build_package, is_current


class Command(BaseCommand):
    help = "Write datapackage.json and one CSV per table of published data to DATA_PACKAGE_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Folder to write (default: DATA_PACKAGE_DIR).")
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Only rebuild when the data changed since the package was built.",
        )

    def handle(self, *args, output=None, if_stale=False, verbosity=1, **options):
        target = output or settings.DATA_PACKAGE_DIR
        if if_stale and is_current(target):
            if verbosity:
                self.stdout.write(f"data package in {target} is current")
            return
        package = build_package(target)
        if verbosity:
            counts = ", ".join(f"{r['name']} {r['bytes']:,} B" for r in package["resources"])
            self.stdout.write(f"data package {package['version']} in {target}: {counts}")
