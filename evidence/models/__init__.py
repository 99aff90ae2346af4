from evidence.models.appraisal import CertaintyRating, RiskOfBias
from evidence.models.estimates import EffectEstimate, Metric, OutcomeFamily
from evidence.models.metapsy import MetapsyEstimate
from evidence.models.milestones import MilestoneKind, RegulatoryMilestone
from evidence.models.publications import Publication, PublicationKind, RetractionStatus
from evidence.models.snapshots import SynthesisSnapshot

__all__ = [
    "CertaintyRating",
    "RiskOfBias",
    "SynthesisSnapshot",
    "EffectEstimate",
    "MetapsyEstimate",
    "Metric",
    "MilestoneKind",
    "OutcomeFamily",
    "Publication",
    "PublicationKind",
    "RegulatoryMilestone",
    "RetractionStatus",
]
