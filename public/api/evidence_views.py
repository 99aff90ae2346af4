"""/api/v1/ milestones, publications, estimates and outcome families: published only."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from evidence.models import (
    EffectEstimate,
    Metric,
    MilestoneKind,
    OutcomeFamily,
    Publication,
    PublicationKind,
    RegulatoryMilestone,
    RetractionStatus,
)
from public.api.base import PublicView, problems
from public.api.evidence_serializers import (
    EstimateSerializer,
    FamilySerializer,
    MilestoneSerializer,
    PublicationSerializer,
)
from public.api.http import Gone
from public.api.trial_views import withdrawn_detail
from public.views.milestones import milestone_filter_errors
from trials.models import Trial


def _repeatable(name: str, description: str, enum=None) -> OpenApiParameter:
    return OpenApiParameter(name, str, many=True, description=description, enum=enum)


def _values(request, name: str) -> list[str]:
    return [v for v in request.query_params.getlist(name) if v]


def _addressable(queryset, **lookup):
    """A published record, or 410 for a withdrawn one, or 404."""
    record = get_object_or_404(queryset.publicly_addressable(), **lookup)
    if record.is_withdrawn:
        raise Gone(withdrawn_detail(record))
    return record


def publications_queryset():
    return Publication.objects.published().prefetch_related(
        Prefetch("trials", queryset=Trial.objects.published())
    )


def filtered_publications(params):
    """Publications as /publications/ filters them (?kind=, ?retraction=), or a 400."""
    kinds = [v for v in params.getlist("kind") if v]
    statuses = [v for v in params.getlist("retraction") if v]
    errors = {}
    for kind in kinds:
        if kind not in PublicationKind.values:
            errors.setdefault("kind", []).append(f"“{kind[:100]}” is not a kind of publication.")
    for value in statuses:
        if value not in RetractionStatus.values:
            errors.setdefault("retraction", []).append(
                f"“{value[:100]}” is not a retraction status."
            )
    if errors:
        raise ValidationError(errors)
    publications = publications_queryset()
    if kinds:
        publications = publications.filter(kind__in=kinds)
    if statuses:
        publications = publications.filter(retraction_status__in=statuses)
    return publications.order_by("-year", "first_author", "pk")


@extend_schema(
    summary="Published publications, with their retraction status",
    parameters=[
        _repeatable("kind", "Kind of publication (repeat for OR).", PublicationKind.values),
        _repeatable("retraction", "Retraction status (repeat for OR).", RetractionStatus.values),
    ],
    responses={200: PublicationSerializer(many=True), **problems(400)},
)
class PublicationList(PublicView, generics.ListAPIView):
    serializer_class = PublicationSerializer

    def get_queryset(self):
        return filtered_publications(self.request.query_params)


@extend_schema(responses={200: PublicationSerializer, **problems(404, 410)})
class PublicationDetail(PublicView, generics.RetrieveAPIView):
    serializer_class = PublicationSerializer
    pagination_class = None

    def get_object(self):
        return _addressable(
            Publication.objects.prefetch_related(
                Prefetch("trials", queryset=Trial.objects.published())
            ),
            pk=self.kwargs["pk"],
        )


def milestones_queryset():
    return RegulatoryMilestone.objects.prefetch_related(
        Prefetch("trials", queryset=Trial.objects.published()),
        Prefetch("publications", queryset=Publication.objects.published()),
    )


@extend_schema(
    summary="The published regulatory timeline, oldest first",
    parameters=[
        _repeatable("agency", "Agency, e.g. FDA (repeat for OR)."),
        _repeatable("jurisdiction", "ISO alpha-2 code or EU (repeat for OR)."),
        _repeatable("kind", "Kind of milestone (repeat for OR).", MilestoneKind.values),
    ],
    responses={200: MilestoneSerializer(many=True), **problems(400)},
)
class MilestoneList(PublicView, generics.ListAPIView):
    serializer_class = MilestoneSerializer

    def get_queryset(self):
        published = milestones_queryset().published()
        agencies = published.order_by().values_list("agency", flat=True).distinct()
        places = published.order_by().values_list("jurisdiction", flat=True).distinct()
        errors = milestone_filter_errors(self.request.query_params, agencies, places)
        if errors:
            raise ValidationError(errors)
        for name in ("agency", "jurisdiction", "kind"):
            if values := _values(self.request, name):
                published = published.filter(**{f"{name}__in": values})
        return published.order_by("date", "title", "pk")


@extend_schema(responses={200: MilestoneSerializer, **problems(404, 410)})
class MilestoneDetail(PublicView, generics.RetrieveAPIView):
    serializer_class = MilestoneSerializer
    pagination_class = None

    def get_object(self):
        return _addressable(milestones_queryset(), pk=self.kwargs["pk"])


def estimates_queryset():
    return EffectEstimate.objects.select_related("trial", "source_publication")


@extend_schema(
    summary="Published effect estimates as the papers report them",
    parameters=[
        _repeatable("metric", "Metric code (repeat for OR).", Metric.values),
        _repeatable("outcome_measure", "Outcome measure, exact name (repeat for OR)."),
    ],
    responses={200: EstimateSerializer(many=True), **problems(400)},
)
class EstimateList(PublicView, generics.ListAPIView):
    serializer_class = EstimateSerializer

    def get_queryset(self):
        estimates = estimates_queryset().published()
        metrics = _values(self.request, "metric")
        unknown = [m for m in metrics if m not in Metric.values]
        if unknown:
            raise ValidationError({"metric": [f"“{m[:100]}” is not a metric." for m in unknown]})
        if metrics:
            estimates = estimates.filter(metric__in=metrics)
        if measures := _values(self.request, "outcome_measure"):
            estimates = estimates.filter(outcome_measure__in=measures)
        return estimates.order_by("outcome_measure", "label", "pk")


@extend_schema(responses={200: EstimateSerializer, **problems(404, 410)})
class EstimateDetail(PublicView, generics.RetrieveAPIView):
    serializer_class = EstimateSerializer
    pagination_class = None

    def get_object(self):
        return _addressable(estimates_queryset(), pk=self.kwargs["pk"])


@extend_schema(
    summary="Outcome families: the questions the evidence page pools",
    responses={200: FamilySerializer(many=True), **problems(400)},
)
class FamilyList(PublicView, generics.ListAPIView):
    serializer_class = FamilySerializer
    queryset = OutcomeFamily.objects.order_by("order", "name", "pk")


@extend_schema(responses={200: FamilySerializer, **problems(404)})
class FamilyDetail(PublicView, generics.RetrieveAPIView):
    serializer_class = FamilySerializer
    pagination_class = None
    queryset = OutcomeFamily.objects.all()
    lookup_field = "slug"
