"""The `seed` command: idempotent, faithful to the curated facts, kind to editors' changes."""

import datetime
import json
import re
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from evidence.models import (
    EffectEstimate,
    OutcomeFamily,
    Publication,
    RegulatoryMilestone,
    RetractionStatus,
)
from evidence.seeding import load_seed
from tests.facts_sheet import (
    ENROLLMENT_EXCEPTIONS,
    EUDRACT,
    FACT_TRIAL_KEYS,
    NCT,
    NUMBER,
    PMID,
    facts_path,
    read_json,
)
from trials.dates import Precision
from trials.models import Arm, OutcomeMeasure, Site, Trial, TrialIdentifier

RETRACTION_DAY = datetime.date(2024, 8, 10)


SEEDED_MODELS = [Trial, Publication, RegulatoryMilestone, EffectEstimate, OutcomeFamily]
SEEDED_MODELS += [Arm, Site, TrialIdentifier, OutcomeMeasure]


def seed_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SEEDED_MODELS}


def milestone(key: str) -> RegulatoryMilestone:
    return RegulatoryMilestone.objects.get(seed_key=key)


@pytest.mark.django_db
def test_seed_twice_loads_the_curated_records_once():
    call_command("seed", verbosity=0)
    first = seed_counts()
    call_command("seed", verbosity=0)

    assert seed_counts() == first
    assert first == {
        "Trial": 18,
        "Publication": 24,
        "RegulatoryMilestone": 23,
        "EffectEstimate": 7,
        "OutcomeFamily": 3,
        "Arm": 27,
        "Site": 9,
        "TrialIdentifier": 15,
        "OutcomeMeasure": 20,
    }


@pytest.mark.django_db
def test_seed_reports_what_it_created_then_what_was_present(capsys):
    call_command("seed")
    call_command("seed")
    first, second = capsys.readouterr().out.strip().splitlines()
    assert "trials: 18 created, 0 already present" in first
    assert "trials: 0 created, 18 already present" in second
    assert "publications: 0 created, 24 already present" in second


@pytest.mark.django_db
def test_seed_with_a_bad_record_writes_nothing(tmp_path):
    for path in FIXTURES_DIR.glob("*.json"):
        shutil.copy(path, tmp_path)
    estimates = read_json(tmp_path / "estimates.json")
    # Estimates load after every trial and publication, so those must roll back too.
    estimates[-1] |= {"ci_low": 2.0, "ci_high": 1.0}
    (tmp_path / "estimates.json").write_text(json.dumps(estimates), encoding="utf-8")

    with pytest.raises(ValidationError, match="lower limit"):
        load_seed(tmp_path)
    assert set(seed_counts().values()) == {0}


@pytest.mark.django_db
def test_seeded_records_are_published_with_their_sources(seeded):
    for model in (Trial, Publication, RegulatoryMilestone, EffectEstimate):
        assert model.objects.count() == model.objects.published().count()
        assert not model.objects.filter(sources="").exists()


@pytest.mark.django_db
def test_seeded_mapp1_has_its_registry_id_phase_and_enrollment(seeded):
    mapp1 = Trial.objects.get(acronym="MAPP1")
    assert mapp1.nct_id == "NCT03537014"
    assert [p.code for p in mapp1.phases.all()] == ["PHASE3"]
    assert mapp1.enrollment == 90
    assert str(mapp1.start) == "2018-11-29"
    assert sorted(a.participants for a in mapp1.arms.all()) == [44, 46]


@pytest.mark.django_db
def test_seeded_mapp1_links_its_publication_and_effect_estimate(seeded):
    mapp1 = Trial.objects.get(nct_id="NCT03537014")
    paper = mapp1.publications.get()
    assert (paper.first_author, paper.year, paper.doi) == (
        "Mitchell JM",
        2021,
        "10.1038/s41591-021-01336-3",
    )
    estimate = mapp1.effect_estimates.get(outcome_measure="CAPS-5 total severity")
    assert (estimate.metric, estimate.value) == ("cohens_d", 0.91)
    assert estimate.source_publication == paper


@pytest.mark.django_db
def test_seed_marks_the_three_2024_retractions(seeded):
    retracted = Publication.objects.retracted()
    assert sorted(retracted.values_list("doi", flat=True)) == [
        "10.1007/s00213-019-05249-5",  # Mithoefer 2019
        "10.1007/s00213-020-05548-2",  # Jerome 2020
        "10.1007/s00213-020-05710-w",  # antidepressant taper
    ]
    assert {p.retraction_date for p in retracted} == {RETRACTION_DAY}
    assert sorted(p.first_author for p in retracted) == ["Feduccia AA", "Jerome L", "Mithoefer MC"]
    assert Publication.objects.exclude(retraction_status=RetractionStatus.RETRACTED).count() == 21
    assert Publication.objects.get(doi="10.1038/s41591-021-01336-3").retraction_status == (
        RetractionStatus.NONE
    )


