"""The trial page reads well: a contents list, sites by country folded past ten,
collapsible results, and every registry enum in words."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import add_results, make_trial
from tests.test_registry_fidelity import _cases, imported, page_text  # noqa: F401
from trials.models import ResultOutcome, Site

# A registry enum spelled raw: NON_SYSTEMATIC_ASSESSMENT, Geometric_Mean, not_yet_recruiting.
RAW_ENUM = re.compile(r"\b(?:[A-Z][A-Z0-9]*_[A-Z0-9_]+|[A-Z][a-z]+_[A-Za-z_]+|[a-z]+_[a-z_]+)\b")


def big_trial():
    trial = make_trial(countries=())
    for code, count in (("US", 80), ("NO", 15), ("CA", 10)):
        Site.objects.bulk_create(
            Site(trial=trial, country_code=code, country=code, facility=f"{code} site {n}")
            for n in range(count)
        )
    return trial


def test_a_trial_with_105_sites_shows_country_counts_and_folds_the_list(client, db):
    content = client.get(big_trial().get_absolute_url()).content.decode()
    assert "105 sites in 3 countries: Canada (10); Norway (15); United States (80)." in content
    folded = re.search(r'<details class="site-list">(.*?)</details>', content, re.S)
    assert folded, "the site list is not folded"
    assert "Show all 105 sites by country" in folded.group(1)
    assert re.search(r"<h3>United States \(80\)</h3>", folded.group(1))
    assert folded.group(1).count("<li>") == 105


def test_ten_sites_or_fewer_are_listed_open(client, db):
    trial = make_trial(countries=("NO", "NO", "SE"))
    content = client.get(trial.get_absolute_url()).content.decode()
    assert 'class="site-list"' not in content
    assert re.search(r"<h3>Norway \(2\)</h3>", content)


def test_the_page_costs_the_same_queries_with_105_sites_as_with_one(client, db):
    def count(trial):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(trial.get_absolute_url()).status_code == 200
        return len(queries)

    assert count(big_trial()) == count(make_trial(countries=("US",)))


def test_every_contents_link_leads_to_a_section_on_the_page(client, db):
    trial = make_trial(summary="A short summary.")
    add_results(trial)
    content = client.get(trial.get_absolute_url()).content.decode()
    contents = re.search(r'<nav class="page-contents".*?</nav>', content, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', contents)
    labels = re.findall(r'href="#[^"]+">([^<]+)</a>', contents)
    assert labels[:2] == ["Summary", "Design"]
    assert {"Results", "Publications", "Milestones", "Sources", "Changes"} <= set(labels)
    ids = set(re.findall(r'\bid="([^"]+)"', content))
    assert set(targets) <= ids, set(targets) - ids
    # Arms exist on this trial; a contents entry for adverse events would point nowhere.
    assert "Arms and doses" in labels
    assert "Adverse events" not in labels


def test_primary_results_are_open_and_others_fold_to_a_summary_line(client, db):
    trial = make_trial()
    add_results(trial)
    ResultOutcome.objects.create(
        trial=trial, outcome_type="OTHER_PRE_SPECIFIED", title="Sleep quality", param_type="MEAN"
    )
    content = client.get(trial.get_absolute_url()).content.decode()
    primary = re.search(r'<details class="result" open>\s*<summary>(.*?)</summary>', content)
    assert "Change in CAPS-5 total severity score" in primary.group(1)
    assert "Primary outcome" in primary.group(1)
    other = re.search(r'<details class="result">\s*<summary>(.*?)</summary>', content)
    assert "Sleep quality" in other.group(1)
    assert "Other pre-specified outcome" in other.group(1)
    text = page_text(client.get(trial.get_absolute_url()))
    assert "Least squares mean (standard error), score on a scale. Time frame:" in text
    assert ". ." not in text


@pytest.mark.parametrize("name, index", list(_cases()))
def test_no_registry_enum_is_shown_raw_on_a_sample_trial_page(
    imported,  # noqa: F811
    client,
    name,
    index,
):
    raw, trial = imported(name, index)
    text = page_text(client.get(trial.get_absolute_url()))
    ident = raw["protocolSection"]["identificationModule"]
    # Identifiers and acronyms are the sponsor's own spelling, not enums.
    own = [ident.get("acronym", ""), ident.get("orgStudyIdInfo", {}).get("id", "")]
    own += [s.get("id", "") for s in ident.get("secondaryIdInfos", [])]
    raw_tokens = {t for t in RAW_ENUM.findall(text) if not any(t in o for o in own)}
    assert not raw_tokens
