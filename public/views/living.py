"""Context for the living-review parts of the synthesis page: caveats, over time, leave one out."""

from django.utils.safestring import mark_safe

from evidence import living
from evidence.egger import MIN_STUDIES, egger_test
from evidence.family_synthesis import Synthesis
from evidence.forest_rows import ForestPlot, ForestRow
from public.charts.forest import render_svg
from public.charts.funnel import funnel_chart, funnel_svg
from public.charts.history_chart import history_chart, history_svg


def _cumulative_forest(synthesis: Synthesis, steps: list[living.Step]) -> str:
    rows = [
        ForestRow(
            f"{s.label} ({s.year})" if s.year else s.label,
            s.result.k,
            s.result.estimate,
            s.result.ci_low,
            s.result.ci_high,
        )
        for s in steps
    ]
    plot = ForestPlot(
        title=f"Cumulative meta-analysis by publication year: {synthesis.family.name}",
        description="; ".join(
            f"{s.label}: {s.shown('estimate'):.2f} ({s.shown('ci_low'):.2f} to "
            f"{s.shown('ci_high'):.2f})"
            for s in steps
        ),
        axis_label=synthesis.scale.short + (" (log scale)" if synthesis.scale.is_ratio else ""),
        rows=rows,
        is_ratio=synthesis.scale.is_ratio,
        direction=synthesis.family.direction,
    )
    # render_svg escapes every text it writes.
    return mark_safe(render_svg(plot, id_prefix="cumulative"))


def funnel_context(synthesis: Synthesis) -> dict:
    """Funnel plot and Egger's test, only when at least MIN_STUDIES estimates are pooled."""
    context = {"funnel_min": MIN_STUDIES, "funnel_svg": "", "egger": None}
    r = synthesis.result
    if r is None or r.k < MIN_STUDIES:
        return context
    y = [row.effect.estimate for row in synthesis.rows]
    se = [row.effect.se for row in synthesis.rows]
    chart = funnel_chart(y, se, [row.label for row in synthesis.rows], r.estimate)
    context["funnel_svg"] = funnel_svg(chart)
    context["egger"] = egger_test(y, se)
    return context


def living_context(synthesis: Synthesis, certainty: str = "") -> dict:
    """Caveats, plain-language sentence, HK beside Wald, cumulative, leave-one-out, history."""
    if synthesis.result is None:
        return {}
    cumulative = living.cumulative_steps(synthesis)
    history = living.history_steps(synthesis)
    chart = history_chart(
        history, synthesis.scale, f"Pooled estimate over time: {synthesis.family.name}"
    )
    hk = living.small_k_interval(synthesis)
    return {
        **funnel_context(synthesis),
        "hk_shown": {n: synthesis.scale.shown(getattr(hk, n)) for n in ("ci_low", "ci_high")}
        if hk
        else None,
        "caveats": living.caveats(synthesis),
        "plain_language": living.plain_language(synthesis, certainty),
        "hk_result": hk,
        "cumulative_steps": cumulative,
        "cumulative_forest": _cumulative_forest(synthesis, cumulative),
        "leave_one_out_steps": living.leave_one_out_steps(synthesis),
        "history_steps": history,
        "history_svg": history_svg(chart) if chart else "",
    }