@pytest.mark.django_db
def test_seed_stores_unverified_facts_as_unverified(seeded):
    mp1 = Trial.objects.get(acronym="MP-1")
    assert mp1.nct_id == "NCT00090064"
    assert mp1.nct_id_verified is False
    assert Trial.objects.get(nct_id="NCT03537014").nct_id_verified is True

    priority_review = milestone("fda-priority-review-2024")
    assert priority_review.verified is False
    assert priority_review.date_precision == Precision.MONTH
    assert str(priority_review.when) == "2024-02"
    assert priority_review.unverified_note


@pytest.mark.django_db
def test_seeded_mp18_has_the_norwegian_site_at_ostfold(seeded):
    mp18 = Trial.objects.get(nct_id="NCT04030169")
    norway = mp18.sites.get(country_code="NO")
    assert "Sykehuset Østfold" in norway.facility
    assert mp18.identifiers.filter(kind="EUDRACT", value="2018-001718-13").exists()
    assert Trial.objects.filter(sites__country_code="NO").distinct().count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "day"),
    [
        ("fda-btd-2017", datetime.date(2017, 8, 16)),
        ("tga-effective-2023", datetime.date(2023, 7, 1)),
        ("fda-adcomm-2024", datetime.date(2024, 6, 4)),
        ("fda-crl-2024", datetime.date(2024, 8, 9)),
        ("retractions-2024", RETRACTION_DAY),
    ],
)
def test_seeded_milestone_has_its_exact_day(seeded, key, day):
    record = milestone(key)
    assert (record.date, record.date_precision) == (day, Precision.DAY)


@pytest.mark.django_db
def test_seeded_advisory_committee_records_both_votes(seeded):
    details = milestone("fda-adcomm-2024").outcome_details
    assert "2 yes, 9 no" in details
    assert "1 yes, 10 no" in details


@pytest.mark.django_db
def test_editors_change_to_a_seeded_record_survives_reseeding(seeded):
    mapp1 = Trial.objects.get(nct_id="NCT03537014")
    mapp1.enrollment = 91
    mapp1.brief_title = "Corrected by an editor"
    mapp1.save()
    paper = Publication.objects.get(doi="10.1038/s41591-021-01336-3")
    paper.title = "Edited title"
    paper.save()
    vote = milestone("fda-adcomm-2024")
    vote.outcome_details = "Edited details"
    vote.save()
    mapp1.arms.filter(participants=44).delete()

    call_command("seed", verbosity=0)

    mapp1.refresh_from_db()
    assert (mapp1.enrollment, mapp1.brief_title) == (91, "Corrected by an editor")
    assert mapp1.arms.count() == 1
    assert Publication.objects.get(doi="10.1038/s41591-021-01336-3").title == "Edited title"
    assert milestone("fda-adcomm-2024").outcome_details == "Edited details"
    assert Trial.objects.count() == 18


@pytest.mark.django_db
def test_seed_finds_a_trial_under_its_former_nct_id_instead_of_duplicating_it():
    call_command("seed", verbosity=0)
    mapp1 = Trial.objects.get(nct_id="NCT03537014")
    # The registry merged MAPP1 into a new record; the old id became an alias.
    mapp1.identifiers.create(kind="NCT_ALIAS", value="NCT03537014")
    Trial.objects.filter(pk=mapp1.pk).update(nct_id="NCT09999999", slug="renumbered")

    call_command("seed", verbosity=0)

    assert Trial.objects.count() == 18
    assert not Trial.objects.filter(nct_id="NCT03537014").exists()


# Every curated number in fixtures/ comes from the shared fact sheet.

FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures"
# trials.json cites papers as "doi:10...", stricter than the running text DOI_TEXT reads.
_DOI = re.compile(r"doi:(10\.\S+)")


@pytest.fixture(scope="session")
def facts_dir() -> Path:
    return facts_path()


def fixture_records(name: str) -> dict[str, dict]:
    return {rec["key"]: rec for rec in read_json(FIXTURES_DIR / f"{name}.json")}


def fact_trials(facts_dir: Path) -> list[tuple[dict, dict]]:
    """Pairs of (facts record, fixture record) for every trial in the facts."""
    fixtures = fixture_records("trials")
    return [
        (fact, fixtures[FACT_TRIAL_KEYS[fact["id"]]])
        for fact in read_json(facts_dir / "trials.json")
    ]


def source_host(source: str) -> str:
    host = re.sub(r"^https?://", "", source).split("/")[0].split(" ")[0]
    return host.removeprefix("www.")


def test_every_trial_in_the_facts_is_in_the_fixtures(facts_dir):
    fact_ids = {fact["id"] for fact in read_json(facts_dir / "trials.json")}
    assert fact_ids == set(FACT_TRIAL_KEYS)
    assert set(FACT_TRIAL_KEYS.values()) <= set(fixture_records("trials"))


