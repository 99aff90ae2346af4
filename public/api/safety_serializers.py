"""Safety findings in the API: the fact sheet's statement, numbers and source as written."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evidence.models import SafetyTopic
from evidence.models.safety import VERIFICATION_STATUSES
from evidence.safety_numbers import number_lines
from public.api.evidence_serializers import (
    MilestoneRefSerializer,
    PublicationRefSerializer,
    TrialRefSerializer,
)
from public.api.links import EditorialFields, LinkField, PageLinkField


def finding_api_path(finding) -> str:
    return reverse("public:api-safety-finding", args=[finding.pk])


class FindingSourceSerializer(serializers.Serializer):
    citation = serializers.CharField(source="source_citation")
    url = serializers.CharField(source="source_url", help_text="Empty when not linkable.")
    level = serializers.CharField(
        source="source_level", help_text="e.g. primary (journal abstract), news, regulator."
    )
    quote = serializers.CharField(help_text="A short verbatim quote from the source.")
    retracted = serializers.BooleanField(source="source_retracted")


@extend_schema_field(OpenApiTypes.OBJECT)
class NumbersField(serializers.JSONField):
    """The source's numbers as structured JSON, unchanged; null when it gives none."""


class SafetyFindingSerializer(EditorialFields, serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField(source="seed_key", allow_null=True, help_text="Fact sheet id.")
    topic = serializers.ChoiceField(choices=SafetyTopic.choices)
    topic_label = serializers.CharField(source="get_topic_display")
    sheet_section = serializers.CharField()
    statement = serializers.CharField()
    numbers = NumbersField(
        allow_null=True,
        help_text="Per arm {n, N, pct}; effects with intervals; as the source gives them.",
    )
    numbers_text = serializers.SerializerMethodField()
    status = serializers.ChoiceField(
        source="verification_status",
        choices=VERIFICATION_STATUSES,
        help_text="verified, secondary (numbers read in a review's table) or unverified.",
    )
    retracted = serializers.BooleanField(
        source="is_retracted",
        help_text="The source, or a publication the finding rests on, is retracted.",
    )
    source = FindingSourceSerializer(source="*")
    note = serializers.CharField()
    trials = TrialRefSerializer(many=True, help_text="Published trials it rests on.")
    publications = PublicationRefSerializer(many=True, help_text="Published publications.")
    milestones = MilestoneRefSerializer(many=True, help_text="Published milestones it is from.")
    url = PageLinkField()
    api_url = LinkField(finding_api_path)

    def get_numbers_text(self, finding) -> list[str]:
        """The numbers as the lines /safety/ shows."""
        return number_lines(finding.numbers)


class SafetyFindingRefSerializer(serializers.Serializer):
    """A pointer to a published safety finding, as a trial's detail lists them."""

    id = serializers.IntegerField()
    key = serializers.CharField(source="seed_key", allow_null=True)
    topic = serializers.ChoiceField(choices=SafetyTopic.choices)
    statement = serializers.CharField()
    status = serializers.ChoiceField(source="verification_status", choices=VERIFICATION_STATUSES)
    retracted = serializers.BooleanField(source="is_retracted")
    url = PageLinkField()
    api_url = LinkField(finding_api_path)
