"""Screenshots of the public pages at phone and desktop width, for the README's "Screens".

Builds a throw-away SQLite database (migrate, seed, the shared registry samples imported
with the topic guard on, so they stay drafts off every public page), serves it on a free
loopback port, and photographs each page with Debian's Chromium through Playwright. No
sample is an MDMA study and the curated trials have no posted results, so one sample
with results is published in that database only, to show how a results page reads; the
README says so beside its screens.

    make screenshots        # writes docs/screens/<page>-<width>.png
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screens"
SAMPLES = Path(os.environ.get("CTGOV_SAMPLES_DIR") or ROOT.parent / "shared" / "ctgov") / "v2"
# A study in the samples with posted results, adverse events, flow and baseline.
TRIAL_WITH_RESULTS = "NCT02552212"
PAGES = {
    "overview": "/",
    "trials": "/trials/",
    "trial-with-results": f"/trials/{TRIAL_WITH_RESULTS}/",
    "trial-results-section": f"/trials/{TRIAL_WITH_RESULTS}/#results-heading",
    "evidence": "/evidence/",
    "milestones": "/milestones/",
}
PUBLISH_RESULTS_EXAMPLE = f"""
from django.utils import timezone
from editorial.models import State
from trials.models import Trial
shown = Trial.objects.filter(nct_id="{TRIAL_WITH_RESULTS}")
shown.update(state=State.PUBLISHED, published_at=timezone.now())
shown.refresh_facets()
"""
WIDTHS = [390, 1280]
# About two phone screens; a PNG of the whole page would run to megabytes.
HEIGHT = 1600
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic"]
CHROMIUM_ARGS += ["--no-first-run", "--disable-background-networking", "--disable-sync"]
CHROMIUM_ARGS += ["--disable-component-update"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not answer within {seconds:.0f} s")


def photograph(base: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": HEIGHT})
            for name, path in PAGES.items():
                page.goto(base + path)
                target = OUT / f"{name}-{width}.png"
                page.screenshot(path=str(target), full_page=False)
                written.append(target)
            page.close()
        browser.close()
    return written


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp}/screens.sqlite3", DEBUG="true")
        env["CACHE_DIR"] = f"{tmp}/cache"
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "seed", "-v", "0")
        manage(env, "import_ctgov", "-v", "0", "--from-file", *map(str, SAMPLES.glob("*.json")))
        manage(env, "shell", "-c", PUBLISH_RESULTS_EXAMPLE)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/")
            for path in photograph(base):
                print(path.relative_to(ROOT))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
