"""Reading shared/facts for the cross-check test: the sheet's tables, dates, DOIs and hosts."""

import datetime
import json
import os
import re
import unicodedata
from pathlib import Path

from tests.conftest import shared_folder
from trials.models import CuratedTrialFacts, Trial

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

NCT = re.compile(r"NCT\d{8}")
EUDRACT = re.compile(r"EudraCT (\d{4}-\d{6}-\d{2})")
DOI_TEXT = re.compile(r"doi[: ](10\.\d{4,9}/[^\s,;\]]+)")
PMID = re.compile(r"PMID (\d+)")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
DAY = re.compile(r"(\d{4}-\d{2}-\d{2})")
WORD_DAY = re.compile(r"([A-Z][a-z]{2}) (\d{1,2}) (\d{4})")


def facts_path() -> Path:
    """The shared fact sheet."""
    path = Path(os.environ.get("FACTS_DIR") or DEFAULT_FACTS_DIR)
    return shared_folder(path, "trials.json", "Curated facts", "FACTS_DIR")


def dois_in(text: str) -> list[str]:
    """DOIs in running text; a DOI may hold brackets, a closing one it did not open is prose."""
    found = []
    for doi in DOI_TEXT.findall(text):
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
        if trial.nct_id and trial.nct_id in NCT.findall(registry):
            return trial
    for trial in trials.values():
        eudract = {i.value for i in trial.identifiers.all() if i.kind == "EUDRACT"}
        if eudract & set(EUDRACT.findall(registry)):
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

    nct_ids = NCT.findall(fact["registry"])
    differs("NCT id", trial.nct_id, nct_ids[0] if nct_ids else None)
    if nct_ids:
        differs("NCT id verified", trial.nct_id_verified, fact["registry_verified"])
    if "UNVERIFIED" in fact["registry"] and trial.verified:
        problems.append(f"{name}: registry id unverified but the trial is marked verified")
    eudract = {i.value for i in trial.identifiers.all() if i.kind == "EUDRACT"}
    differs("EudraCT numbers", eudract, set(EUDRACT.findall(fact["registry"])))
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
