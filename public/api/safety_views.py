"""/api/v1/safety/: published safety findings, filtered as documented, with their links."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from evidence.models import SafetyFinding, SafetyTopic
from evidence.models.safety import VERIFICATION_STATUSES as STATUSES
from public.api.base import PublicView, problems
from public.api.evidence_views import _addressable
from public.api.safety_serializers import SafetyFindingSerializer
from trials.models.trial import NCT_ID_RE


def _values(params, name: str) -> list[str]:
    return [v.strip() for v in params.getlist(name) if v.strip()]


def filtered_findings(params):
    """Published findings by ?topic=, ?status= and ?trial= (NCT id), or a 400 naming each."""
    topics, statuses = _values(params, "topic"), _values(params, "status")
    trials = [v.upper() for v in _values(params, "trial")]
    errors = {}
    for name, values, allowed in (
        ("topic", topics, SafetyTopic.values),
        ("status", statuses, STATUSES),
    ):
        for value in values:
            if value not in allowed:
                errors.setdefault(name, []).append(f"“{value[:100]}” is not a {name}.")
    for value in trials:
        if not NCT_ID_RE.match(value):
            errors.setdefault("trial", []).append(f"“{value[:20]}” is not an NCT id.")
    if errors:
        raise ValidationError(errors)
    findings = SafetyFinding.objects.for_public()
    if topics:
        findings = findings.filter(topic__in=topics)
    if statuses:
        findings = findings.with_status(statuses)
    if trials:
        findings = findings.about_trials(trials)
    return findings.order_by("order", "pk")


@extend_schema(
    summary="Published safety findings: what trials, reviews and regulators say about harms",
    parameters=[
        OpenApiParameter(
            "topic", str, many=True, enum=SafetyTopic.values, description="Topic (repeat for OR)."
        ),
        OpenApiParameter(
            "status", str, many=True, enum=STATUSES, description="Verification (repeat for OR)."
        ),
        OpenApiParameter(
            "trial", str, many=True, description="NCT id of a trial it rests on (repeat for OR)."
        ),
    ],
    responses={200: SafetyFindingSerializer(many=True), **problems(400)},
)
class SafetyFindingList(PublicView, generics.ListAPIView):
    serializer_class = SafetyFindingSerializer

    def get_queryset(self):
        return filtered_findings(self.request.query_params)


@extend_schema(responses={200: SafetyFindingSerializer, **problems(404, 410)})
class SafetyFindingDetail(PublicView, generics.RetrieveAPIView):
    serializer_class = SafetyFindingSerializer
    pagination_class = None

    def get_object(self):
        return _addressable(
            SafetyFinding.objects.publicly_addressable().with_links(), pk=self.kwargs["pk"]
        )
