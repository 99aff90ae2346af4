"""/api/v1/syntheses/<family>/: the pooled result and its rows, as /evidence/ computes them."""

from dataclasses import asdict, fields

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from evidence.family_synthesis import BOOLEAN_OPTIONS, Options, synthesis_for
from evidence.meta_analysis import METHODS
from evidence.models import OutcomeFamily
from public.api.base import PublicView, problems
from public.api.evidence_serializers import EstimateSerializer, FamilySerializer
from public.api.http import BadParameter
from public.api.links import absolute
from public.views.synthesis import FALSE_WORDS, TRUE_WORDS, options_from_query
from public.views.synthesis import BadParameter as BadSynthesisParameter


class PooledSerializer(serializers.Serializer):
    estimate = serializers.FloatField(help_text="On the reader's scale (ratios back from logs).")
    ci_low = serializers.FloatField()
    ci_high = serializers.FloatField()
    pi_low = serializers.FloatField(allow_null=True, help_text="95% prediction interval.")
    pi_high = serializers.FloatField(allow_null=True)
    pooling_scale = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="estimate, se, ci_low, ci_high on the pooling scale (logs for ratios).",
    )
    p_value = serializers.FloatField()
    tau2 = serializers.FloatField()
    i2 = serializers.FloatField(help_text="Percent.")
    q = serializers.FloatField()
    q_df = serializers.IntegerField()
    q_pvalue = serializers.FloatField()
    k = serializers.IntegerField()
    method = serializers.CharField()


class RowSerializer(serializers.Serializer):
    estimate = EstimateSerializer()
    pooled_estimate = serializers.FloatField(help_text="On the pooling scale.")
    se = serializers.FloatField()
    ci_low = serializers.FloatField()
    ci_high = serializers.FloatField()
    shown_estimate = serializers.FloatField(help_text="On the reader's scale.")
    weight_percent = serializers.FloatField(allow_null=True)


class ExclusionSerializer(serializers.Serializer):
    estimate = EstimateSerializer()
    reason = serializers.CharField()


class SynthesisSerializer(serializers.Serializer):
    family = FamilySerializer()
    options = serializers.DictField()
    scale = serializers.CharField(allow_null=True)
    summary = serializers.CharField(help_text="The sentence the evidence page shows.")
    participants = serializers.IntegerField(allow_null=True)
    result = PooledSerializer(allow_null=True)
    rows = RowSerializer(many=True)
    excluded = ExclusionSerializer(many=True)
    url = serializers.URLField(help_text="The evidence page with the same options.")


def _result(synthesis) -> dict | None:
    r = synthesis.result
    if r is None:
        return None
    names = ("p_value", "tau2", "i2", "q", "q_df", "q_pvalue", "k", "method")
    return {
        **synthesis.shown,
        "pooling_scale": {n: getattr(r, n) for n in ("estimate", "se", "ci_low", "ci_high")},
        **{n: getattr(r, n) for n in names},
    }


def synthesis_data(synthesis, context) -> dict:
    """The synthesis as plain data; the same numbers the evidence page prints."""
    family, options = synthesis.family, synthesis.options
    query = urlencode({"family": family.slug, **options.as_query()})
    rows = [
        {
            "estimate": row.estimate,
            "pooled_estimate": row.effect.estimate,
            "se": row.effect.se,
            "ci_low": row.ci_low,
            "ci_high": row.ci_high,
            "shown_estimate": row.shown_estimate,
            "weight_percent": row.weight_percent,
        }
        for row in synthesis.rows
    ]
    return {
        "family": family,
        # Every option the pooling module knows, so new ones appear without a change here.
        "options": asdict(options),
        "scale": synthesis.scale.code if synthesis.scale else None,
        "summary": synthesis.summary,
        "participants": synthesis.participants,
        "result": _result(synthesis),
        "rows": rows,
        "excluded": [{"estimate": e.estimate, "reason": e.reason} for e in synthesis.excluded],
        "url": absolute(context, f"{reverse('public:synthesis')}?{query}"),
    }


def synthesis_parameters() -> list[OpenApiParameter]:
    """One query parameter per sensitivity option the pooling module defines."""
    found = []
    for option in fields(Options):
        if option.name == "method":
            found.append(
                OpenApiParameter("method", str, enum=list(METHODS), description="FE, DL or PM.")
            )
        elif option.name in BOOLEAN_OPTIONS:
            found.append(OpenApiParameter(option.name, str, enum=list(TRUE_WORDS + FALSE_WORDS)))
        else:
            found.append(OpenApiParameter(option.name, str, description="See /evidence/."))
    return found


@extend_schema(
    summary="Pool a family's published estimates with the evidence page's options",
    parameters=synthesis_parameters(),
    responses={200: SynthesisSerializer, **problems(400, 404)},
)
class SynthesisDetail(PublicView):
    serializer_class = SynthesisSerializer
    pagination_class = None

    def get(self, request, slug):
        family = get_object_or_404(OutcomeFamily, slug=slug)
        try:
            options = options_from_query(request.query_params)
        except BadSynthesisParameter as error:
            raise BadParameter(error.name, str(error)) from None
        synthesis = synthesis_for(family, options)
        context = self.get_serializer_context()
        return Response(
            SynthesisSerializer(synthesis_data(synthesis, context), context=context).data
        )
