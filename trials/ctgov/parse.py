"""Pure functions from ClinicalTrials.gov API v2 JSON to plain, frozen data.

No database here: the upsert layer decides what to do with the result. Rules:
- enums are kept exactly as the API spells them; an unknown value is kept raw
  and reported in `ParsedStudy.warnings`, never an error;
- a module missing from the record (partial records fetched with `fields=`)
  parses to None, meaning "not known", as opposed to an empty tuple, "none";
- result numbers keep the registry's text beside the parsed float. An inequality
  such as "<0.001" parses to None: the exact value is unknown, the text says
  what is known (a bound would read as an exact p-value to anyone filtering);
- anything that makes a record unusable (no valid nctId, a malformed date or
  count, a field of the wrong JSON type) raises ParseError with a message naming
  the study and the field;
- every date keeps the registry's type (ACTUAL / ESTIMATED / ANTICIPATED) beside it;
- NUL characters are removed (PostgreSQL refuses them) with a warning.
"""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from trials import choices
from trials.ctgov.parse_adverse_events import adverse_events
from trials.ctgov.parse_dates import registry_date, results_state, results_submitted
from trials.ctgov.parse_flow import baseline, participant_flow
from trials.ctgov.parse_protocol import arms_and_interventions, identifiers, org, site
from trials.ctgov.parse_protocol import conditions as conditions_of
from trials.ctgov.parse_results import event_group, result_outcome
from trials.ctgov.parse_values import enum_text as _enum
from trials.ctgov.parse_values import text as _text
from trials.ctgov.parse_values import whole_count
from trials.ctgov.records import (
    LegacyFormatError,
    OutcomeData,
    ParsedStudy,
    ParseError,
)
from trials.ctgov.schema import check_types, strip_nul

# Bump when parsing changes meaning, so stored hashes no longer match and the
# next import re-applies every record.
PARSER_VERSION = "2"
NCT_ID = re.compile(r"^NCT\d{8}$")
LEGACY_KEYS = ("FullStudiesResponse", "StudyFieldsResponse")
STATUS_DATES = (
    ("startDateStruct", "start_date"),
    ("primaryCompletionDateStruct", "primary_completion_date"),
    ("completionDateStruct", "completion_date"),
    ("studyFirstPostDateStruct", "first_posted"),
    ("lastUpdatePostDateStruct", "last_update_posted"),
    ("resultsFirstPostDateStruct", "results_first_posted"),
)
DESIGN_ENUMS = (
    ("allocation", "allocation", choices.Allocation),
    ("interventionModel", "intervention_model", choices.InterventionModel),
)
OUTCOME_KINDS = {
    "primaryOutcomes": choices.OutcomeKind.PRIMARY,
    "secondaryOutcomes": choices.OutcomeKind.SECONDARY,
    "otherOutcomes": choices.OutcomeKind.OTHER,
}


def studies_in_document(data: Any, name: str = "document") -> list[dict]:
    """The study records in a saved API v2 document: a single study or a /studies page."""
    if isinstance(data, dict):
        for key in LEGACY_KEYS:
            if key in data:
                raise LegacyFormatError(
                    f"{name} is a {key} from the retired classic ClinicalTrials.gov API; "
                    "only API v2 documents (a study or a /studies page) can be imported"
                )
        if isinstance(data.get("studies"), list):
            return list(data["studies"])
        if isinstance(data.get("protocolSection"), dict):
            return [data]
    raise ParseError(
        f"{name} is not a ClinicalTrials.gov API v2 study or /studies page "
        "(expected a 'protocolSection' or a 'studies' list)"
    )


