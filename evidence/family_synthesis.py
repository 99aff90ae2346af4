"""Assemble an outcome family's synthesis: which estimates count, on what scale, pooled how.

`synthesise` is a pure function over model instances: it takes a family and
its estimates (related trial, phases and source publication already loaded),
decides which estimates count under the chosen options, puts each on the
family's common scale, pools them with `evidence.meta_analysis.pool` and says in
words what the result means. `load_estimates` fetches the estimates of many
families in a constant number of queries, so the synthesis page, the trial
page and the overview all share one path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.db.models.functions import Lower, Trim

from evidence.meta_analysis import (
    DEFAULT_CI,
    DEFAULT_METHOD,
    SCALE_CODE_OF_METRIC,
    Z_95,
    Effect,
    PooledResult,
    SynthesisError,
    back_transform,
    convert,
    pool,
)
from evidence.metapsy_source import load_metapsy_estimates
from evidence.models import EffectEstimate, OutcomeFamily, RiskOfBias
from evidence.models.estimates import se_basis_label
from evidence.synthesis_names import CI_NAMES, METHOD_NAMES
from trials.choices import PhaseCode

BOOLEAN_OPTIONS = (
    "include_retracted",
    "phase3_only",
    "rct_only",
    "verified_only",
    "exclude_high_rob",
)


@dataclass(frozen=True)
class Scale:
    """The common scale a family pools on; ratios are pooled as logs."""

    code: str
    name: str
    short: str
    is_ratio: bool = False

    def shown(self, value: float | None) -> float | None:
        """A value on the pooling scale as a reader expects it (ratios back from logs)."""
        return back_transform(value, self.is_ratio)


SMD = Scale("smd", "standardised mean difference (Hedges' g)", "Hedges' g")
MD = Scale("md", "mean difference", "Mean difference")
LOG_RR = Scale("rr", "risk ratio", "Risk ratio", is_ratio=True)
LOG_OR = Scale("or", "odds ratio", "Odds ratio", is_ratio=True)
SCALES = {"smd": SMD, "md": MD, "log_rr": LOG_RR, "log_or": LOG_OR}
SCALE_OF_METRIC = {metric: SCALES[code] for metric, code in SCALE_CODE_OF_METRIC.items()}


@dataclass(frozen=True)
class Options:
    """Sensitivity options; the defaults are the headline analysis."""

    method: str = DEFAULT_METHOD
    ci: str = DEFAULT_CI
    include_retracted: bool = False
    phase3_only: bool = False
    rct_only: bool = False
    verified_only: bool = False
    exclude_high_rob: bool = False
    source: str = "published"

    @property
    def method_name(self) -> str:
        return METHOD_NAMES[self.method]

    @property
    def ci_name(self) -> str:
        return CI_NAMES[self.ci]

    def as_query(self) -> dict[str, str]:
        """The GET parameters that reproduce these options (defaults left out)."""
        query = {} if self.method == DEFAULT_METHOD else {"method": self.method}
        if self.ci != DEFAULT_CI:
            query["ci"] = self.ci
        if self.source != "published":
            query["source"] = self.source
        query.update({name: "1" for name in BOOLEAN_OPTIONS if getattr(self, name)})
        return query


@dataclass(frozen=True)
class StudyRow:
    """An included estimate on the common scale, with its weight once pooled."""

    estimate: EffectEstimate
    effect: Effect
    scale: Scale
    weight: float | None = None

    @property
    def label(self) -> str:
        return self.estimate.label

    @property
    def n(self) -> int | None:
        return self.estimate.n_total

    @property
    def ci_low(self) -> float:
        return self.effect.estimate - Z_95 * self.effect.se

    @property
    def ci_high(self) -> float:
        return self.effect.estimate + Z_95 * self.effect.se

    @property
    def shown_estimate(self) -> float:
        return self.scale.shown(self.effect.estimate)

    @property
    def shown_ci_low(self) -> float:
        return self.scale.shown(self.ci_low)

    @property
    def shown_ci_high(self) -> float:
        return self.scale.shown(self.ci_high)

    @property
    def weight_percent(self) -> float | None:
        return None if self.weight is None else 100 * self.weight

    @property
    def se_basis_label(self) -> str:
        """Which input gave the SE, e.g. "SE from the reported 95% CI"."""
        return se_basis_label(self.effect.se_basis, self.estimate.ci_level)

    @property
    def retraction(self):
        """The retracted source publication of this row, or None."""
        source = self.estimate.source_publication
        return source if source is not None and source.is_retracted else None

    @property
    def risk_of_bias(self) -> list:
        """Published RoB 2 judgements of this estimate, one per review (never merged)."""
        return list(self.estimate.risk_of_bias.all())


@dataclass(frozen=True)
class Exclusion:
    estimate: EffectEstimate
    reason: str


@dataclass
class Synthesis:
    """What one family adds up to under one set of options."""

    family: OutcomeFamily
    options: Options
    scale: Scale | None
    rows: list[StudyRow] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)
    result: PooledResult | None = None
    message: str = ""

    @property
    def shown(self) -> dict[str, float | None]:
        """Pooled estimate and intervals as a reader expects them (ratios back from logs)."""
        r = self.result
        if r is None:
            return {}
        names = ("estimate", "ci_low", "ci_high", "pi_low", "pi_high")
        return {name: self.scale.shown(getattr(r, name)) for name in names}

    @property
    def participants(self) -> int | None:
        known = [row.n for row in self.rows if row.n is not None]
        return sum(known) if known else None

    @property
    def summary(self) -> str:
        from evidence.synthesis_text import describe  # here: synthesis_text imports this module

        return describe(self)


def is_phase3(estimate: EffectEstimate) -> bool:
    trial = estimate.trial
    return trial is not None and any(p.code == PhaseCode.PHASE3 for p in trial.phases.all())


def high_risk_judges(estimate: EffectEstimate) -> list[str]:
    """The reviews that judged this estimate at high overall risk of bias (RoB 2)."""
    return [j.short_appraiser for j in estimate.risk_of_bias.all() if j.overall == "high"]


def selection_reasons(estimate: EffectEstimate, family: OutcomeFamily, options: Options):
    """Why the options leave this estimate out (empty when they keep it)."""
    reasons = []
    source = estimate.source_publication
    if source is not None and source.is_retracted and not options.include_retracted:
        day = source.retraction_date
        when = f" on {day.day} {day:%B %Y}" if day else ""
        reasons.append(f"its source publication was retracted{when}")
    if options.phase3_only and not is_phase3(estimate):
        what = "a phase 3 trial" if estimate.trial is None else "from a phase 3 trial"
        reasons.append(f"not {what} (phase 3 only)")
    if options.rct_only and not estimate.randomised_controlled:
        reasons.append("not a randomised, controlled comparison")
    if options.verified_only and not estimate.verified:
        note = f": {estimate.unverified_note}" if estimate.unverified_note else ""
        reasons.append(f"not verified{note}")
    if options.exclude_high_rob and (high := high_risk_judges(estimate)):
        reasons.append(f"judged at high risk of bias ({', '.join(high)})")
    if estimate.metric not in family.metrics:
        reasons.append(f"its metric ({estimate.get_metric_display()}) is not one this family pools")
    return reasons


def to_common_scale(estimate: EffectEstimate, scale: Scale) -> Effect:
    """The estimate and its SE on `scale`; raises SynthesisError saying why it cannot be."""
    if SCALE_OF_METRIC.get(estimate.metric) != scale:
        raise SynthesisError(
            f"its metric ({estimate.get_metric_display()}) cannot be converted to a {scale.name}"
        )
    return convert(
        estimate.metric,
        estimate.value,
        se=estimate.se,
        ci=(estimate.ci_low, estimate.ci_high),
        ci_level=estimate.ci_level,
        n1=estimate.n_treatment,
        n2=estimate.n_control,
    )


def family_scale(family: OutcomeFamily) -> Scale | None:
    """The scale of the family's first metric, which the others must convert to."""
    for code in family.metrics:
        if code in SCALE_OF_METRIC:
            return SCALE_OF_METRIC[code]
    return None


