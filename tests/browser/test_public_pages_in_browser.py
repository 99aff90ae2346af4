"""The public pages in a real Chromium: the filter form, removal, CSV download, a trial page."""

import csv
import io
import re

from playwright.sync_api import expect

from tests.factories import add_results
from trials.models import Trial


def test_choosing_a_phase_and_a_country_lists_the_expected_trials(page, site):
    page.goto(site + "/trials/")
    page.get_by_role("group", name="Phase").get_by_label(re.compile(r"^Phase 3 ")).check()
    page.get_by_role("group", name="Country").get_by_label(re.compile(r"^United States ")).check()
    page.get_by_role("button", name="Apply filters").click()

    summary = page.locator(".result-summary")
    expect(summary).to_have_text("2 trials: phase 3, in United States")
    rows = page.locator("table.trial-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="MAPP1")).to_have_count(1)
    expect(rows.filter(has_text="MAPP2")).to_have_count(1)
    assert "phase=PHASE3" in page.url and "country=US" in page.url

    page.get_by_role("link", name="Remove filter: phase 3").click()
    expect(summary).to_have_text(re.compile(r"^\d+ trials: in United States$"))
    assert "phase=" not in page.url


def test_the_csv_download_holds_the_filtered_trials(page, site):
    page.goto(site + "/trials/?country=NO")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    assert download.suggested_filename == "mdma-trials.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert {r["url_key"] for r in rows} == {"NCT04030169", "ostfold-mdd"}


def test_trial_page_shows_its_retraction_banner_and_results_table(page, site):
    add_results(Trial.objects.get(slug="mp-1"))
    page.goto(site + "/trials/NCT00090064/")
    banner = page.locator(".retraction-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("have been retracted")
    table = page.locator("table.results-table")
    expect(table).to_be_visible()
    expect(
        table.get_by_role("columnheader", name=re.compile("MDMA-assisted therapy"))
    ).to_be_visible()
    expect(table).to_contain_text("-24.4 (1.4)")
    expect(page.locator("table.analyses-table")).to_contain_text("95% CI -16.1 to -7.7")
