"""Every fact in shared/facts, compared field by field with the record `seed` puts in the database.

The fact sheet is the source of every curated number; this reads it afresh
(trials.json, regulatory_timeline.json and the tables of mdma_facts.md) and
fails, listing each difference, when a seeded record says something else.
Arm doses are checked by the dose tests, not here.
"""

import datetime
import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

from evidence.models import EffectEstimate, Publication, RegulatoryMilestone
from trials.models import CuratedTrialFacts, Site, Trial
from trials.models.curated_facts import ResultsStatus

DEFAULT_FACTS_DIR = Path(__file__).resolve().parents[2] / "shared" / "facts"
RETRACTION_DAY = "2024-08-10"

# trials.json id -> fixture key; a trial added to the facts fails until mapped.
FACT_TRIAL_KEYS = {
    "MP-1": "mp-1",
    "MP-2": "mp-2",
    "MP-4": "mp-4",
    "MP-8": "mp-8",
    "MP-9": "mp-9",
    "MP-12": "mp-12",
    "MP-16": "mp-16",
    "MAPP1": "mapp1",
    "MAPP2": "mapp2",
    "MPLONG": "mplong",
    "OLE (MAPPUSX?)": "mappusx",
    "MP18 Europe (incl. Ostfold NO)": "mp18",
    "Ostfold MDD": "ostfold-mdd",
    "Autism social anxiety": "autism-social-anxiety",
    "LTI anxiety": "lti-anxiety",
    "BIMA (AUD)": "bima",
    "CBCT couples": "cbct-couples",
}
# Where the seed deliberately differs, with the sheet's words that justify it.
ENROLLMENT_EXCEPTIONS = {"MP-12": (29, "28 ITT (29 enrolled)")}
STATUS_CODES = {
    "Completed": "COMPLETED",
    "Completed (mirror)": "COMPLETED",
    "Terminated early (accrual)": "TERMINATED",
}
COUNTRY_CODES = {
    "US": "US",
    "CA": "CA",
    "IL": "IL",
    "Canada": "CA",
    "Israel": "IL",
    "Switzerland": "CH",
    "Norway": "NO",
    "UK": "GB",
}
MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}

_NCT = re.compile(r"NCT\d{8}")
_EUDRACT = re.compile(r"EudraCT (\d{4}-\d{6}-\d{2})")
_DOI_TEXT = re.compile(r"doi[: ](10\.\d{4,9}/[^\s,;\]]+)")
_PMID = re.compile(r"PMID (\d+)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})")
_WORD_DAY = re.compile(r"([A-Z][a-z]{2}) (\d{1,2}) (\d{4})")


@pytest.fixture(scope="module")
def facts_dir() -> Path:
    path = Path(os.environ.get("FACTS_DIR") or DEFAULT_FACTS_DIR)
    if not (path / "trials.json").is_file():
        message = f"Curated facts not found at {path} (set FACTS_DIR)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def dois_in(text: str) -> list[str]:
    """DOIs in running text; a DOI may hold brackets, a closing one it did not open is prose."""
    found = []
    for doi in _DOI_TEXT.findall(text):
        doi = doi.rstrip(".")
        while doi.endswith(")") and doi.count(")") > doi.count("("):
            doi = doi[:-1]
        found.append(doi)
    return found


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def sheet(facts_dir: Path) -> str:
    # The sheet writes minus signs and dashes as in print.
    text = (facts_dir / "mdma_facts.md").read_text(encoding="utf-8")
    return text.replace("−", "-").replace("–", "-")


def table_rows(facts_dir: Path, section: str) -> list[list[str]]:
    """The body rows of table `section` ("A", "B", "C") as lists of cell texts."""
    text = sheet(facts_dir)
    start = text.index(f"## {section}.")
    end = text.find("\n## ", start + 1)
    rows = []
    for line in text[start:end].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if (
            line.startswith("|")
            and not set(cells[0]) <= {"-"}
            and cells[0]
            not in {
                "Trial",
                "Analysis",
                "Date",
            }
        ):
            rows.append(cells)
    return rows


def plain(text: str) -> str:
    text = text.replace("ø", "o").replace("Ø", "O")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def host(source: str) -> str:
    return re.sub(r"^https?://", "", source).split("/")[0].split(" ")[0].removeprefix("www.")


def word_day(match) -> str:
    month, day, year = match.groups()
    return datetime.date(int(year), MONTHS[month], int(day)).isoformat()


def seeded_trials() -> dict[str, Trial]:
    trials = Trial.objects.prefetch_related(
        "phases", "identifiers", "sites", "publications", "collaborators"
    ).select_related("lead_sponsor")
    return {t.slug: t for t in trials}