def _row_order(estimate: EffectEstimate):
    # Verified estimates first, so a trial reported twice keeps its checked number.
    return (not estimate.verified, estimate.label.lower(), estimate.pk or 0)


def synthesise(
    family: OutcomeFamily, estimates: Iterable[EffectEstimate], options: Options = Options()
) -> Synthesis:
    """Select, convert and pool a family's published estimates under `options`."""
    scale = family_scale(family)
    synthesis = Synthesis(family=family, options=options, scale=scale)
    estimates = sorted(estimates, key=_row_order)
    if scale is None:
        reason = "this family lists no metrics to pool"
        synthesis.excluded = [Exclusion(e, reason) for e in estimates]
        synthesis.message = "This outcome family lists no metrics to pool yet."
        return synthesis
    included_trials: dict[int, StudyRow] = {}
    for estimate in estimates:
        reasons = selection_reasons(estimate, family, options)
        if not reasons and estimate.trial_id in included_trials:
            first = included_trials[estimate.trial_id].label
            reasons.append(
                f"the same trial is already included ({first}); pooling both would count "
                "its participants twice"
            )
        if not reasons:
            try:
                row = StudyRow(estimate, to_common_scale(estimate, scale), scale)
            except SynthesisError as error:
                reasons.append(str(error))
        if reasons:
            synthesis.excluded.append(Exclusion(estimate, "; ".join(reasons)))
            continue
        synthesis.rows.append(row)
        if estimate.trial_id is not None:
            included_trials[estimate.trial_id] = row
    _pool_rows(synthesis)
    return synthesis


