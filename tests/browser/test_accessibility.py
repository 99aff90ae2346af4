"""axe-core (vendored by axe-playwright-python) finds no serious or critical problems."""

import pytest
from axe_playwright_python.sync_playwright import Axe

PAGES = ["/", "/trials/", "/trials/NCT00090064/", "/milestones/", "/publications/"]


@pytest.fixture(scope="module")
def axe():
    return Axe()


def test_public_pages_have_no_serious_accessibility_violations(page, site, axe):
    found = {}
    for path in PAGES:
        page.goto(site + path)
        violations = axe.run(page).response["violations"]
        serious = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[path] = serious
    assert found == {}
