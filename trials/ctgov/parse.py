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
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import pycountry

from trials import choices
from trials.ctgov.doses import DoseData, first_stated_dose
from trials.ctgov.parse_adverse_events import adverse_events
from trials.ctgov.parse_dates import registry_date, results_state, results_submitted
from trials.ctgov.parse_flow import baseline, participant_flow
from trials.ctgov.parse_results import event_group, result_outcome
from trials.ctgov.records import (
    ArmData,
    ConditionData,
    IdentifierData,
    InterventionData,
    LegacyFormatError,
    Org,
    OutcomeData,
    ParsedStudy,
    ParseError,
    SiteData,
)
from trials.ctgov.schema import check_types, strip_nul

# Bump when parsing changes meaning, so stored hashes no longer match and the
# next import re-applies every record.
PARSER_VERSION = "2"
NCT_ID = re.compile(r"^NCT\d{8}$")
LEGACY_KEYS = ("FullStudiesResponse", "StudyFieldsResponse")
MDMA_WORDS = re.compile(r"\bMDMA\b|midomafetamine|methylenedioxymethamphetamine", re.I)
# ClinicalTrials.gov country names pycountry does not know.
COUNTRY_OVERRIDES = {
    "turkey": "TR",
    "macedonia, the former yugoslav republic of": "MK",
    "kosovo": "XK",
    "palestinian territory, occupied": "PS",
    "korea, democratic people's republic of": "KP",
}
SECONDARY_ID_KINDS = {
    "EUDRACT_NUMBER": choices.IdentifierKind.EUDRACT,
    "CTIS": choices.IdentifierKind.CTIS,
    "REGISTRY": choices.IdentifierKind.REGISTRY,
    "OTHER": choices.IdentifierKind.OTHER,
}
GRANT_TYPES = {"NIH", "FDA", "VA", "CDC", "AHRQ", "SAMHSA", "OTHER_GRANT"}
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


