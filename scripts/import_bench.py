"""Time an import of synthetic studies served by a local stub of the registry API.

Runs in a process of its own so that its peak RSS is the import's alone. Serves
N synthetic studies (trials.synthetic) from tests/ctgov_server.py on 127.0.0.1 in
pages of CTGOV_PAGE_SIZE, imports them three times (new, unchanged, then changed: every
title revised) into a throwaway test database and prints one JSON line per run.

    .venv/bin/python scripts/import_bench.py [--studies 5000] [--profile out.prof]
"""

import argparse
import cProfile
import json
import os
import resource
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from tests.ctgov_server import CtgovServer, studies_page  # noqa: E402
from trials.ctgov.sync import QUERY, RunOptions, run_import  # noqa: E402
from trials.synthetic import plans, raw_record  # noqa: E402

VERSION = {"apiVersion": "2.0.5", "dataTimestamp": "2099-01-20T09:00:00"}
PAGE_SIZE = 1000


def script_pages(server: CtgovServer, count: int, seed: int, revised: bool) -> None:
    """One run's pages, in order, each pointing to the next by token."""
    server.add("/version", json=VERSION)
    records = [raw_record(p) for p in plans(count, seed)]
    for record in records if revised else ():
        ident = record["protocolSection"]["identificationModule"]
        ident["briefTitle"] += " (revised)"
    for start in range(0, count, PAGE_SIZE):
        end = start + PAGE_SIZE
        token = f"page-{end}" if end < count else None
        total = count if start == 0 else None
        server.add("/studies", json=studies_page(records[start:end], token, total))


def timed_run(server: CtgovServer, count: int, seed: int, profile: str | None, label: str):
    script_pages(server, count, seed, revised=label == "changed")
    options = RunOptions(mode=QUERY, query="MDMA", full=True)
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    summary = run_import(options)
    if profiler:
        profiler.disable()
        profiler.dump_stats(f"{profile}.{label}")
    seconds = time.perf_counter() - started
    return {
        "run": label,
        "studies": count,
        "seconds": round(seconds, 2),
        "studies_per_s": round(count / seconds, 1),
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "refused": summary.refused,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", help="write cProfile stats to PROFILE.<run name>")
    args = parser.parse_args()
    settings.DEBUG = False
    settings.CTGOV_MIN_INTERVAL = 0
    settings.CTGOV_PAGE_SIZE = PAGE_SIZE
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with CtgovServer() as server:
            settings.CTGOV_API_URL = server.url
            for label in ("new", "unchanged", "changed"):
                result = timed_run(server, args.studies, args.seed, args.profile, label)
                print(json.dumps(result), flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
