"""`make benchmark`: the public pages, exports and import at 100,000 trials, beside targets.

Uses the database DATABASE_URL names (PostgreSQL; give it one of its own): migrates
it, generates the synthetic trials once (`generate_synthetic`, reused when
present), then serves the site with gunicorn (2 sync workers) on 127.0.0.1 and
measures every page against a bare view that renders 100 rows with one query, in
the same run. Writes docs/benchmarks.md. Loopback only, every loop bounded in
requests and seconds, so a slow page shortens its sample instead of the run
growing past ~15 minutes (the table says how many requests each figure is over).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mdma_bench .venv/bin/python scripts/benchmark.py
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from bench_http import (  # noqa: E402
    Server,
    concurrent,
    free_port,
    percentiles,
    sequential,
)
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from trials.models import Trial  # noqa: E402

TRIALS = 100_000
PAGES = {
    "`/trials/`": "/trials/",
    "filtered (phase, country, dose)": "/trials/?phase=PHASE3&country=NO&min_dose_mg=100",
    "`?q=PTSD therapy`": "/trials/?q=PTSD+therapy",
    "`?page=900`": "/trials/?page=900",
    "`?page=900` by its Next link (keyset)": None,  # keyset_urls() fills these in
    "`/` (overview)": "/",
    "trial page": "/trials/NCT80004242/",
    "`/api/v1/trials/`": "/api/v1/trials/",
}
# Cold: a filter combination no earlier request asked for.
COLD = {
    "`/trials/`": "/trials/?min_dose_mg={n}",
    "filtered (phase, country, dose)": "/trials/?phase=PHASE2&country=CA&min_dose_mg={n}",
    "`?q=PTSD therapy`": "/trials/?q=PTSD+therapy+{word}",
    "`?page=900`": "/trials/?page={page}&min_dose_mg=1",
    "`?page=900` by its Next link (keyset)": None,
    "`/` (overview)": None,
    "trial page": "/trials/NCT8{n:07d}/",
    "`/api/v1/trials/`": "/api/v1/trials/?page={page}",
}
REQUESTS, WARMUP, SECONDS_PER_PAGE, COLD_SECONDS = 200, 5, 25.0, 12.0
COLD_WORDS = ("anxiety", "sleep", "dose", "safety", "trauma", "veterans", "couples", "eating")


def prepare_database(count: int) -> None:
    call_command("migrate", verbosity=0)
    have = Trial.objects.filter(nct_id__startswith="NCT8").count()
    if have < count:
        print(f"generating {count - have:,} synthetic trials …", flush=True)
        call_command("generate_synthetic", trials=count, seed=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def keyset_urls(first_page: int = 900, pages: int = 250) -> None:
    """Next-link URLs (public/keyset.py) for pages from 900 on: the warm page without
    filters, the cold ones under a dose filter (as the offset page's cold URLs)."""
    from types import SimpleNamespace

    from public.filters import DEFAULT_SORT, TrialFilter
    from public.keyset import cursor_after

    name, size = "`?page=900` by its Next link (keyset)", 25
    for pattern, params in (("/trials/?", {}), ("/trials/?min_dose_mg=1&", {"min_dose_mg": "1"})):
        trials = TrialFilter(params, queryset=Trial.objects.published()).sorted_qs()
        start = (first_page - 1) * size - 1
        ends = trials.values_list("start_date", "pk")[start : start + pages * size]
        urls = [
            f"{pattern}page={first_page + n}&after="
            + cursor_after(DEFAULT_SORT, first_page + n - 1, SimpleNamespace(start_date=d, pk=pk))
            for n, (d, pk) in enumerate(list(ends)[::size])
        ]
        if params:
            COLD[name] = urls
        else:
            PAGES[name] = urls[0]


def query_counts() -> dict[str, int]:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The queries that render each page; a stored page (public/pagecache.py) runs none.
    settings.PAGE_CACHE = False
    client, counts = Client(), {}
    for name, url in PAGES.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        counts[name] = len(ctx.captured_queries) if response.status_code == 200 else -1
    return counts


def cold_urls(name: str):
    pattern = COLD[name]
    if isinstance(pattern, list):
        yield from pattern
        return
    for n in range(1, 10_000):
        word = f"{COLD_WORDS[n % len(COLD_WORDS)]}{'' if n < 10 else n}"
        yield pattern.format(n=n * 7 % 9_999 + 1, page=n + 1, word=word)


def measure_pages(port: int, scale: float) -> tuple[dict, dict]:
    bare = sequential(port, ["/bench/bare/"], REQUESTS, WARMUP, SECONDS_PER_PAGE * scale)
    rows = {}
    for name, url in PAGES.items():
        warm = sequential(port, [url], REQUESTS, WARMUP, SECONDS_PER_PAGE * scale)
        cold = None
        if COLD[name]:
            cold = sequential(port, cold_urls(name), REQUESTS, 0, COLD_SECONDS * scale)
        rows[name] = (warm, cold)
        print(f"{name}: warm p50 {percentiles(warm)[0]:.0f} ms", flush=True)
    return bare, rows


def copy_seconds() -> float:
    """The floor for an export: psql COPY of the same rows to /dev/null."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return float("nan")
    started = time.perf_counter()
    subprocess.run(
        ["psql", url, "-qc", r"\copy (select * from trials_trial) to /dev/null csv"],
        check=True,
    )
    return time.perf_counter() - started


def child(script: str, *args: str, timeout: float = 900) -> list[dict]:
    """Run scripts/<script> in a fresh process; its stdout's JSON lines."""
    out = subprocess.run(
        [sys.executable, str(BASE_DIR / "scripts" / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=TRIALS)
    parser.add_argument("--import-studies", type=int, default=5000)
    parser.add_argument("--generate-trials", type=int, default=10_000)
    parser.add_argument("--out", default=str(BASE_DIR / "docs" / "benchmarks.md"))
    parser.add_argument("--note", default="", help="a line for the top of the report")
    parser.add_argument("--budget", type=float, default=1.0, help="scale every time budget")
    args = parser.parse_args()
    started = time.monotonic()
    prepare_database(args.trials)
    keyset_urls()
    counts = query_counts()
    port = free_port()
    with Server(port, BASE_DIR):
        bare, rows = measure_pages(port, args.budget)
        load = {
            "bare": concurrent(port, "/bench/bare/", clients=20, seconds=30 * args.budget),
            "list": concurrent(port, "/trials/", clients=20, seconds=30 * args.budget),
            "seconds": 30 * args.budget,
        }
    exports = [child("bench_export.py", fmt)[0] for fmt in ("csv", "json")]
    copy = copy_seconds()
    imports = child("import_bench.py", "--studies", str(args.import_studies))
    generate = child("generate_bench.py", "--trials", str(args.generate_trials))[0]
    from bench_report import write_report

    write_report(
        Path(args.out),
        note=args.note,
        trials=Trial.objects.count(),
        counts=counts,
        bare=bare,
        rows=rows,
        load=load,
        exports=exports,
        copy=copy,
        imports=imports,
        generate=generate,
        minutes=(time.monotonic() - started) / 60,
        machine=f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
