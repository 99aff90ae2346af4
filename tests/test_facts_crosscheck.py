"""Every fact in shared/facts, compared field by field with the record `seed` puts in the database.

The fact sheet is the source of every curated number; this reads it afresh
(trials.json, regulatory_timeline.json and the tables of mdma_facts.md) and
fails, listing each difference, when a seeded record says something else.
Arm doses are checked by the dose tests, not here.
"""

import datetime
import re
from pathlib import Path

import pytest

from evidence.models import EffectEstimate, Publication, RegulatoryMilestone
from tests.facts_sheet import (
    COUNTRY_CODES,
    DAY,
    FACT_TRIAL_KEYS,
    MONTHS,
    NUMBER,
    PMID,
    RETRACTION_DAY,
    WORD_DAY,
    check_trial,
    curated,
    dois_in,
    facts_path,
    host,
    read_json,
    seeded_trials,
    sheet,
    table_rows,
    trial_of_row,
    word_day,
)
from trials.models import CuratedTrialFacts, Site, Trial
from trials.models.curated_facts import CuratedResultsStatus as ResultsStatus


@pytest.fixture(scope="module")
def facts_dir() -> Path:
    return facts_path()


@pytest.mark.django_db
def test_every_fact_trial_matches_its_seeded_trial(facts_dir, seeded):
    trials = seeded_trials()
    sheet_text = sheet(facts_dir)
    facts = read_json(facts_dir / "trials.json")
    assert {f["id"] for f in facts} == set(FACT_TRIAL_KEYS)
    problems = []
    for fact in facts:
        trial = trials.get(FACT_TRIAL_KEYS[fact["id"]])
        if trial is None:
            problems.append(f"{fact['id']}: not seeded")
            continue
        problems += check_trial(fact, trial, sheet_text)
    assert problems == []


def expected_milestone_dates(cell: str) -> list[str]:
    """Table C's date cell as seeded partial dates: "2024-02", "c. 2024-10", "2024-06"."""
    cell = cell.replace("*", "")
    if cell.startswith("~"):
        month, year = re.match(r"~([A-Z][a-z]{2}) (\d{4})", cell).groups()
        return [f"c. {year}-{MONTHS[month]:02d}"]
    if match := re.fullmatch(r"([A-Z][a-z]{2}) (\d{4})", cell):
        return [f"{match.group(2)}-{MONTHS[match.group(1)]:02d}"]
    return [part.strip() for part in cell.split("/")]


@pytest.mark.django_db
def test_every_milestone_in_the_sheet_is_seeded_with_its_date_and_verification(facts_dir, seeded):
    seeded_dates = {str(m.when): m for m in RegulatoryMilestone.objects.all()}
    problems = []
    for cells in table_rows(facts_dir, "C"):
        if cells[0] in {"—", "-"}:
            # A "no evidence found" row: nothing may be seeded as if it happened.
            continue
        for day in expected_milestone_dates(cells[0]):
            milestone = seeded_dates.get(day)
            if milestone is None:
                problems.append(f"{day}: no seeded milestone ({cells[1][:50]})")
            elif "UNVERIFIED" in cells[1] and milestone.verified:
                problems.append(f"{day}: unverified in the sheet, verified when seeded")
    for fact in read_json(facts_dir / "regulatory_timeline.json"):
        first, _, others = fact["date"].partition("/")
        allowed = {first} | {f"{first[:5]}{m}" for m in others.split()}
        allowed |= {f"c. {d}" for d in allowed}
        matches = [m for day, m in seeded_dates.items() if day in allowed]
        if len(matches) != 1:
            problems.append(f"{fact['date']}: {len(matches)} seeded milestones")
            continue
        milestone = matches[0]
        if milestone.verified != fact["verified"]:
            problems.append(f"{fact['date']}: verified {milestone.verified} != {fact['verified']}")
        fact_hosts = {host(part.strip()) for part in re.split(r"[;]| via ", fact["source"])}
        if not fact_hosts & {host(s.text) for s in milestone.source_list}:
            problems.append(f"{fact['date']}: source {fact['source']} not cited")
    assert problems == []


@pytest.mark.django_db
def test_the_2021_04_26_milestone_is_the_reported_dropout_not_a_study_start(facts_dir, seeded):
    assert "dropped out before dosing (MAPS, Apr 26 2021)" in sheet(facts_dir)
    milestone = RegulatoryMilestone.objects.get(date=datetime.date(2021, 4, 26))
    assert milestone.kind != "study_start"
    assert "dropped out" in milestone.title
    assert "maps.org" in milestone.sources


@pytest.mark.django_db
def test_the_lykos_fda_meeting_is_dated_approximately(facts_dir, seeded):
    assert "~Oct 2024 (reported Nov 1)" in sheet(facts_dir)
    meeting = RegulatoryMilestone.objects.get(seed_key="lykos-fda-meeting-2024")
    assert str(meeting.when) == "c. 2024-10"


@pytest.mark.django_db
def test_every_doi_and_pmid_in_the_sheet_is_a_seeded_publication(facts_dir, seeded):
    text = sheet(facts_dir)
    dois = set(Publication.objects.published().values_list("doi", flat=True))
    pmids = set(Publication.objects.published().values_list("pmid", flat=True))
    missing = [d for d in dois_in(text) if d not in dois]
    missing += [f"PMID {p}" for p in PMID.findall(text) if p not in pmids]
    assert missing == []


