"""Context for risk of bias, certainty of evidence and the Summary-of-findings table."""

from collections.abc import Sequence
from dataclasses import dataclass

from evidence import living
from evidence.family_synthesis import Synthesis, synthesise_all
from evidence.meta_analysis import PooledResult
from evidence.models import CertaintyRating, OutcomeFamily, RiskOfBias


def certainty_phrase(ratings: Sequence[CertaintyRating]) -> str:
    """'is rated low by Sevchik et al. 2026 (GRADE); …' for the plain-language sentence."""
    if not ratings:
        return ""
    return "is rated " + "; ".join(
        f"{r.rating_text} by {r.short_appraiser} ({r.scale})" for r in ratings
    )


@dataclass(frozen=True)
class FindingsRow:
    """One outcome family in the Summary-of-findings table."""

    synthesis: Synthesis
    ratings: list[CertaintyRating]
    statement: str
    hk: PooledResult | None

    @property
    def hk_shown(self) -> dict | None:
        if self.hk is None:
            return None
        return {n: self.synthesis.scale.shown(getattr(self.hk, n)) for n in ("ci_low", "ci_high")}


def _ratings_by_family(families: Sequence[OutcomeFamily]) -> dict[int, list[CertaintyRating]]:
    found = {f.pk: [] for f in families}
    for rating in CertaintyRating.objects.published().filter(family__in=families):
        found[rating.family_id].append(rating)
    return found


def appraisal_context(synthesis: Synthesis, families: Sequence[OutcomeFamily]) -> dict:
    """Certainty ratings of this family, review-level RoB summaries and the SoF table."""
    ratings = _ratings_by_family(families)
    findings = [
        FindingsRow(
            s,
            ratings[s.family.pk],
            living.plain_language(s, certainty_phrase(ratings[s.family.pk])) or s.message,
            living.small_k_interval(s),
        )
        for s in synthesise_all(families, synthesis.options)
    ]
    own = ratings[synthesis.family.pk]
    return {
        "certainty_ratings": own,
        "certainty_phrase": certainty_phrase(own),
        "review_rob": list(
            RiskOfBias.objects.published().filter(estimate__isnull=True, trial__isnull=True)
        ),
        "findings": findings,
    }
