"""Every public page at phone, tablet and desktop widths: no sideways scroll, no axe violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from evidence.models import Publication
from tests.factories import add_results
from trials.models import Trial

WIDTHS = [360, 390, 768, 1280]
FIXED_PAGES = [
    "/",
    "/trials/",
    "/trials/?q=PSTD",
    "/milestones/",
    "/publications/",
    "/evidence/",
    "/about/",
    "/report/",
]


@pytest.fixture
def pages(site):
    """The fixed pages, a trial with posted results and a retracted paper."""
    mp1 = Trial.objects.get(slug="mp-1")
    add_results(mp1)
    retracted = Publication.objects.published().retracted().first()
    return FIXED_PAGES + [mp1.get_absolute_url(), retracted.get_absolute_url()]


def overflowing(page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_no_page_scrolls_sideways_at_any_width(browser, site, pages):
    context = browser.new_context()
    page = context.new_page()
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in pages:
            page.goto(site + path)
            extra = overflowing(page)
            if extra > 0:
                found[f"{path} at {width}px"] = f"{extra}px too wide"
    context.close()
    assert found == {}


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_has_any_accessibility_violation(browser, site, pages, width):
    axe = Axe()
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    found = {}
    for path in pages:
        page.goto(site + path)
        violations = axe.run(page).response["violations"]
        if violations:
            found[path] = [
                f"{v['impact']} {v['id']}: {v['help']} (e.g. {v['nodes'][0]['target']})"
                for v in violations
            ]
    context.close()
    assert found == {}


def test_on_a_phone_the_results_come_first_and_the_filters_fold_away(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(site + "/trials/?phase=PHASE3&country=US")
    summary = page.locator(".filters-disclosure > summary")
    assert summary.inner_text() == "Filters (2 active)"
    assert not page.get_by_role("button", name="Apply filters").is_visible()
    first_row = page.locator("table.trial-table tbody tr").first.bounding_box()
    assert first_row["y"] < 800, "the first result is on the first screen"
    summary.click()
    assert page.get_by_role("button", name="Apply filters").is_visible()
    context.close()


def test_on_a_desktop_the_filters_stand_beside_the_results(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site + "/trials/")
    assert not page.locator(".filters-disclosure > summary").is_visible()
    assert page.get_by_role("button", name="Apply filters").is_visible()
    filters = page.locator("form.filters").bounding_box()
    results = page.locator("section.results").bounding_box()
    assert filters["x"] + filters["width"] <= results["x"]
    context.close()