def _pool_rows(synthesis: Synthesis) -> None:
    rows = synthesis.rows
    if not rows:
        synthesis.message = (
            "None of this family's published estimates meets the chosen criteria; "
            "the excluded estimates are listed with the reasons."
            if synthesis.excluded
            else "No published effect estimates belong to this outcome family yet."
        )
        return
    if len(rows) == 1:
        row = rows[0]
        synthesis.message = (
            f"Only one estimate ({row.label}) is included: no pooling. Its {row.scale.short} is "
            f"{row.shown_estimate:.2f} (95% CI {row.shown_ci_low:.2f} to {row.shown_ci_high:.2f})."
        )
        return
    try:
        result = pool(
            [r.effect.estimate for r in rows],
            [r.effect.se for r in rows],
            synthesis.options.method,
            synthesis.options.ci,
        )
    except SynthesisError as error:
        synthesis.message = f"These estimates cannot be pooled: {error}."
        return
    synthesis.result = result
    weights = zip(rows, result.weights, strict=True)
    synthesis.rows = [StudyRow(r.estimate, r.effect, r.scale, w) for r, w in weights]


def load_estimates(families: Sequence[OutcomeFamily]) -> dict[int, list[EffectEstimate]]:
    """Public estimates of each family (published, with published trial and source), by family id.

    Two queries.
    """
    keys = {f.pk: {m.casefold() for m in f.measure_names} for f in families}
    wanted = set().union(*keys.values()) if keys else set()
    found = {f.pk: [] for f in families}
    if not wanted:
        return found
    estimates = (
        EffectEstimate.objects.public_evidence()
        .annotate(measure_key=Lower(Trim("outcome_measure")))
        .filter(measure_key__in=wanted)
        .select_related("trial__lead_sponsor", "source_publication")
        .prefetch_related(
            "trial__phases",
            Prefetch("risk_of_bias", queryset=RiskOfBias.objects.published()),
        )
    )
    for estimate in estimates:
        for family in families:
            if estimate.outcome_measure.strip().casefold() in keys[family.pk]:
                found[family.pk].append(estimate)
    return found


def synthesise_all(
    families: Sequence[OutcomeFamily], options: Options = Options()
) -> list[Synthesis]:
    """A synthesis per family, sharing one load of the estimates."""
    if options.source == "metapsy":
        estimates = load_metapsy_estimates(families)
    else:
        estimates = load_estimates(families)
    return [synthesise(f, estimates[f.pk], options) for f in families]


def synthesis_for(family: OutcomeFamily, options: Options = Options()) -> Synthesis:
    return synthesise_all([family], options)[0]


def all_families() -> list[OutcomeFamily]:
    return list(OutcomeFamily.objects.order_by("order", "name"))
