"""Measure the public trial list and exports as the number of trials grows.

Builds synthetic trials in a throwaway test database (SQLite in memory, or
test_<name> on the database DATABASE_URL names), then prints, for N trials:
queries and time per list page, and time and peak Python memory (tracemalloc)
of a full CSV and JSON export. The query count must not grow with N, and
export memory must stay roughly flat because exports stream.

    .venv/bin/python scripts/benchmark.py [--sizes 10,100,1000,10000]
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tests.factories import make_trials_bulk  # noqa: E402
from trials.models import Trial  # noqa: E402


def refresh_planner_statistics():
    """Let PostgreSQL see the rows just inserted, as autovacuum would in production.

    Without it the planner believes the fresh tables are empty and picks nested
    loops that make filtered pages look 50x slower than they are.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


LIST_URLS = {
    "list": "/trials/?page_size=100",
    "filtered": "/trials/?phase=PHASE3&country=NO&min_dose_mg=100&sort=-enrollment",
    "search": "/trials/?q=PTSD&sort=relevance&page_size=100",
}
REPEATS = 3


def measure_page(client, url) -> tuple[int, float]:
    timings = []
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), statistics.median(timings)


def measure_export(client, fmt) -> tuple[float, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(f"/trials/?format={fmt}")
    size = sum(len(chunk) for chunk in response.streaming_content)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 1_000_000, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    settings.DEBUG = False  # no query log growing in memory during exports
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        client = Client()
        print(f"Database: {connection.vendor}; list pages are the median of {REPEATS} runs.\n")
        header = f"{'N':>7} | " + " | ".join(f"{name + ' q/ms':>16}" for name in LIST_URLS)
        header += f" | {'CSV s':>6} | {'CSV MB peak':>11} | {'JSON s':>6} | {'JSON MB peak':>12}"
        print(header)
        print("-" * len(header))
        for size in sizes:
            missing = size - Trial.objects.count()
            if missing > 0:
                make_trials_bulk(missing)
                refresh_planner_statistics()
            cells = []
            for url in LIST_URLS.values():
                queries, seconds = measure_page(client, url)
                cells.append(f"{queries:>4} q {seconds * 1000:>7.1f} ms")
            csv_s, csv_mb, _ = measure_export(client, "csv")
            json_s, json_mb, _ = measure_export(client, "json")
            print(
                f"{size:>7} | "
                + " | ".join(f"{c:>16}" for c in cells)
                + f" | {csv_s:>6.2f} | {csv_mb:>11.1f} | {json_s:>6.2f} | {json_mb:>12.1f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
