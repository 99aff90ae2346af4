from evidence.models.estimates import EffectEstimate, Metric, OutcomeFamily
from evidence.models.milestones import MilestoneKind, RegulatoryMilestone
from evidence.models.publications import Publication, PublicationKind, RetractionStatus
from evidence.models.reports import ProblemReport
from evidence.models.safety import SafetyFinding, SafetyTopic
from evidence.models.seed_ledger import SeedLedgerEntry

__all__ = [
    "EffectEstimate",
    "Metric",
    "ProblemReport",
    "MilestoneKind",
    "OutcomeFamily",
    "Publication",
    "PublicationKind",
    "RegulatoryMilestone",
    "RetractionStatus",
    "SafetyFinding",
    "SafetyTopic",
    "SeedLedgerEntry",
]
