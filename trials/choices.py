"""ClinicalTrials.gov API v2 enums, spelled exactly as the API spells them.

Fields using these store unknown values raw (the importer warns), so a new
registry value never crashes an import; the label then falls back to the code.
"""

from django.db import models


class OverallStatus(models.TextChoices):
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING", "Not yet recruiting"
    RECRUITING = "RECRUITING", "Recruiting"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", "Enrolling by invitation"
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", "Active, not recruiting"
    SUSPENDED = "SUSPENDED", "Suspended"
    TERMINATED = "TERMINATED", "Terminated"
    COMPLETED = "COMPLETED", "Completed"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"
    AVAILABLE = "AVAILABLE", "Available"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE", "No longer available"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE", "Temporarily not available"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING", "Approved for marketing"
    WITHHELD = "WITHHELD", "Withheld"
    UNKNOWN = "UNKNOWN", "Unknown status"


class StudyType(models.TextChoices):
    INTERVENTIONAL = "INTERVENTIONAL", "Interventional"
    OBSERVATIONAL = "OBSERVATIONAL", "Observational"
    EXPANDED_ACCESS = "EXPANDED_ACCESS", "Expanded access"


class PhaseCode(models.TextChoices):
    """ClinicalTrials.gov's phase vocabulary, in trial order; the Phase rows are made from
    it (migration 0003, factories). Named for Phase.code, so it does not shadow the model."""

    EARLY_PHASE1 = "EARLY_PHASE1", "Early phase 1"
    PHASE1 = "PHASE1", "Phase 1"
    PHASE2 = "PHASE2", "Phase 2"
    PHASE3 = "PHASE3", "Phase 3"
    PHASE4 = "PHASE4", "Phase 4"
    NA = "NA", "Not applicable"

    @property
    def order(self) -> int:
        return list(type(self)).index(self)

    @property
    def in_words(self) -> str:
        """The phase inside a sentence: "phase 3", "phase not applicable"."""
        return "phase not applicable" if self is PhaseCode.NA else self.label.lower()


# The trial list's words for each phase code and results state (filters and facets).
PHASE_CHOICES = [(phase.value, phase.in_words) for phase in PhaseCode]
HAS_RESULTS_CHOICES = [
    ("true", "with posted results"),
    ("false", "registry says none posted"),
    ("unknown", "results status not known"),
]


class Allocation(models.TextChoices):
    RANDOMIZED = "RANDOMIZED", "Randomized"
    NON_RANDOMIZED = "NON_RANDOMIZED", "Non-randomized"
    NA = "NA", "Not applicable"


class InterventionModel(models.TextChoices):
    SINGLE_GROUP = "SINGLE_GROUP", "Single group"
    PARALLEL = "PARALLEL", "Parallel"
    CROSSOVER = "CROSSOVER", "Crossover"
    FACTORIAL = "FACTORIAL", "Factorial"
    SEQUENTIAL = "SEQUENTIAL", "Sequential"


class Masking(models.TextChoices):
    NONE = "NONE", "None (open label)"
    SINGLE = "SINGLE", "Single"
    DOUBLE = "DOUBLE", "Double"
    TRIPLE = "TRIPLE", "Triple"
    QUADRUPLE = "QUADRUPLE", "Quadruple"


class PrimaryPurpose(models.TextChoices):
    TREATMENT = "TREATMENT", "Treatment"
    PREVENTION = "PREVENTION", "Prevention"
    DIAGNOSTIC = "DIAGNOSTIC", "Diagnostic"
    ECT = "ECT", "Educational/counseling/training"
    SUPPORTIVE_CARE = "SUPPORTIVE_CARE", "Supportive care"
    SCREENING = "SCREENING", "Screening"
    HEALTH_SERVICES_RESEARCH = "HEALTH_SERVICES_RESEARCH", "Health services research"
    BASIC_SCIENCE = "BASIC_SCIENCE", "Basic science"
    DEVICE_FEASIBILITY = "DEVICE_FEASIBILITY", "Device feasibility"
    OTHER = "OTHER", "Other"


class EnrollmentType(models.TextChoices):
    ACTUAL = "ACTUAL", "actual"
    ESTIMATED = "ESTIMATED", "estimated"


class ArmType(models.TextChoices):
    EXPERIMENTAL = "EXPERIMENTAL", "Experimental"
    ACTIVE_COMPARATOR = "ACTIVE_COMPARATOR", "Active comparator"
    PLACEBO_COMPARATOR = "PLACEBO_COMPARATOR", "Placebo comparator"
    SHAM_COMPARATOR = "SHAM_COMPARATOR", "Sham comparator"
    NO_INTERVENTION = "NO_INTERVENTION", "No intervention"
    OTHER = "OTHER", "Other"


class InterventionType(models.TextChoices):
    BEHAVIORAL = "BEHAVIORAL", "Behavioral"
    BIOLOGICAL = "BIOLOGICAL", "Biological"
    COMBINATION_PRODUCT = "COMBINATION_PRODUCT", "Combination product"
    DEVICE = "DEVICE", "Device"
    DIAGNOSTIC_TEST = "DIAGNOSTIC_TEST", "Diagnostic test"
    DIETARY_SUPPLEMENT = "DIETARY_SUPPLEMENT", "Dietary supplement"
    DRUG = "DRUG", "Drug"
    GENETIC = "GENETIC", "Genetic"
    PROCEDURE = "PROCEDURE", "Procedure"
    RADIATION = "RADIATION", "Radiation"
    OTHER = "OTHER", "Other"


class OutcomeKind(models.TextChoices):
    PRIMARY = "PRIMARY", "Primary"
    SECONDARY = "SECONDARY", "Secondary"
    OTHER = "OTHER", "Other pre-specified"
    POST_HOC = "POST_HOC", "Post hoc"


class RecordSource(models.TextChoices):
    REGISTRY = "registry", "Registry import"
    CURATED = "curated", "Curated by editors"


class IdentifierKind(models.TextChoices):
    NCT_ALIAS = "NCT_ALIAS", "Former NCT id"
    EUDRACT = "EUDRACT", "EudraCT"
    CTIS = "CTIS", "EU CTIS"
    ISRCTN = "ISRCTN", "ISRCTN"
    SPONSOR = "SPONSOR", "Sponsor protocol id"
    REGISTRY = "REGISTRY", "Other registry"
    OTHER = "OTHER", "Other"


def label_for(choices: type[models.TextChoices], value: str) -> str:
    """Human label for an enum value, or the raw value if the registry sent a new one."""
    if not value:
        return ""
    try:
        return choices(value).label
    except ValueError:
        return value
