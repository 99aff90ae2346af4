"""Parsers of the protocol modules that need more than a field copy: identifiers,
conditions with their MeSH terms, sites with their country codes, arms with their doses.
Pure functions from API v2 JSON to the frozen data in trials.ctgov.records."""

import re
from functools import lru_cache
from typing import Any

import pycountry

from trials import choices
from trials.ctgov.doses import DoseData, first_stated_dose
from trials.ctgov.parse_values import enum_text as _enum
from trials.ctgov.parse_values import text as _text
from trials.ctgov.records import (
    ArmData,
    ConditionData,
    IdentifierData,
    InterventionData,
    Org,
    SiteData,
)

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


def org(data: Any) -> Org | None:
    name = _text((data or {}).get("name"))
    return Org(name, _text(data.get("class"))) if name else None


def identifiers(ident: dict, nct_id: str, warn) -> tuple[IdentifierData, ...]:
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


def conditions(module: dict, derived: dict) -> tuple[ConditionData, ...]:
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


def site(location: dict, warn) -> SiteData:
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


def arms_and_interventions(module: dict, warn):
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
