from evidence.models.appraisal import CertaintyRating, RiskOfBias
from evidence.models.estimates import EffectEstimate, Metric, OutcomeFamily
from evidence.models.metapsy import MetapsyEstimate
from evidence.models.milestones import MilestoneKind, RegulatoryMilestone
from evidence.models.publications import Publication, PublicationKind, RetractionStatus
from evidence.models.reports import ProblemReport
from evidence.models.safety import SafetyFinding, SafetyTopic
from evidence.models.seed_ledger import SeedLedgerEntry
from evidence.models.snapshots import SynthesisSnapshot

__all__ = [
    "CertaintyRating",
    "RiskOfBias",
    "SynthesisSnapshot",
    "EffectEstimate",
    "MetapsyEstimate",
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
