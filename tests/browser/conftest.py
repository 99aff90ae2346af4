"""One headless Chromium per session, a live server with the seed data per test."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM would otherwise
# refuse to run here ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def site(live_server, transactional_db, django_db_serialized_rollback, seed_snapshot):
    """The live server's base URL, with the curated seed loaded.

    Serialized rollback puts back the rows migrations create (the phases, with their
    ids) after the flush that ends a transactional test, so the seed rows captured once
    per session (`seed_snapshot`) are copied back as they are instead of loaded again.
    """
    from tests.conftest import restore_seed
    from tests.factories import phase
    from trials.choices import PhaseCode

    for code in PhaseCode.values:
        phase(code)
    restore_seed(seed_snapshot)
    return live_server.url