def raw_json_text(study: dict) -> str:
    """The record as the canonical JSON text `raw_hash` fingerprints."""
    return json.dumps(study, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def raw_hash(study: dict) -> str:
    """A stable fingerprint of a record (and of the parser that reads it)."""
    return raw_text_hash(raw_json_text(study))


def raw_text_hash(text: str) -> str:
    """`raw_hash` of a record already dumped by `raw_json_text`."""
    return hashlib.sha256(f"{PARSER_VERSION}\n{text}".encode()).hexdigest()


def study_nct_id(study: Any) -> str:
    """The record's NCT id, or ParseError if it has none or a malformed one."""
    ident = _module(study, "identificationModule") if isinstance(study, dict) else None
    nct_id = ident.get("nctId") if ident else None
    if not isinstance(nct_id, str) or not NCT_ID.match(nct_id.strip().upper()):
        raise ParseError(f"study has no valid identificationModule.nctId (got {nct_id!r})")
    return nct_id.strip().upper()


def parse_study(study: dict) -> ParsedStudy:
    """Parse one API v2 study record."""
    nct_id = study_nct_id(study)
    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(f"{nct_id}: {message}")

    study, removed = strip_nul(study)
    if removed:
        warn(f"{removed} NUL character(s) removed from the record")
    check_types(study, nct_id)
    try:
        parsed = _parse(study, nct_id, warn)
    except (TypeError, AttributeError, KeyError) as exc:
        # A wrong JSON type somewhere (a string where a list belongs): schema drift.
        raise ParseError(f"{nct_id}: unexpected record structure ({exc})") from exc
    return ParsedStudy(**parsed, warnings=tuple(warnings))


@dataclass
class _Reading:
    """One record being parsed: the module readers fill in `fields` and `out`."""

    study: dict
    nct_id: str
    warn: Callable[[str], None]
    fields: dict[str, Any] = field(default_factory=dict)
    out: dict[str, Any] = field(default_factory=dict)


def _parse(study: dict, nct_id: str, warn) -> dict:
    r = _Reading(study, nct_id, warn, out={"nct_id": nct_id, "aliases": ()})
    # In the record's order, so the fields (and the change log) keep a stable order.
    for name, read in PROTOCOL_READERS:
        if (module := _module(study, name)) is not None:
            read(r, module)
    _read_results(r)
    r.out["fields"] = MappingProxyType(r.fields)
    return r.out


def _read_identification(r: _Reading, ident: dict) -> None:
    aliases = [a.strip().upper() for a in ident.get("nctIdAliases") or []]
    r.out["aliases"] = tuple(a for a in dict.fromkeys(aliases) if NCT_ID.match(a) and a != r.nct_id)
    # Never blank a title: a record fetched without it says nothing about it.
    for key, name in (("briefTitle", "brief_title"), ("officialTitle", "official_title")):
        if _text(ident.get(key)):
            r.fields[name] = _text(ident[key])
    r.fields["acronym"] = _text(ident.get("acronym"))
    r.out["identifiers"] = identifiers(ident, r.nct_id, r.warn)


def _read_description(r: _Reading, desc: dict) -> None:
    r.fields["summary"] = _text(desc.get("briefSummary"))


def _read_status(r: _Reading, status: dict) -> None:
    fields, nct_id, warn = r.fields, r.nct_id, r.warn
    fields["overall_status"] = _enum(
        status.get("overallStatus"), choices.OverallStatus, "overallStatus", warn
    )
    fields["why_stopped"] = _text(status.get("whyStopped"))
    fields["last_known_status"] = _enum(
        status.get("lastKnownStatus"), choices.OverallStatus, "lastKnownStatus", warn
    )
    fields["status_verified_date"] = registry_date(
        {"date": status.get("statusVerifiedDate")}, "statusVerifiedDate", nct_id, warn
    )
    fields["results_first_submitted"] = results_submitted(r.study, status, nct_id, warn)
    for key, name in STATUS_DATES:
        fields[name] = registry_date(status.get(key), key, nct_id, warn)


def _read_design(r: _Reading, design: dict) -> None:
    fields, warn = r.fields, r.warn
    fields["study_type"] = _enum(design.get("studyType"), choices.StudyType, "studyType", warn)
    info = design.get("designInfo") or {}
    for key, name, enum in DESIGN_ENUMS:
        fields[name] = _enum(info.get(key), enum, key, warn)
    masking = (info.get("maskingInfo") or {}).get("masking")
    fields["masking"] = _enum(masking, choices.Masking, "masking", warn)
    fields["primary_purpose"] = _enum(
        info.get("primaryPurpose"), choices.PrimaryPurpose, "primaryPurpose", warn
    )
    enrollment = design.get("enrollmentInfo") or {}
    fields["enrollment"] = _count(enrollment.get("count"), "enrollmentInfo.count", r.nct_id)
    fields["enrollment_type"] = _enum(
        enrollment.get("type"), choices.EnrollmentType, "enrollmentInfo.type", warn
    )
    phases = [p for p in design.get("phases") or [] if isinstance(p, str)]
    for phase in phases:
        if phase not in choices.PhaseCode.values:
            warn(f"unknown phase {phase!r} stored as given")
    r.out["phases"] = tuple(dict.fromkeys(phases))


def _read_sponsors(r: _Reading, sponsors: dict) -> None:
    r.fields["lead_sponsor"] = org(sponsors.get("leadSponsor") or {})
    orgs = [org(c) for c in sponsors.get("collaborators") or []]
    r.out["collaborators"] = tuple(dict.fromkeys(o for o in orgs if o))


def _read_conditions(r: _Reading, conditions: dict) -> None:
    r.out["conditions"] = conditions_of(conditions, r.study.get("derivedSection") or {})


def _read_locations(r: _Reading, contacts: dict) -> None:
    r.out["sites"] = tuple(site(loc, r.warn) for loc in contacts.get("locations") or [])


def _read_arms(r: _Reading, arms: dict) -> None:
    r.out["arms"], r.out["interventions"] = arms_and_interventions(arms, r.warn)


def _read_outcomes(r: _Reading, outcomes: dict) -> None:
    r.out["outcomes"] = tuple(
        OutcomeData(
            kind, _text(o.get("measure")), _text(o.get("description")), _text(o.get("timeFrame"))
        )
        for key, kind in OUTCOME_KINDS.items()
        for o in outcomes.get(key) or []
    )


def _read_results(r: _Reading) -> None:
    study, nct_id = r.study, r.nct_id
    # A full record always says hasResults; without it (and without results) the
    # record was fetched partially and says nothing about results.
    if (results_status := results_state(study, r.fields)) is not None:
        r.fields["results_status"] = results_status
    if "hasResults" not in study and "resultsSection" not in study:
        return
    r.fields["has_results"] = bool(study.get("hasResults")) or "resultsSection" in study
    results = study.get("resultsSection") or {}
    measures = (results.get("outcomeMeasuresModule") or {}).get("outcomeMeasures") or []
    r.out["results"] = tuple(result_outcome(m) for m in measures)
    events = (results.get("adverseEventsModule") or {}).get("eventGroups") or []
    r.out["adverse_event_groups"] = tuple(event_group(g, nct_id) for g in events)
    r.out["participant_flow"] = participant_flow(results, nct_id)
    r.out["baseline"] = baseline(results, nct_id)
    r.out["adverse_events"] = adverse_events(results.get("adverseEventsModule"), nct_id)


PROTOCOL_READERS = (
    ("identificationModule", _read_identification),
    ("descriptionModule", _read_description),
    ("statusModule", _read_status),
    ("designModule", _read_design),
    ("sponsorCollaboratorsModule", _read_sponsors),
    ("conditionsModule", _read_conditions),
    ("contactsLocationsModule", _read_locations),
    ("armsInterventionsModule", _read_arms),
    ("outcomesModule", _read_outcomes),
)


def _module(study: dict, name: str) -> dict | None:
    module = (study.get("protocolSection") or {}).get(name)
    return module if isinstance(module, dict) else None


def _count(value: Any, label: str, nct_id: str) -> int | None:
    """A whole count, never negative; the API sends integers, an old dump may send "42"."""
    number = whole_count(value, label, nct_id)
    if number is not None and number < 0:
        raise ParseError(f"{nct_id}: {label} is negative: {value!r}")
    return number
