"""One full export in a process of its own, so its peak RSS is the export's alone.

.venv/bin/python scripts/bench_export.py csv|json   (prints one JSON line)
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402


def main(fmt: str) -> None:
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    response = Client().get(f"/trials/?format={fmt}")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"format": fmt, "status": response.status_code, "seconds": round(seconds, 2)}
    result |= {"bytes": size, "lines": lines, "peak_rss_mb": round(peak, 1)}
    result["rss_at_start_mb"] = round(before, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
