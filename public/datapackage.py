"""Write the Frictionless Data Package served at /data/: datapackage.json and one CSV per table.

The package is built in a fresh folder and swapped in by a rename, so a reader never sees
half a package. Every resource carries its sha256 hash and byte count; the package's
version is the data timestamp of the build.
"""

import csv
import hashlib
import json
import shutil
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from public import datapackage_tables as t
from public.freshness import data_timestamp
from public.safety_data import SAFETY_TABLE

S, INT, N, B, D = "string", "integer", "number", "boolean", "date"
EDITORIAL = [
    ("verified", B, "checked against a primary source"),
    ("unverified_note", S, "what could not be confirmed"),
    ("sources", S, "sources, separated by |"),
]
PAGE = [("url_path", S, "the record's page on this site")]
TRIAL_KEY = [("trial_key", S, "the trial's key (NCT id, or slug without one)")]


def _to_trials(field_name: str = "trial_key") -> dict:
    return {"fields": field_name, "reference": {"resource": "trials", "fields": "key"}}


TABLES = [
    t.Table(
        "trials",
        "Trials as the registry describes them",
        [("key", S, "NCT id, or slug without one"), ("nct_id", S, ""), ("slug", S, "")]
        + [(n, S, "") for n in ("acronym", "brief_title", "official_title")]
        + [("overall_status", S, "as ClinicalTrials.gov spells it"), ("why_stopped", S, "")]
        + [("study_type", S, ""), ("phases", S, "phase codes, separated by |")]
        + [(n, S, "") for n in ("allocation", "masking", "primary_purpose")]
        + [("enrollment", INT, ""), ("enrollment_type", S, "ACTUAL or ESTIMATED")]
        + [("has_results", B, "results posted on the registry"), ("lead_sponsor", S, "")]
        + [("record_source", S, "registry or curated")]
        + [(n, t.PARTIAL, n.replace("_", " ")) for n in t.TRIAL_DATES]
        + EDITORIAL[:2]
        + PAGE,
        t.trial_rows,
        primary_key=["key"],
    ),
    t.Table(
        "arms",
        "Arms and groups with the MDMA dose per session",
        TRIAL_KEY
        + [("label", S, ""), ("arm_type", S, ""), ("description", S, "")]
        + [("dose_unit", S, "unit of the dose amounts as the source states it (never converted)")]
        + [
            ("dose_initial_min", N, "initial dose per session, lowest"),
            ("dose_initial_max", N, "initial dose per session, highest"),
        ]
        + [
            ("dose_supplemental_min", N, "supplemental dose, lowest"),
            ("dose_supplemental_max", N, "supplemental dose, highest"),
        ]
        + [("dose_source_text", S, "the source's words for the dose")]
        + [("dosing_sessions", INT, ""), ("participants", INT, ""), ("dose_note", S, "")]
        + [("record_source", S, "registry or curated")],
        t.arm_rows,
        foreign_keys=[_to_trials()],
    ),
    t.Table(
        "sites",
        "Where trials run",
        TRIAL_KEY
        + [(n, S, "") for n in ("facility", "city", "state", "country")]
        + [("country_code", S, "ISO 3166 alpha-2"), ("status", S, "")],
        t.site_rows,
        foreign_keys=[_to_trials()],
    ),
    t.Table(
        "conditions",
        "Conditions studied",
        TRIAL_KEY + [("condition", S, ""), ("mesh_term", S, ""), ("mesh_id", S, "")],
        t.condition_rows,
        foreign_keys=[_to_trials()],
    ),
    t.Table(
        "outcomes",
        "Outcome measures as registered",
        TRIAL_KEY + [(n, S, "") for n in ("kind", "measure", "description", "time_frame")],
        t.outcome_rows,
        foreign_keys=[_to_trials()],
    ),
    t.Table(
        "results",
        "Posted results: one row per measurement, the registry's text beside the number",
        TRIAL_KEY
        + [(n, S, "") for n in ("outcome_title", "outcome_type", "param_type")]
        + [(n, S, "") for n in ("dispersion_type", "unit_of_measure", "time_frame")]
        + [(n, S, "") for n in ("group_code", "group_title", "class_title", "category")]
        + [
            column
            for name in t.RESULT_VALUES
            for column in ((f"{name}_raw", S, "as the registry wrote it"), (name, N, "parsed"))
        ],
        t.result_rows,
        foreign_keys=[_to_trials()],
    ),
    t.Table(
        "adverse_events",
        "Adverse-event totals per results group",
        TRIAL_KEY
        + [("group_code", S, ""), ("group_title", S, "")]
        + [(f"{kind}_{what}", INT, "") for kind in t.AE_COUNTS for what in ("affected", "at_risk")],
        t.adverse_event_rows,
        foreign_keys=[_to_trials()],
    ),
    t.Table(
        "milestones",
        "Regulatory and other dated milestones",
        [("id", INT, "")]
        + [(n, S, "") for n in ("agency", "jurisdiction", "kind", "title", "summary")]
        + [("outcome_details", S, ""), ("trial_keys", S, "published trials, separated by |")]
        + [("publication_ids", S, "published publications, separated by |")]
        + [("date", t.PARTIAL, "date")]
        + EDITORIAL
        + PAGE,
        t.milestone_rows,
        primary_key=["id"],
    ),
    t.Table(
        "publications",
        "Papers, reviews and regulatory documents, with retractions",
        [("id", INT, "")]
        + [(n, S, "") for n in ("title", "authors", "first_author", "journal")]
        + [("year", INT, ""), ("citation", S, "volume, issue and pages")]
        + [("doi", S, ""), ("pmid", S, ""), ("kind", S, "")]
        + [("retraction_status", S, "none, retracted, concern or corrected")]
        + [("retraction_date", D, ""), ("retraction_notice", S, "")]
        + [("external_url", S, "publisher's page")]
        + [("trial_keys", S, "published trials, separated by |")]
        + EDITORIAL
        + PAGE,
        t.publication_rows,
        primary_key=["id"],
    ),
    t.Table(
        "estimates",
        "Effect estimates as the papers report them",
        [("id", INT, ""), ("label", S, ""), ("outcome_measure", S, ""), ("comparison", S, "")]
        + [("metric", S, ""), ("value", N, ""), ("ci_low", N, ""), ("ci_high", N, "")]
        + [("ci_level", N, "percent"), ("se", N, "standard error")]
        + [("n_treatment", INT, ""), ("n_control", INT, ""), ("p_value_raw", S, "as printed")]
        + [("time_point", S, ""), ("randomised_controlled", B, "")]
        + [("trial_key", S, "published trial, if any")]
        + [("source_publication_id", INT, "published source, if any")]
        + EDITORIAL,
        t.estimate_rows,
        primary_key=["id"],
        foreign_keys=[
            _to_trials(),
            {
                "fields": "source_publication_id",
                "reference": {"resource": "publications", "fields": "id"},
            },
        ],
    ),
    SAFETY_TABLE,
]