def _parse(study: dict, nct_id: str, warn) -> dict:
    fields: dict[str, Any] = {}
    out: dict[str, Any] = {"nct_id": nct_id, "aliases": ()}

    if (ident := _module(study, "identificationModule")) is not None:
        aliases = [a.strip().upper() for a in ident.get("nctIdAliases") or []]
        out["aliases"] = tuple(a for a in dict.fromkeys(aliases) if NCT_ID.match(a) and a != nct_id)
        # Never blank a title: a record fetched without it says nothing about it.
        for key, name in (("briefTitle", "brief_title"), ("officialTitle", "official_title")):
            if _text(ident.get(key)):
                fields[name] = _text(ident[key])
        fields["acronym"] = _text(ident.get("acronym"))
        out["identifiers"] = _identifiers(ident, nct_id, warn)

    if (desc := _module(study, "descriptionModule")) is not None:
        fields["summary"] = _text(desc.get("briefSummary"))

    if (status := _module(study, "statusModule")) is not None:
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
        fields["results_first_submitted"] = results_submitted(study, status, nct_id, warn)
        for key, name in (
            ("startDateStruct", "start_date"),
            ("primaryCompletionDateStruct", "primary_completion_date"),
            ("completionDateStruct", "completion_date"),
            ("studyFirstPostDateStruct", "first_posted"),
            ("lastUpdatePostDateStruct", "last_update_posted"),
            ("resultsFirstPostDateStruct", "results_first_posted"),
        ):
            fields[name] = registry_date(status.get(key), key, nct_id, warn)

    if (design := _module(study, "designModule")) is not None:
        fields["study_type"] = _enum(design.get("studyType"), choices.StudyType, "studyType", warn)
        info = design.get("designInfo") or {}
        fields["allocation"] = _enum(info.get("allocation"), choices.Allocation, "allocation", warn)
        fields["intervention_model"] = _enum(
            info.get("interventionModel"), choices.InterventionModel, "interventionModel", warn
        )
        masking = (info.get("maskingInfo") or {}).get("masking")
        fields["masking"] = _enum(masking, choices.Masking, "masking", warn)
        fields["primary_purpose"] = _enum(
            info.get("primaryPurpose"), choices.PrimaryPurpose, "primaryPurpose", warn
        )
        enrollment = design.get("enrollmentInfo") or {}
        fields["enrollment"] = _count(enrollment.get("count"), "enrollmentInfo.count", nct_id)
        fields["enrollment_type"] = _enum(
            enrollment.get("type"), choices.EnrollmentType, "enrollmentInfo.type", warn
        )
        phases = [p for p in design.get("phases") or [] if isinstance(p, str)]
        for phase in phases:
            if phase not in choices.PhaseCode.values:
                warn(f"unknown phase {phase!r} stored as given")
        out["phases"] = tuple(dict.fromkeys(phases))

    if (sponsors := _module(study, "sponsorCollaboratorsModule")) is not None:
        lead = sponsors.get("leadSponsor") or {}
        fields["lead_sponsor"] = _org(lead)
        orgs = [_org(c) for c in sponsors.get("collaborators") or []]
        out["collaborators"] = tuple(dict.fromkeys(o for o in orgs if o))

    if (conditions := _module(study, "conditionsModule")) is not None:
        out["conditions"] = _conditions(conditions, study.get("derivedSection") or {})

    if (contacts := _module(study, "contactsLocationsModule")) is not None:
        out["sites"] = tuple(_site(loc, warn) for loc in contacts.get("locations") or [])

    if (arms := _module(study, "armsInterventionsModule")) is not None:
        out["arms"], out["interventions"] = _arms_and_interventions(arms, warn)

    if (outcomes := _module(study, "outcomesModule")) is not None:
        out["outcomes"] = tuple(
            OutcomeData(
                kind,
                _text(o.get("measure")),
                _text(o.get("description")),
                _text(o.get("timeFrame")),
            )
            for key, kind in OUTCOME_KINDS.items()
            for o in outcomes.get(key) or []
        )

    # A full record always says hasResults; without it (and without results) the
    # record was fetched partially and says nothing about results.
    if (results_status := results_state(study, fields)) is not None:
        fields["results_status"] = results_status
    if "hasResults" in study or "resultsSection" in study:
        fields["has_results"] = bool(study.get("hasResults")) or "resultsSection" in study
        results = study.get("resultsSection") or {}
        measures = (results.get("outcomeMeasuresModule") or {}).get("outcomeMeasures") or []
        out["results"] = tuple(result_outcome(m) for m in measures)
        events = (results.get("adverseEventsModule") or {}).get("eventGroups") or []
        out["adverse_event_groups"] = tuple(event_group(g, nct_id) for g in events)
        out["participant_flow"] = participant_flow(results, nct_id)
        out["baseline"] = baseline(results, nct_id)
        out["adverse_events"] = adverse_events(results.get("adverseEventsModule"), nct_id)

    out["fields"] = MappingProxyType(fields)
    return out


def _module(study: dict, name: str) -> dict | None:
    module = (study.get("protocolSection") or {}).get(name)
    return module if isinstance(module, dict) else None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _enum(value: Any, enum, label: str, warn) -> str:
    text = _text(value)
    if text and text not in enum.values:
        warn(f"unknown {label} {text!r} stored as given")
    return text


