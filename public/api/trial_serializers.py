"""Trials in the API: a summary for lists, every registry section for one trial."""

from rest_framework import serializers

from public.api.dates import PartialDateField
from public.api.links import LinkField, PageLinkField, trial_api_path
from trials.models import (
    AdverseEventGroup,
    Arm,
    Intervention,
    OutcomeMeasure,
    ResultAnalysis,
    ResultGroup,
    ResultMeasurement,
    ResultOutcome,
    Site,
    TrialIdentifier,
)


class TrialSummarySerializer(serializers.Serializer):
    key = serializers.CharField(source="url_key", help_text="NCT id, or slug without one.")
    nct_id = serializers.CharField(allow_null=True)
    nct_id_verified = serializers.BooleanField()
    slug = serializers.CharField()
    acronym = serializers.CharField()
    brief_title = serializers.CharField()
    overall_status = serializers.CharField(help_text="As ClinicalTrials.gov spells it.")
    study_type = serializers.CharField()
    phases = serializers.SerializerMethodField()
    conditions = serializers.SerializerMethodField()
    enrollment = serializers.IntegerField(allow_null=True)
    enrollment_type = serializers.CharField()
    start_date = PartialDateField()
    primary_completion_date = PartialDateField()
    completion_date = PartialDateField()
    first_posted = PartialDateField()
    last_update_posted = PartialDateField()
    results_first_posted = PartialDateField()
    has_results = serializers.BooleanField()
    lead_sponsor = serializers.CharField(source="lead_sponsor.name", allow_null=True, default=None)
    countries = serializers.SerializerMethodField()
    record_source = serializers.CharField()
    verified = serializers.BooleanField()
    unverified_note = serializers.CharField()
    url = PageLinkField()
    api_url = LinkField(trial_api_path)
    registry_url = serializers.CharField()

    def get_phases(self, trial) -> list[str]:
        return [p.code for p in trial.phases.all()]

    def get_conditions(self, trial) -> list[str]:
        return [c.name for c in trial.conditions.all()]

    def get_countries(self, trial) -> list[str]:
        """ISO alpha-2 codes of the trial's sites."""
        return sorted({s.country_code for s in trial.sites.all() if s.country_code})


class InterventionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Intervention
        fields = ["name", "intervention_type", "description", "other_names"]


class ArmSerializer(serializers.ModelSerializer):
    interventions = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    dose_text = serializers.CharField(read_only=True)

    class Meta:
        model = Arm
        fields = [
            "label",
            "arm_type",
            "description",
            "dose_unit",
            "dose_initial_min",
            "dose_initial_max",
            "dose_supplemental_min",
            "dose_supplemental_max",
            "dose_source_text",
            "dosing_sessions",
            "participants",
            "dose_note",
            "dose_text",
            "record_source",
            "interventions",
        ]


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["facility", "city", "state", "country", "country_code", "status"]


class OutcomeMeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutcomeMeasure
        fields = ["kind", "measure", "description", "time_frame"]


class ResultGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResultGroup
        fields = ["code", "title", "description", "participants_raw", "participants"]


class ResultMeasurementSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="group.code")

    class Meta:
        model = ResultMeasurement
        fields = [
            "group",
            "class_title",
            "category",
            "value_raw",
            "value",
            "spread_raw",
            "spread",
            "lower_raw",
            "lower",
            "upper_raw",
            "upper",
            "comment",
        ]


class ResultAnalysisSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResultAnalysis
        exclude = ["id", "outcome", "order"]


class ResultOutcomeSerializer(serializers.ModelSerializer):
    groups = ResultGroupSerializer(many=True)
    measurements = ResultMeasurementSerializer(many=True)
    analyses = ResultAnalysisSerializer(many=True)

    class Meta:
        model = ResultOutcome
        exclude = ["id", "trial", "order"]


class AdverseEventGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdverseEventGroup
        exclude = ["id", "trial"]


class IdentifierSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True)

    class Meta:
        model = TrialIdentifier
        fields = ["kind", "value", "description", "verified", "url"]


class ChangeSerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    source = serializers.ChoiceField(choices=["registry", "editors"])
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()