def trial_of_row(row: list[str], trials: dict[str, Trial]) -> Trial | None:
    """The seeded trial a table A row is about, by its NCT or EudraCT number."""
    registry = row[1]
    for trial in trials.values():
        if trial.nct_id and trial.nct_id in _NCT.findall(registry):
            return trial
    for trial in trials.values():
        eudract = {i.value for i in trial.identifiers.all() if i.kind == "EUDRACT"}
        if eudract & set(_EUDRACT.findall(registry)):
            return trial
    return None


def curated(trial: Trial) -> CuratedTrialFacts | None:
    return CuratedTrialFacts.objects.filter(trial=trial).first()


def countries_of(trial: Trial) -> set[str]:
    codes = {s.country_code for s in trial.sites.all() if s.country_code}
    facts = curated(trial)
    return codes | set(facts.country_codes if facts else [])


def check_trial(fact: dict, trial: Trial, sheet_text: str) -> list[str]:
    problems = []
    name = fact["id"]

    def differs(what, seeded, expected):
        if seeded != expected:
            problems.append(f"{name}: {what} is {seeded!r}, the facts say {expected!r}")

    nct_ids = _NCT.findall(fact["registry"])
    differs("NCT id", trial.nct_id, nct_ids[0] if nct_ids else None)
    if nct_ids:
        differs("NCT id verified", trial.nct_id_verified, fact["registry_verified"])
    if "UNVERIFIED" in fact["registry"] and trial.verified:
        problems.append(f"{name}: registry id unverified but the trial is marked verified")
    eudract = {i.value for i in trial.identifiers.all() if i.kind == "EUDRACT"}
    differs("EudraCT numbers", eudract, set(_EUDRACT.findall(fact["registry"])))
    expected_n = fact["n"]
    if name in ENROLLMENT_EXCEPTIONS:
        expected_n, words = ENROLLMENT_EXCEPTIONS[name]
        assert words in sheet_text, f"{name}: the exception's justification left the sheet"
    if expected_n is not None:
        differs("enrollment", trial.enrollment, expected_n)
    phases = {f"PHASE{d}" for d in re.findall(r"\b([1-4])\b", fact["phase"])}
    differs("phases", {p.code for p in trial.phases.all()}, phases)
    for fact_field, shown in [
        ("start", trial.start),
        ("primary_completion", trial.primary_completion),
        ("end", trial.completion),
    ]:
        if fact_field in fact:
            differs(fact_field, str(shown), fact[fact_field])
    if "status" in fact:
        differs("status", trial.overall_status, STATUS_CODES[fact["status"]])
    elif trial.overall_status and "status" not in trial.unverified_note.lower():
        problems.append(f"{name}: status {trial.overall_status} has no fact and no caveat")
    if "country" in fact:
        expected = {
            COUNTRY_CODES.get(p.strip(), p.strip()) for p in re.split(r"[/,]", fact["country"])
        }
        differs("countries", countries_of(trial), expected)
    sponsor = plain(fact["sponsor"]).split()[0]
    organisations = [trial.lead_sponsor.name if trial.lead_sponsor else ""]
    organisations += [o.name for o in trial.collaborators.all()]
    if not any(sponsor in plain(o) for o in organisations):
        problems.append(f"{name}: sponsor {fact['sponsor']!r} not in {organisations}")
    dois = {p.doi for p in trial.publications.all()}
    for doi in dois_in(fact.get("publication", "")):
        if doi not in dois:
            problems.append(f"{name}: publication doi {doi} not linked")
    if not {host(s) for s in fact["sources"]} & {host(s.text) for s in trial.source_list}:
        problems.append(f"{name}: none of the facts' sources is cited")
    return problems


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
    missing += [f"PMID {p}" for p in _PMID.findall(text) if p not in pmids]
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
    return {float(n) for text in texts for n in _NUMBER.findall(text)}


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
        if match := re.search(r"results posted " + _DAY.pattern, dates):
            expected[trial.pk] = match.group(1)
        elif match := re.search(r"results " + _WORD_DAY.pattern, dates):
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
        match = re.search(r"recruiting " + _WORD_DAY.pattern + r" - " + _WORD_DAY.pattern, cells[5])
        if not match:
            continue
        trial = trial_of_row(cells, trials)
        start = word_day(re.match(_WORD_DAY, match.group(0).removeprefix("recruiting ")))
        end = word_day(list(_WORD_DAY.finditer(match.group(0)))[-1])
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
