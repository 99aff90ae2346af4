"""HTTP side of the benchmark: a gunicorn on 127.0.0.1 and bounded timing loops."""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from itertools import islice

from load import percentile

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers serving the project plus the bare view."""

    def __init__(self, port: int, base_dir):
        self.port, self.base_dir, self.process = port, base_dir, None

    def __enter__(self):
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench_settings", DEBUG="false")
        env |= {"SECRET_KEY": "benchmark-only", "ALLOWED_HOSTS": f"{HOST},localhost"}
        env["SECURE_SSL_REDIRECT"] = "false"  # plain HTTP on loopback
        env["PYTHONPATH"] = f"{self.base_dir}:{self.base_dir / 'scripts'}"
        # The server runs with DEBUG off, so it needs the hashed-name manifest.
        manage = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
        subprocess.run(manage, cwd=self.base_dir, env=env, check=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
            + ["--bind", f"{HOST}:{self.port}", "--workers", "2", "--worker-class", "sync"]
            + ["--timeout", "120", "--log-level", "warning"],
            cwd=self.base_dir,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://{HOST}:{self.port}/bench/bare/", timeout=5)
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc_info):
        self.process.terminate()
        self.process.wait(30)


def _get(conn, path: str) -> tuple[float, bool, http.client.HTTPConnection]:
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        response.read()
        ok = response.status == 200
    except (OSError, http.client.HTTPException):
        ok = False
        conn.close()
        conn = http.client.HTTPConnection(conn.host, conn.port, timeout=120)
    return (time.perf_counter() - started) * 1000, ok, conn


def sequential(port: int, paths, requests: int, warmup: int, seconds: float) -> dict:
    """One keep-alive client: `warmup` untimed, then up to `requests` or `seconds`."""
    paths = list(islice(iter(paths), requests + warmup)) if not isinstance(paths, list) else paths
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    for n in range(warmup):
        _, _, conn = _get(conn, paths[n % len(paths)])
    timings, errors = [], 0
    deadline = time.monotonic() + seconds
    for n in range(requests):
        if time.monotonic() >= deadline:
            break
        ms, ok, conn = _get(conn, paths[(warmup + n) % len(paths)])
        timings.append(ms)
        errors += not ok
    conn.close()
    return {"ms": sorted(timings), "errors": errors}


def concurrent(port: int, path: str, clients: int, seconds: float) -> dict:
    """`clients` keep-alive clients hitting one page for `seconds`."""
    timings, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def run():
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        while time.monotonic() < deadline:
            ms, ok, conn = _get(conn, path)
            with lock:
                timings.append(ms)
                errors[0] += not ok
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=run, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 150)
    wall = time.monotonic() - started
    return {"ms": sorted(timings), "errors": errors[0], "rps": len(timings) / wall}


def percentiles(sample: dict) -> tuple[float, float, float]:
    ms = sample["ms"]
    return percentile(ms, 50), percentile(ms, 95), percentile(ms, 99)
