"""One trial with every section the trial page shows, and the queryset that loads it."""

from django.db.models import Prefetch
from rest_framework import serializers

from evidence.models import EffectEstimate, Publication, RegulatoryMilestone
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
from public.views.trial_rows import load_sections as load_trial_sections
from public.views.trial_rows import trial_with_sections
from trials.changes import public_changes
from trials.models import Site, Trial

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


# The results, design and evidence the API gives, read in one query (public.views.trial_rows).
SECTIONS = (
    "result_outcomes",
    "adverse_event_groups",
    "arms",
    "interventions",
    "publications",
    "safety_findings",
)
# Prefetched only when the trial has some (prefetch_present): a milestone lists its trials.
PREFETCHES = {
    "milestones": Prefetch(
        "milestones",
        queryset=RegulatoryMilestone.objects.published().prefetch_related(
            Prefetch("trials", queryset=Trial.objects.published()),
            Prefetch("publications", queryset=Publication.objects.published()),
        ),
    ),
    "effect_estimates": Prefetch(
        "effect_estimates",
        queryset=EffectEstimate.objects.published().select_related("trial", "source_publication"),
    ),
}


def trial_detail_queryset():
    """Published and withdrawn trials (a withdrawn one answers 410); see load_sections."""
    return trial_with_sections(SECTIONS, PREFETCHES)


def load_sections(trial) -> None:
    """Every section's rows: the short lists, the results and design, the evidence."""
    load_trial_sections(trial, SECTIONS, PREFETCHES)


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
