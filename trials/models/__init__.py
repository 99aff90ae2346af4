from trials.models.adverse_events import (
    AdverseEvent,
    AdverseEventCount,
    AdverseEventReport,
    Seriousness,
)
from trials.models.baseline import (
    Baseline,
    BaselineDenominator,
    BaselineGroup,
    BaselineMeasure,
    BaselineValue,
)
from trials.models.curated_facts import CuratedResultsStatus, CuratedTrialFacts
from trials.models.design import Arm, Intervention, OutcomeMeasure, Site
from trials.models.facet_values import FacetKind, TrialFacetValue
from trials.models.flow import FlowCount, FlowGroup, FlowPeriod, FlowStep, ParticipantFlow
from trials.models.imports import FieldLock, ImportRun, TrialChange
from trials.models.lookups import Condition, Organization, Phase
from trials.models.refused import RefusedStudy
from trials.models.results import (
    AdverseEventGroup,
    ResultAnalysis,
    ResultGroup,
    ResultMeasurement,
    ResultOutcome,
)
from trials.models.trial import Trial, TrialIdentifier, validate_nct_id

__all__ = [
    "AdverseEvent",
    "AdverseEventCount",
    "AdverseEventReport",
    "Seriousness",
    "AdverseEventGroup",
    "Arm",
    "Baseline",
    "BaselineDenominator",
    "BaselineGroup",
    "BaselineMeasure",
    "BaselineValue",
    "Condition",
    "CuratedTrialFacts",
    "FacetKind",
    "FieldLock",
    "FlowCount",
    "FlowGroup",
    "FlowPeriod",
    "FlowStep",
    "ImportRun",
    "Intervention",
    "Organization",
    "OutcomeMeasure",
    "ParticipantFlow",
    "RefusedStudy",
    "Phase",
    "ResultAnalysis",
    "ResultGroup",
    "ResultMeasurement",
    "ResultOutcome",
    "CuratedResultsStatus",
    "Site",
    "Trial",
    "TrialChange",
    "TrialFacetValue",
    "TrialIdentifier",
    "validate_nct_id",
]
