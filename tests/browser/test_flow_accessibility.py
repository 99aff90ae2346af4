"""The participant flow and baseline tables pass axe-core and scroll from the keyboard."""

from axe_playwright_python.sync_playwright import Axe

from tests.conftest import samples_dir
from tests.ctgov_studies import run_import


def test_flow_and_baseline_tables_are_accessible_and_keyboard_scrollable(page, site, settings):
    settings.CTGOV_TOPIC_TERMS = []  # the sample is not an MDMA study; publish it anyway
    files = sorted(str(p) for p in (samples_dir() / "v2").glob("*NCT02552212.json"))
    run_import("--from-file", *files)
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(site + "/trials/NCT02552212/")
    violations = Axe().run(page, context="#flow-heading ~ *").response["violations"]
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
    region = page.get_by_role("region", name="Baseline characteristics by group")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth && el.scrollLeft > 0")
