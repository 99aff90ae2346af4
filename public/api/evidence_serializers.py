"""Curated evidence in the API: publications, milestones, estimates, families, import runs."""

from django.urls import reverse
from rest_framework import serializers

from evidence.models import EffectEstimate, OutcomeFamily
from public.api.dates import PartialDateField
from public.api.links import (
    EditorialFields,
    LinkField,
    PageLinkField,
    absolute,
    estimate_api_path,
    family_api_path,
    milestone_api_path,
    publication_api_path,
    synthesis_api_path,
    trial_api_path,
)
from trials.models import ImportRun


class TrialRefSerializer(serializers.Serializer):
    """A pointer to a published trial."""

    key = serializers.CharField(source="url_key")
    nct_id = serializers.CharField(allow_null=True)
    acronym = serializers.CharField()
    brief_title = serializers.CharField()
    url = PageLinkField()
    api_url = LinkField(trial_api_path)


class RetractionSerializer(serializers.Serializer):
    status = serializers.CharField(source="retraction_status")
    date = PartialDateField("retraction_date")
    notice = serializers.CharField(source="retraction_notice")
    notice_url = serializers.CharField(source="retraction_url")


class CitationLinksSerializer(serializers.Serializer):
    ris = serializers.URLField()
    bibtex = serializers.URLField()
    csl_json = serializers.URLField()


class PublicationSerializer(EditorialFields, serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    authors = serializers.CharField()
    first_author = serializers.CharField()
    journal = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    citation = serializers.CharField(help_text="Volume, issue and pages.")
    doi = serializers.CharField(allow_null=True)
    pmid = serializers.CharField(allow_null=True)
    external_url = serializers.CharField(source="url", help_text="The publisher's page.")
    kind = serializers.CharField()
    summary = serializers.CharField()
    retraction = RetractionSerializer(source="*")
    trials = TrialRefSerializer(many=True, help_text="Published trials it reports on.")
    cite = serializers.SerializerMethodField()
    url = PageLinkField()
    api_url = LinkField(publication_api_path)

    def get_cite(self, publication) -> CitationLinksSerializer:
        """The publication as RIS, BibTeX and CSL-JSON."""
        return {
            fmt.replace("-", "_"): absolute(
                self.context, reverse("public:publication-citation", args=[publication.pk, fmt])
            )
            for fmt in ("ris", "bibtex", "csl-json")
        }


class PublicationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    doi = serializers.CharField(allow_null=True)
    retraction_status = serializers.CharField()
    url = PageLinkField()
    api_url = LinkField(publication_api_path)


class MilestoneRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = PartialDateField()
    agency = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    url = PageLinkField()
    api_url = LinkField(milestone_api_path)


class MilestoneSerializer(EditorialFields, MilestoneRefSerializer):
    jurisdiction = serializers.CharField(help_text="ISO alpha-2, EU, or empty.")
    summary = serializers.CharField()
    outcome_details = serializers.CharField()
    trials = TrialRefSerializer(many=True)
    publications = PublicationRefSerializer(many=True)


def estimate_page(estimate) -> str:
    """Estimates have no page of their own: the trial's, else the source's, else /evidence/."""
    if estimate.trial is not None and estimate.trial.is_published:
        return estimate.trial.get_absolute_url()
    source = estimate.source_publication
    if source is not None and source.is_published:
        return source.get_absolute_url()
    return reverse("public:synthesis")


class EstimateSerializer(EditorialFields, serializers.ModelSerializer):
    trial = serializers.SerializerMethodField()
    source_publication = serializers.SerializerMethodField()
    url = LinkField(estimate_page)
    api_url = LinkField(estimate_api_path)

    class Meta:
        model = EffectEstimate
        fields = [
            "id",
            "label",
            "trial",
            "outcome_measure",
            "comparison",
            "metric",
            "value",
            "ci_low",
            "ci_high",
            "ci_level",
            "se",
            "n_treatment",
            "n_control",
            "p_value_raw",
            "time_point",
            "randomised_controlled",
            "source_publication",
            "verified",
            "unverified_note",
            "sources",
            "url",
            "api_url",
        ]

    def get_trial(self, estimate) -> TrialRefSerializer(allow_null=True):
        trial = estimate.trial
        if trial is None or not trial.is_published:
            return None
        return TrialRefSerializer(trial, context=self.context).data

    def get_source_publication(self, estimate) -> PublicationRefSerializer(allow_null=True):
        source = estimate.source_publication
        if source is None or not source.is_published:
            return None
        return PublicationRefSerializer(source, context=self.context).data


class FamilySerializer(serializers.ModelSerializer):
    measures = serializers.ListField(source="measure_names", child=serializers.CharField())
    metrics = serializers.ListField(child=serializers.CharField())
    url = PageLinkField()
    api_url = LinkField(family_api_path)
    synthesis_api_url = LinkField(synthesis_api_path)

    class Meta:
        model = OutcomeFamily
        fields = [
            "slug",
            "name",
            "description",
            "measures",
            "metrics",
            "direction",
            "url",
            "api_url",
            "synthesis_api_url",
        ]


class ImportRunSerializer(serializers.ModelSerializer):
    studies_fetched = serializers.IntegerField(source="fetched")

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "started_at",
            "finished_at",
            "status",
            "mode",
            "full",
            "studies_fetched",
            "created",
            "updated",
            "unchanged",
            "errors",
            "data_timestamp",
        ]
