"""Plain frozen data the ClinicalTrials.gov parser produces (no database, no Django models)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trials.ctgov.doses import DoseData
from trials.ctgov.records_flow import BaselineData, FlowData, ValueColumns


class ParseError(ValueError):
    """The document or one study in it cannot be imported as it stands."""


class LegacyFormatError(ParseError):
    """A document from the retired classic API."""


@dataclass(frozen=True)
class Org:
    name: str
    agency_class: str = ""


@dataclass(frozen=True)
class ConditionData:
    name: str
    mesh_term: str = ""
    mesh_id: str = ""


@dataclass(frozen=True)
class IdentifierData:
    kind: str
    value: str
    description: str = ""


@dataclass(frozen=True)
class SiteData:
    facility: str
    city: str
    state: str
    country: str
    country_code: str
    status: str


@dataclass(frozen=True)
class ArmData:
    label: str
    arm_type: str
    description: str
    dose: DoseData


@dataclass(frozen=True)
class InterventionData:
    name: str
    intervention_type: str
    description: str
    other_names: tuple[str, ...]
    arm_labels: tuple[str, ...]


@dataclass(frozen=True)
class OutcomeData:
    kind: str
    measure: str
    description: str
    time_frame: str


@dataclass(frozen=True)
class GroupData:
    code: str
    title: str
    description: str
    participants_raw: str
    participants: int | None


@dataclass(frozen=True, kw_only=True)
class MeasurementData(ValueColumns):
    group_code: str
    class_title: str
    category: str
    comment: str


@dataclass(frozen=True)
class AnalysisData:
    group_codes: tuple[str, ...]
    groups_description: str
    param_type: str
    param_value_raw: str
    param_value: float | None
    ci_pct_raw: str
    ci_pct: float | None
    ci_sides: str
    ci_lower_raw: str
    ci_lower: float | None
    ci_upper_raw: str
    ci_upper: float | None
    p_value_raw: str
    p_value: float | None
    statistical_method: str
    non_inferiority_type: str
    description: str


@dataclass(frozen=True)
class ResultOutcomeData:
    outcome_type: str
    title: str
    description: str
    population: str
    reporting_status: str
    param_type: str
    dispersion_type: str
    unit_of_measure: str
    time_frame: str
    groups: tuple[GroupData, ...]
    measurements: tuple[MeasurementData, ...]
    analyses: tuple[AnalysisData, ...]


@dataclass(frozen=True)
class AdverseEventGroupData:
    code: str
    title: str
    description: str
    deaths_affected: int | None
    deaths_at_risk: int | None
    serious_affected: int | None
    serious_at_risk: int | None
    other_affected: int | None
    other_at_risk: int | None


@dataclass(frozen=True)
class ParsedStudy:
    """One study as plain data; None for a part the record did not include."""

    nct_id: str
    aliases: tuple[str, ...]
    # Trial field name -> value, only for modules present in the record. Dates
    # are PartialDate; lead_sponsor is an Org or None.
    fields: Mapping[str, Any]
    phases: tuple[str, ...] | None = None
    conditions: tuple[ConditionData, ...] | None = None
    collaborators: tuple[Org, ...] | None = None
    identifiers: tuple[IdentifierData, ...] | None = None
    sites: tuple[SiteData, ...] | None = None
    arms: tuple[ArmData, ...] | None = None
    interventions: tuple[InterventionData, ...] | None = None
    outcomes: tuple[OutcomeData, ...] | None = None
    results: tuple[ResultOutcomeData, ...] | None = None
    adverse_event_groups: tuple[AdverseEventGroupData, ...] | None = None
    participant_flow: FlowData | None = None
    baseline: BaselineData | None = None
    # Every term, threshold and time frame (parse_adverse_events.AdverseEventsData).
    adverse_events: Any = None
    warnings: tuple[str, ...] = field(default=())