@pytest.mark.django_db
def test_the_retracted_papers_are_seeded_as_retracted_on_the_sheets_day(facts_dir, seeded):
    timeline = read_json(facts_dir / "regulatory_timeline.json")
    assert next(f["date"] for f in timeline if "retracts" in f["event"]) == RETRACTION_DAY
    retracted = {
        doi
        for cells in table_rows(facts_dir, "B")
        if "retracted" in " ".join(cells).lower()
        for doi in dois_in(cells[0])
    }
    assert len(retracted) == 3
    seeded_retracted = Publication.objects.retracted()
    assert set(seeded_retracted.values_list("doi", flat=True)) == retracted
    assert {str(p.retraction_date) for p in seeded_retracted} == {RETRACTION_DAY}
    assert all(p.retraction_notice for p in seeded_retracted)


def fact_numbers(*texts: str) -> set[float]:
    return {float(n) for text in texts for n in NUMBER.findall(text)}


@pytest.mark.django_db
def test_every_seeded_estimate_uses_numbers_the_sheet_gives(facts_dir, seeded):
    trials = seeded_trials()
    rows = {}
    for cells in table_rows(facts_dir, "A"):
        trial = trial_of_row(cells, trials)
        if trial is not None:
            rows[trial.pk] = " ".join(cells)
    for fact in read_json(facts_dir / "trials.json"):
        key = FACT_TRIAL_KEYS[fact["id"]]
        extra = " ".join(str(fact.get(f) or "") for f in ("n", "arms", "result"))
        rows[trials[key].pk] = rows.get(trials[key].pk, "") + " " + extra
    pooled = {
        doi: " ".join(cells) for cells in table_rows(facts_dir, "B") for doi in dois_in(cells[0])
    }
    problems = []
    estimates = EffectEstimate.objects.select_related("source_publication")
    assert estimates.count() == 7
    for estimate in estimates:
        if estimate.trial_id is not None:
            text = rows[estimate.trial_id]
        else:
            text = pooled[estimate.source_publication.doi]
        numbers = fact_numbers(text)
        for name in ("value", "ci_low", "ci_high", "n_treatment", "n_control"):
            value = getattr(estimate, name)
            if value is not None and float(value) not in numbers:
                problems.append(f"{estimate.seed_key}: {name} {value} is not in the sheet")
        standardised = estimate.metric in {"cohens_d", "hedges_g", "smd"}
        if standardised and f"={estimate.value:g}" not in text.replace(" ", "").replace("**", ""):
            problems.append(f"{estimate.seed_key}: the sheet gives no '={estimate.value:g}'")
    assert problems == []


@pytest.mark.django_db
def test_site_counts_and_countries_are_the_sheets_and_no_placeholder_site_exists(facts_dir, seeded):
    trials = seeded_trials()
    problems = []
    for cells in table_rows(facts_dir, "A"):
        match = re.search(r"(\d+) sites \(([^)]*)\)", cells[2])
        if not match:
            continue
        trial = trial_of_row(cells, trials)
        facts = curated(trial)
        count, where = int(match.group(1)), match.group(2)
        codes = {COUNTRY_CODES[c] for c in re.findall(r"[A-Z]{2}", where)}
        if facts is None or facts.site_count != count or set(facts.country_codes) != codes:
            problems.append(f"{trial}: sites should be {count} in {sorted(codes)}")
        elif not facts.sites_source:
            problems.append(f"{trial}: site count without a source")
    assert problems == []
    assert not Site.objects.filter(facility="", city="", state="").exists()
    assert CuratedTrialFacts.objects.get(trial__acronym="MAPP1").sites_text == (
        "15 sites in 3 countries (sites not listed)"
    )


@pytest.mark.django_db
def test_results_dates_are_the_sheets_with_their_source(facts_dir, seeded):
    trials = seeded_trials()
    expected = {}
    for cells in table_rows(facts_dir, "A"):
        dates = cells[5]
        trial = trial_of_row(cells, trials)
        if match := re.search(r"results posted " + DAY.pattern, dates):
            expected[trial.pk] = match.group(1)
        elif match := re.search(r"results " + WORD_DAY.pattern, dates):
            expected[trial.pk] = word_day(match)
    assert len(expected) == 2
    found = {
        f.trial_id: str(f.results_posted_on)
        for f in CuratedTrialFacts.objects.exclude(results_status=ResultsStatus.UNKNOWN)
    }
    assert found == expected
    for facts in CuratedTrialFacts.objects.filter(trial_id__in=expected):
        assert facts.results_status == ResultsStatus.POSTED and facts.results_source


@pytest.mark.django_db
def test_a_recruitment_window_is_stored_as_one(facts_dir, seeded):
    trials = seeded_trials()
    problems = []
    for cells in table_rows(facts_dir, "A"):
        match = re.search(r"recruiting " + WORD_DAY.pattern + r" - " + WORD_DAY.pattern, cells[5])
        if not match:
            continue
        trial = trial_of_row(cells, trials)
        start = word_day(re.match(WORD_DAY, match.group(0).removeprefix("recruiting ")))
        end = word_day(list(WORD_DAY.finditer(match.group(0)))[-1])
        facts = curated(trial)
        if (str(trial.start), str(trial.completion)) != (start, end):
            problems.append(f"{trial}: recruitment window {start} to {end}")
        if facts is None or not facts.dates_are_recruitment_window:
            problems.append(f"{trial}: dates not labelled as the recruitment window")
        if trial.overall_status:
            problems.append(f"{trial}: the sheet gives no status")
    assert problems == []


@pytest.mark.django_db
def test_no_seeded_acronym_lacks_a_source_in_the_sheet(facts_dir, seeded):
    text = sheet(facts_dir)
    facts = read_json(facts_dir / "trials.json")
    fact_words = " ".join(f["id"] for f in facts) + " " + text
    unsourced = [
        t.acronym
        for t in Trial.objects.exclude(acronym="")
        if t.acronym.split("+")[0] not in fact_words and t.acronym not in t.unverified_note
    ]
    assert unsourced == []
