"""One trial with every section the trial page shows, and the queryset that loads it."""

from django.db.models import Prefetch
from rest_framework import serializers

from evidence.models import EffectEstimate, Publication, RegulatoryMilestone, SafetyFinding
from public.api.evidence_serializers import (
    EstimateSerializer,
    MilestoneSerializer,
    PublicationRefSerializer,
)
from public.api.links import SourceSerializer
from public.api.safety_serializers import SafetyFindingRefSerializer
from public.api.trial_serializers import (
    AdverseEventGroupSerializer,
    ArmSerializer,
    ChangeSerializer,
    IdentifierSerializer,
    InterventionSerializer,
    OutcomeMeasureSerializer,
    ResultOutcomeSerializer,
    SiteSerializer,
    TrialSummarySerializer,
)
from trials.changes import public_changes
from trials.models import Arm, ResultOutcome, Site, Trial
from trials.related_lists import attach_related_lists, has_rows, prefetch_present

# Long texts the summary never shows: left in the table, a page of 1,000 reads far less.
SUMMARY_DEFERRED = [
    "raw_json",
    "search_text",
    "search_vector",
    "summary",
    "official_title",
    "why_stopped",
    "sources",
    "editor_notes",
    "withdrawn_reason",
]


def trial_list_queryset(trials):
    return (
        trials.defer(*SUMMARY_DEFERRED)
        .select_related("lead_sponsor")
        .prefetch_related(
            "phases",
            "conditions",
            # The serializer sorts the codes itself; the model's ordering would sort every site.
            Prefetch("sites", queryset=Site.objects.only("trial", "country_code").order_by()),
        )
    )


# Prefetched only when the trial has rows in them (trials.related_lists.prefetch_present).
DETAIL_PREFETCHES = {
    "adverse_event_groups": "adverse_event_groups",
    "interventions": "interventions",
    "arms": Prefetch("arms", queryset=Arm.objects.prefetch_related("interventions")),
    "result_outcomes": Prefetch(
        "result_outcomes",
        queryset=ResultOutcome.objects.prefetch_related(
            "groups", "measurements__group", "analyses"
        ),
    ),
    "publications": Prefetch(
        "publications",
        queryset=Publication.objects.published().order_by("-year", "first_author"),
    ),
    "milestones": Prefetch(
        "milestones",
        queryset=RegulatoryMilestone.objects.published().prefetch_related(
            Prefetch("trials", queryset=Trial.objects.published()),
            Prefetch("publications", queryset=Publication.objects.published()),
        ),
    ),
    "safety_findings": Prefetch(
        "safety_findings",
        queryset=SafetyFinding.objects.published().prefetch_related(
            Prefetch("publications", queryset=Publication.objects.published())
        ),
    ),
    "effect_estimates": Prefetch(
        "effect_estimates",
        queryset=EffectEstimate.objects.published().select_related("trial", "source_publication"),
    ),
}


def trial_detail_queryset():
    """Published and withdrawn trials (a withdrawn one answers 410); see load_sections."""
    return (
        Trial.objects.publicly_addressable()
        .select_related("lead_sponsor")
        .annotate(**has_rows(DETAIL_PREFETCHES))
    )


def load_sections(trial) -> None:
    """Every section's rows: the short lists in one query, then one per kind it has."""
    attach_related_lists(trial)
    prefetch_present(trial, DETAIL_PREFETCHES)


class TrialDetailSerializer(TrialSummarySerializer):
    official_title = serializers.CharField()
    summary = serializers.CharField()
    why_stopped = serializers.CharField()
    allocation = serializers.CharField()
    intervention_model = serializers.CharField()
    masking = serializers.CharField()
    primary_purpose = serializers.CharField()
    collaborators = serializers.SerializerMethodField()
    identifiers = IdentifierSerializer(many=True)
    arms = ArmSerializer(many=True)
    interventions = InterventionSerializer(many=True)
    sites = SiteSerializer(many=True)
    outcomes = OutcomeMeasureSerializer(source="outcome_measures", many=True)
    results = ResultOutcomeSerializer(source="result_outcomes", many=True)
    adverse_events = AdverseEventGroupSerializer(source="adverse_event_groups", many=True)
    publications = PublicationRefSerializer(many=True)
    milestones = MilestoneSerializer(many=True)
    estimates = EstimateSerializer(source="effect_estimates", many=True)
    safety_findings = SafetyFindingRefSerializer(many=True, help_text="Published ones only.")
    changes = serializers.SerializerMethodField()
    sources = SourceSerializer(source="source_list", many=True)
    last_checked_at = serializers.DateTimeField(allow_null=True)

    def get_collaborators(self, trial) -> list[str]:
        return [o.name for o in trial.collaborators.all()]

    def get_changes(self, trial) -> ChangeSerializer(many=True):
        """Registry changes applied by imports and editors' published corrections."""
        return ChangeSerializer(public_changes(trial), many=True).data
