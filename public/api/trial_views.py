"""/api/v1/trials/: the same filters, sorts and counts as the /trials/ page."""

from django.http import Http404
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics

from public.api.base import PublicView, problems
from public.api.evidence_serializers import ImportRunSerializer
from public.api.http import Gone
from public.api.trial_detail import (
    TrialDetailSerializer,
    load_sections,
    trial_detail_queryset,
    trial_list_queryset,
)
from public.api.trial_serializers import TrialSummarySerializer
from public.filters import TrialFilter
from trials.models import ImportRun, Trial


class TrialFilterBackend(DjangoFilterBackend):
    """django-filter's backend, ordered by the list's `sort` (relevance, -start, ...)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.sorted_qs()


PARTIAL_DATE = "YYYY, YYYY-MM or YYYY-MM-DD; a partial date covers its whole period."
TRIAL_PARAMETERS = [
    OpenApiParameter("condition", str, many=True, description="Condition, exact name (OR)."),
    OpenApiParameter("sponsor", str, many=True, description="Lead sponsor, exact name (OR)."),
    OpenApiParameter("intervention", str, many=True, description="Intervention, exact (OR)."),
    OpenApiParameter("start_after", str, description=f"Started on or after: {PARTIAL_DATE}"),
    OpenApiParameter("start_before", str, description=f"Started on or before: {PARTIAL_DATE}"),
]


@extend_schema(
    summary="Published trials, filtered and sorted as /trials/ filters and sorts them",
    parameters=TRIAL_PARAMETERS,
    responses={200: TrialSummarySerializer(many=True), **problems(400)},
)
class TrialList(PublicView, generics.ListAPIView):
    serializer_class = TrialSummarySerializer
    filter_backends = [TrialFilterBackend]
    filterset_class = TrialFilter

    def get_queryset(self):
        return trial_list_queryset(Trial.objects.published())


def withdrawn_detail(record) -> str:
    when = f" on {record.withdrawn_at:%Y-%m-%d}" if record.withdrawn_at else ""
    why = f", because {record.withdrawn_reason}" if record.withdrawn_reason else ""
    return f"This record was withdrawn{when}{why}."


@extend_schema(
    summary="One trial with arms, sites, outcomes, results and the evidence about it",
    responses={200: TrialDetailSerializer, **problems(404, 410)},
)
class TrialDetail(PublicView, generics.RetrieveAPIView):
    serializer_class = TrialDetailSerializer
    pagination_class = None

    def get_object(self):
        trial = trial_detail_queryset().by_key(self.kwargs["key"])
        if trial is None:
            raise Http404("No published trial has this id.")
        if trial.is_withdrawn:
            raise Gone(withdrawn_detail(trial))
        load_sections(trial)
        return trial


@extend_schema(
    summary="Registry import runs: when, how many studies, how it ended",
    responses={200: ImportRunSerializer(many=True), **problems(400)},
)
class ImportRunList(PublicView, generics.ListAPIView):
    serializer_class = ImportRunSerializer
    queryset = ImportRun.objects.order_by("-started_at", "-pk")