def cell(value) -> str:
    """A value as Table Schema reads it by default: empty for unknown, true/false, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def write_table(table: t.Table, folder: Path) -> dict:
    """Write one CSV and return its resource descriptor, with hash and size."""
    fields = t.fields_of(table)
    names = [f["name"] for f in fields]
    path = folder / f"{table.name}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        for row in table.rows():
            writer.writerow([cell(row.get(name)) for name in names])
    content = path.read_bytes()
    schema = {"fields": fields, "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = table.primary_key
    if table.foreign_keys:
        schema["foreignKeys"] = table.foreign_keys
    return {
        "name": table.name,
        "title": table.title,
        "path": path.name,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(content),
        "hash": f"sha256:{hashlib.sha256(content).hexdigest()}",
        "schema": schema,
    }


def descriptor(resources: list[dict], stamp: datetime | None, built: datetime) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": "mdma-evidence-tracker",
        "title": "MDMA Evidence Tracker: trials and curated evidence",
        "description": "Published records only, exactly as the site shows them.",
        # To the microsecond: a publish within the same second as the last build is a new
        # version, and --if-stale compares it exactly.
        "version": (stamp or built).strftime("%Y.%m.%d.%H%M%S.%f"),
        "created": built.isoformat(timespec="seconds"),
        "data_timestamp": stamp.isoformat() if stamp else None,
        "licenses": [{"name": "ODC-BY-1.0", "path": "https://opendatacommons.org/licenses/by/"}],
        "sources": [{"title": "ClinicalTrials.gov", "path": "https://clinicaltrials.gov/"}],
        "resources": resources,
    }


def is_current(target: Path) -> bool:
    """The package in `target` was built from the data as it is now (nothing published,
    withdrawn, edited or imported since)."""
    try:
        built = json.loads((Path(target) / "datapackage.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return False
    stamp = data_timestamp()
    return built.get("data_timestamp") == (stamp.isoformat() if stamp else None)


def build_package(target: Path) -> dict:
    """Write the whole package into `target`, replacing any previous one in a single rename."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    built = timezone.now()
    work = Path(tempfile.mkdtemp(prefix=".datapackage-", dir=target.parent))
    try:
        resources = [write_table(table, work) for table in TABLES]
        package = descriptor(resources, data_timestamp(), built)
        text = json.dumps(package, indent=2, ensure_ascii=False)
        (work / "datapackage.json").write_text(text + "\n", encoding="utf-8")
        old = target.with_name(f".{target.name}-old")
        if target.exists():
            target.rename(old)
        work.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return package
