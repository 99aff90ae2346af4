"""Load test for `make serve`: N clients for S seconds, loopback only.

    python scripts/load.py [--url http://127.0.0.1:8000] [--clients 50] [--seconds 60]

Each client loops over a mix of the public pages (overview, list, filtered list,
search, trial page, synthesis, a filtered CSV export) on its own keep-alive
connection, and the script prints requests/s, p50/p95/p99 latency and errors.
Bounded in count and time; it refuses any host that is not on this machine.
"""

import argparse
import http.client
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit

MIX = [
    "/",
    "/trials/",
    "/trials/?phase=PHASE3&condition=Post-Traumatic+Stress+Disorder",
    "/trials/?q=PTSD",
    "/trials/NCT03537014/",
    "/evidence/",
    "/trials/?phase=PHASE2&format=csv",
]
MAX_REQUESTS_PER_CLIENT = 100_000
LOOPBACK = ("127.", "localhost", "::1", "[::1]")


def loopback_only(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host.startswith(LOOPBACK):
        sys.exit(f"refusing {host!r}: this script only targets this machine (127.0.0.0/8, ::1)")
    return host, parts.port or 80


def loopback_args(doc: str, count: str, count_default: int, seconds: float, most: float):
    """The command line of the loopback tools: --url, --<count> (1..500) and --seconds.

    Returns the arguments, host and port; exits on a bound broken or a host elsewhere.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument(f"--{count}", type=int, default=count_default)
    parser.add_argument("--seconds", type=float, default=seconds)
    args = parser.parse_args()
    if not (1 <= getattr(args, count) <= 500 and 0 < args.seconds <= most):
        sys.exit(f"--{count} must be 1..500 and --seconds 1..{most:g}")
    return args, *loopback_only(args.url)


def client(host, port, deadline, offset, latencies, errors, lock):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    for n in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        path = MIX[(n + offset) % len(MIX)]
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            ok = response.status < 500
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            if not ok:
                errors.append(path)
    conn.close()


def percentile(sorted_values, pct):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(pct / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]


def main():
    args, host, port = loopback_args(__doc__, "clients", 50, seconds=60, most=600)
    latencies, errors, lock = [], [], threading.Lock()
    started = time.monotonic()
    deadline = started + args.seconds
    threads = [
        threading.Thread(
            target=client, args=(host, port, deadline, i, latencies, errors, lock), daemon=True
        )
        for i in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.seconds + 60)
    wall = time.monotonic() - started
    ms = sorted(v * 1000 for v in latencies)
    print(f"{args.clients} clients x {args.seconds:.0f} s against {args.url}")
    print(f"requests: {len(ms)}, {len(ms) / wall:.1f} req/s, errors: {len(errors)}")
    if ms:
        print(
            f"latency ms: p50 {percentile(ms, 50):.0f}, p95 {percentile(ms, 95):.0f}, "
            f"p99 {percentile(ms, 99):.0f}, max {ms[-1]:.0f}, mean {statistics.fmean(ms):.0f}"
        )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
