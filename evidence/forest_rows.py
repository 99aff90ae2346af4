"""What a forest plot shows: its rows and pooled diamond, on the pooling scale (logs for
ratios). Where they are drawn is `public.charts.forest`; this module holds no geometry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evidence.family_synthesis import Synthesis
from evidence.models.estimates import Direction
from evidence.models.metapsy import METAPSY_ATTRIBUTION

# The interval method as the pooled row names it.
CI_LABELS = {"wald": "Wald CI", "hk": "HKSJ CI", "hk_adhoc": "HKSJ ad hoc CI"}


@dataclass(frozen=True)
class ForestRow:
    """One line of the plot, with values on the pooling scale (logs for ratios)."""

    label: str
    n: int | None
    estimate: float
    ci_low: float
    ci_high: float
    weight: float | None = None
    retracted: bool = False
    # (overall RoB 2 judgement code, "" when not assessed; review) per review.
    rob: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ForestPlot:
    title: str
    description: str
    axis_label: str
    rows: Sequence[ForestRow]
    pooled: ForestRow | None = None
    is_ratio: bool = False
    direction: str = Direction.HIGHER_BETTER


def plot_for(synthesis: Synthesis) -> ForestPlot:
    """The forest plot of a synthesis: its included rows and pooled diamond."""
    scale = synthesis.scale
    rows = [
        ForestRow(
            r.label,
            r.n,
            r.effect.estimate,
            r.ci_low,
            r.ci_high,
            r.weight,
            r.retraction is not None,
            tuple((j.overall, j.short_appraiser) for j in r.risk_of_bias) or (("", ""),),
        )
        for r in synthesis.rows
    ]
    pooled = None
    if (result := synthesis.result) is not None:
        pooled = ForestRow(
            f"Pooled ({result.method}, {CI_LABELS[result.ci_method]})",
            synthesis.participants,
            result.estimate,
            result.ci_low,
            result.ci_high,
            1.0,
        )
    return ForestPlot(
        title=f"Forest plot: {synthesis.family.name}",
        description=synthesis.summary + _attribution(synthesis),
        axis_label=_axis_label(scale),
        rows=rows,
        pooled=pooled,
        is_ratio=bool(scale and scale.is_ratio),
        direction=synthesis.family.direction,
    )


def _attribution(synthesis: Synthesis) -> str:
    # ODC-BY: the Metapsy dataset is credited wherever its numbers appear.
    return f" Data: {METAPSY_ATTRIBUTION}." if synthesis.options.source == "metapsy" else ""


def _axis_label(scale) -> str:
    if scale is None:
        return ""
    return f"{scale.short} (log scale)" if scale.is_ratio else scale.short
