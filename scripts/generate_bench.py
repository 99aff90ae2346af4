"""Time `manage.py generate_synthetic` into an empty throwaway database (prints one JSON line).

.venv/bin/python scripts/generate_bench.py [--trials 10000]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    args = parser.parse_args()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        call_command("generate_synthetic", trials=args.trials, seed=1, verbosity=0)
        seconds = time.perf_counter() - started
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    result = {"trials": args.trials, "seconds": round(seconds, 2)}
    print(json.dumps(result | {"trials_per_s": round(args.trials / seconds, 1)}))


if __name__ == "__main__":
    main()
