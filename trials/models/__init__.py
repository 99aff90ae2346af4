from trials.models.curated_facts import CuratedTrialFacts, ResultsStatus
from trials.models.design import Arm, Intervention, OutcomeMeasure, Site
from trials.models.imports import FieldLock, ImportRun, TrialChange
from trials.models.results import (
    AdverseEventGroup,
    ResultAnalysis,
    ResultGroup,
    ResultMeasurement,
    ResultOutcome,
)
from trials.models.trial import (
    Condition,
    Organization,
    Phase,
    Trial,
    TrialIdentifier,
    validate_nct_id,
)

__all__ = [
    "AdverseEventGroup",
    "Arm",
    "Condition",
    "CuratedTrialFacts",
    "FieldLock",
    "ImportRun",
    "Intervention",
    "Organization",
    "OutcomeMeasure",
    "Phase",
    "ResultAnalysis",
    "ResultGroup",
    "ResultMeasurement",
    "ResultOutcome",
    "ResultsStatus",
    "Site",
    "Trial",
    "TrialChange",
    "TrialIdentifier",
    "validate_nct_id",
]
