"""Trial and evidence pages on paper: no navigation or controls, folded sections open,
external links spelled out."""

from playwright.sync_api import expect

from tests.factories import make_trial
from trials.models import Site


def test_a_printed_trial_page_hides_the_navigation_and_opens_folded_sites(page, site):
    trial = make_trial(countries=())
    Site.objects.bulk_create(
        Site(trial=trial, country_code="NO", country="NO", facility=f"Clinic {n}")
        for n in range(12)
    )
    page.goto(site + trial.get_absolute_url())
    folded = page.locator("details.site-list li").first
    expect(folded).to_be_hidden()  # on screen the long list starts folded
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator(".page-contents")).to_be_hidden()
    expect(folded).to_be_visible()
    expect(folded).to_contain_text("Clinic 0")
    registry_link = page.locator('main a[href^="https://clinicaltrials.gov/"]').first
    after = registry_link.evaluate("a => getComputedStyle(a, '::after').content")
    assert "clinicaltrials.gov" in after
    colour = page.evaluate("getComputedStyle(document.querySelector('main h1')).color")
    assert colour == "rgb(0, 0, 0)"


def test_a_printed_evidence_page_hides_its_controls_and_keeps_the_plot(page, site):
    page.goto(site + "/evidence/")
    forms = page.locator("main form")
    assert forms.count() >= 1
    expect(forms.first).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    for form in forms.all():
        expect(form).to_be_hidden()
    expect(page.locator("main svg").first).to_be_visible()