def test_fixture_registry_ids_and_their_verification_match_the_facts(facts_dir):
    problems = []
    for fact, rec in fact_trials(facts_dir):
        nct_ids = NCT.findall(fact["registry"])
        expected = nct_ids[0] if nct_ids else None
        if rec.get("nct_id") != expected:
            problems.append(f"{fact['id']}: nct_id {rec.get('nct_id')} != {expected}")
        if expected and rec.get("nct_id_verified", True) != fact["registry_verified"]:
            problems.append(f"{fact['id']}: nct_id_verified differs from registry_verified")
        if "UNVERIFIED" in fact["registry"] and rec["verified"]:
            problems.append(f"{fact['id']}: registry id is unverified but the record is verified")
        eudract = {i["value"] for i in rec.get("identifiers", []) if i["kind"] == "EUDRACT"}
        for number in EUDRACT.findall(fact["registry"]):
            if number not in eudract:
                problems.append(f"{fact['id']}: EudraCT {number} missing")
    assert problems == []


def test_fixture_enrollment_matches_the_facts(facts_dir):
    sheet = (facts_dir / "mdma_facts.md").read_text(encoding="utf-8")
    problems = []
    for fact, rec in fact_trials(facts_dir):
        expected = fact["n"]
        if fact["id"] in ENROLLMENT_EXCEPTIONS:
            expected, justification = ENROLLMENT_EXCEPTIONS[fact["id"]]
            assert justification in sheet, f"{fact['id']}: exception no longer in the sheet"
        if expected is not None and rec.get("enrollment") != expected:
            problems.append(f"{fact['id']}: enrollment {rec.get('enrollment')} != {expected}")
    assert problems == []


def test_fixture_dates_and_phases_match_the_facts(facts_dir):
    problems = []
    for fact, rec in fact_trials(facts_dir):
        for fact_field, fixture_field in [
            ("start", "start"),
            ("primary_completion", "primary_completion"),
            ("end", "completion"),
        ]:
            if fact_field in fact and rec.get(fixture_field) != fact[fact_field]:
                problems.append(f"{fact['id']}: {fixture_field} {rec.get(fixture_field)}")
        phases = {f"PHASE{digit}" for digit in re.findall(r"\b([1-4])\b", fact["phase"])}
        if set(rec["phases"]) != phases:
            problems.append(f"{fact['id']}: phases {rec['phases']} != {sorted(phases)}")
    assert problems == []


def test_fixture_trials_cite_the_same_sites_as_the_facts(facts_dir):
    problems = []
    for fact, rec in fact_trials(facts_dir):
        fact_hosts = {source_host(s) for s in fact["sources"]}
        if not fact_hosts & {source_host(s) for s in rec["sources"]}:
            problems.append(f"{fact['id']}: none of {sorted(fact_hosts)} cited")
    assert problems == []


def test_fixture_trials_link_the_publications_the_facts_name(facts_dir):
    publications = list(fixture_records("publications").values())
    problems = []
    for fact, rec in fact_trials(facts_dir):
        text = fact.get("publication", "")
        for doi in _DOI.findall(text):
            paper = next((p for p in publications if p.get("doi") == doi), None)
            if paper is None or rec["key"] not in paper.get("trials", []):
                problems.append(f"{fact['id']}: doi {doi} not linked")
        for pmid in PMID.findall(text):
            if not any(p.get("pmid") == pmid for p in publications):
                problems.append(f"{fact['id']}: PMID {pmid} missing")
    assert problems == []


def test_fixture_effect_estimates_use_numbers_from_the_facts(facts_dir):
    numbers_by_key = {}
    for fact, rec in fact_trials(facts_dir):
        text = " ".join(str(fact.get(f) or "") for f in ("n", "arms", "result"))
        numbers_by_key[rec["key"]] = {float(n) for n in NUMBER.findall(text)}
    problems = []
    for key, estimate in fixture_records("estimates").items():
        if not estimate.get("trial"):
            continue
        for field_name in ("value", "ci_low", "ci_high", "n_treatment", "n_control"):
            value = estimate.get(field_name)
            if value is not None and float(value) not in numbers_by_key[estimate["trial"]]:
                problems.append(f"{key}: {field_name} {value} is not in the facts")
    assert problems == []


def test_fixture_milestones_match_the_regulatory_timeline(facts_dir):
    milestones = fixture_records("milestones").values()
    problems = []
    for fact in read_json(facts_dir / "regulatory_timeline.json"):
        # "2024-10/11" means October or November 2024.
        first, _, others = fact["date"].partition("/")
        allowed = {first} | {f"{first[:5]}{month}" for month in others.split()}
        matches = [rec for rec in milestones if rec["date"].removeprefix("~") in allowed]
        if len(matches) != 1:
            problems.append(f"{fact['date']}: {len(matches)} milestones on that date")
        elif matches[0]["verified"] != fact["verified"]:
            problems.append(f"{fact['date']}: verified should be {fact['verified']}")
    assert problems == []


def test_fixture_retraction_dates_match_the_timeline(facts_dir):
    timeline = read_json(facts_dir / "regulatory_timeline.json")
    retraction_day = next(f["date"] for f in timeline if "retracts" in f["event"])
    retracted = [p for p in fixture_records("publications").values() if p.get("retraction_status")]
    assert len(retracted) == 3
    assert {p["retraction_date"] for p in retracted} == {retraction_day}
