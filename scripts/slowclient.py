"""Slow-client test for `make serve`: can slow senders starve the server?

    python scripts/slowclient.py [--url http://127.0.0.1:8000] [--connections 50] [--seconds 30]

Opens N connections that each send a request header one byte per second, and
meanwhile probes /healthz and /trials/ once a second on fresh connections,
printing each probe's time. Loopback only; bounded in time.
"""

import http.client
import socket
import sys
import threading
import time

from load import loopback_args

PROBES = ["/healthz", "/trials/"]
PROBE_LIMIT = 1.0  # seconds: the target for every probe


def slow_sender(host, port, deadline, stop):
    header = b"GET /trials/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 200
    try:
        sock = socket.create_connection((host, port), timeout=5)
    except OSError:
        return
    try:
        for byte in header:
            if time.monotonic() >= deadline or stop.is_set():
                break
            sock.sendall(bytes([byte]))
            time.sleep(1)
    except OSError:
        pass  # the server gave up on us: good
    finally:
        sock.close()


def probe(host, port, path):
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        status = conn.getresponse().status
        conn.close()
    except (OSError, http.client.HTTPException) as exc:
        status = type(exc).__name__
    return status, time.perf_counter() - started


def main():
    args, host, port = loopback_args(__doc__, "connections", 50, seconds=30, most=300)
    stop = threading.Event()
    deadline = time.monotonic() + args.seconds
    senders = [
        threading.Thread(target=slow_sender, args=(host, port, deadline, stop), daemon=True)
        for _ in range(args.connections)
    ]
    for sender in senders:
        sender.start()
    time.sleep(2)  # let every slow connection start sending
    results = []
    while time.monotonic() < deadline:
        tick = time.monotonic()
        for path in PROBES:
            status, elapsed = probe(host, port, path)
            results.append((path, status, elapsed))
            stamp = time.strftime("%H:%M:%S")
            print(f"{stamp} {path} {status} {elapsed * 1000:.0f} ms", flush=True)
        time.sleep(max(0.0, 1 - (time.monotonic() - tick)))
    stop.set()
    for sender in senders:
        sender.join(5)
    slow = [r for r in results if r[1] != 200 or r[2] >= PROBE_LIMIT]
    worst = max((r[2] for r in results), default=0) * 1000
    print(
        f"{args.connections} slow connections for {args.seconds:.0f} s: {len(results)} probes, "
        f"worst {worst:.0f} ms, {len(slow)} slower than {PROBE_LIMIT:.0f} s or failed"
    )
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