def _count(value: Any, label: str, nct_id: str) -> int | None:
    """A whole count; the API sends integers, an old dump may send "42"."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ParseError(f"{nct_id}: {label} is not a whole number: {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise ParseError(f"{nct_id}: {label} is not a whole number: {value!r}") from None
    if number < 0:
        raise ParseError(f"{nct_id}: {label} is negative: {value!r}")
    return number


def _org(data: Any) -> Org | None:
    name = _text((data or {}).get("name"))
    return Org(name, _text(data.get("class"))) if name else None


def _identifiers(ident: dict, nct_id: str, warn) -> tuple[IdentifierData, ...]:
    found: dict[tuple[str, str], IdentifierData] = {}

    def add(kind: str, value: Any, description: str = "") -> None:
        value = _text(value)
        if value and value.upper() != nct_id and (kind, value) not in found:
            found[(kind, value)] = IdentifierData(kind, value, description)

    for alias in ident.get("nctIdAliases") or []:
        add(choices.IdentifierKind.NCT_ALIAS, _text(alias).upper())
    add(choices.IdentifierKind.SPONSOR, (ident.get("orgStudyIdInfo") or {}).get("id"))
    for info in ident.get("secondaryIdInfos") or []:
        id_type, domain = _text(info.get("type")), _text(info.get("domain"))
        value = _text(info.get("id"))
        if id_type in GRANT_TYPES:
            add(choices.IdentifierKind.OTHER, value, " ".join(p for p in (id_type, domain) if p))
        elif id_type == "REGISTRY" and value.upper().startswith("ISRCTN"):
            add(choices.IdentifierKind.ISRCTN, value, domain)
        else:
            if id_type and id_type not in SECONDARY_ID_KINDS:
                warn(f"unknown secondary id type {id_type!r} stored as OTHER")
            add(SECONDARY_ID_KINDS.get(id_type, choices.IdentifierKind.OTHER), value, domain)
    return tuple(found.values())


def _conditions(module: dict, derived: dict) -> tuple[ConditionData, ...]:
    """Conditions with their MeSH term where the registry's indexing matched one."""
    browse = derived.get("conditionBrowseModule") or {}
    mesh_ids = {
        _text(m.get("term")).casefold(): _text(m.get("id")) for m in browse.get("meshes") or []
    }
    # browseLeaves say which MeSH term each condition text was found as.
    found_as: dict[str, str] = {}
    for leaf in browse.get("browseLeaves") or []:
        term, as_found = _text(leaf.get("name")), _text(leaf.get("asFound")).casefold()
        if as_found and term.casefold() in mesh_ids:
            found_as.setdefault(as_found, term)
    terms = {
        _text(m.get("term")).casefold(): _text(m.get("term")) for m in browse.get("meshes") or []
    }
    result = {}
    for name in module.get("conditions") or []:
        name = _text(name)
        if not name or name.casefold() in result:
            continue
        term = found_as.get(name.casefold()) or terms.get(name.casefold(), "")
        result[name.casefold()] = ConditionData(name, term, mesh_ids.get(term.casefold(), ""))
    return tuple(result.values())


@lru_cache(maxsize=512)
def country_code(name: str) -> str:
    """ISO 3166 alpha-2 code for a registry country name, or "" if unknown."""
    if not name:
        return ""
    if code := COUNTRY_OVERRIDES.get(name.casefold()):
        return code
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        return ""


def _site(location: dict, warn) -> SiteData:
    country = _text(location.get("country"))
    code = country_code(country)
    if country and not code:
        warn(f"country {country!r} has no ISO 3166 code; stored without one")
    return SiteData(
        facility=_text(location.get("facility")),
        city=_text(location.get("city")),
        state=_text(location.get("state")),
        country=country,
        country_code=code,
        status=_text(location.get("status")),
    )


def _arms_and_interventions(module: dict, warn):
    interventions = []
    for item in module.get("interventions") or []:
        itype = _enum(item.get("type"), choices.InterventionType, "intervention type", warn)
        names = tuple(_text(n) for n in item.get("otherNames") or [] if _text(n))
        labels = tuple(_text(n) for n in item.get("armGroupLabels") or [] if _text(n))
        interventions.append(
            InterventionData(
                _text(item.get("name")), itype, _text(item.get("description")), names, labels
            )
        )
    arms = []
    for arm in module.get("armGroups") or []:
        label, description = _text(arm.get("label")), _text(arm.get("description"))
        arm_type = _enum(arm.get("type"), choices.ArmType, "arm type", warn)
        named = " ".join(_text(n) for n in arm.get("interventionNames") or [])
        # Only an MDMA arm's amount is an MDMA dose (a comparator's is not).
        is_mdma = MDMA_WORDS.search(f"{label} {description} {named}")
        texts = [description, label] + [
            i.description
            for i in interventions
            if MDMA_WORDS.search(f"{i.name} {' '.join(i.other_names)}")
            and label.casefold() in {a.casefold() for a in i.arm_labels}
        ]
        dose = first_stated_dose(texts) if is_mdma else DoseData()
        arms.append(ArmData(label, arm_type, description, dose))
    return tuple(arms), tuple(interventions)
