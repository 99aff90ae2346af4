"""What moved between a family's consecutive synthesis snapshots, in words.

A snapshot is stored whenever a pooled input changes, but a new version of an input can
leave the pooled result as it was. A change here is one a reader would see: the pooled
estimate, either bound of its interval (to the two decimals the page shows) or k.
"""

from dataclasses import dataclass

from evidence.family_synthesis import family_scale
from evidence.models import SynthesisSnapshot


@dataclass(frozen=True)
class PooledChange:
    snapshot: SynthesisSnapshot
    text: str


def _shown(result: dict, scale) -> tuple | None:
    """(estimate, low, high, k) as the page shows them, or None when nothing was pooled."""
    if not result or result.get("estimate") is None:
        return None
    values = [scale.shown(result.get(name)) for name in ("estimate", "ci_low", "ci_high")]
    if None in values:
        return None
    return (*(f"{v:.2f}" for v in values), result.get("k"))


def _words(shown: tuple, scale) -> str:
    estimate, low, high, k = shown
    return f"{scale.short} {estimate} (95% CI {low} to {high}; k = {k})"


def describe_change(old: tuple | None, new: tuple | None, scale) -> str:
    """e.g. "Hedges' g 0.91 (95% CI 0.60 to 1.22; k = 2) → Hedges' g 0.80 (…; k = 3)"."""
    if old is None:
        return f"Pooled for the first time: {_words(new, scale)}."
    if new is None:
        return f"No longer pooled (fewer than two estimates); was {_words(old, scale)}."
    return f"Pooled result changed from {_words(old, scale)} to {_words(new, scale)}."


def family_changes(snapshots: list[SynthesisSnapshot], scale) -> list[PooledChange]:
    """One change per snapshot, oldest first, whose shown pooled result differs from the last."""
    changes, previous = [], None
    for snapshot in snapshots:
        current = _shown(snapshot.result, scale)
        if current != previous:
            changes.append(PooledChange(snapshot, describe_change(previous, current, scale)))
        previous = current
    return changes


def pooled_changes(limit: int) -> list[PooledChange]:
    """The newest changes of any family's pooled result, newest first. One query."""
    by_family: dict[int, list[SynthesisSnapshot]] = {}
    snapshots = SynthesisSnapshot.objects.select_related("family").order_by("taken_at", "pk")
    for snapshot in snapshots:
        by_family.setdefault(snapshot.family_id, []).append(snapshot)
    changes = []
    for family_snapshots in by_family.values():
        scale = family_scale(family_snapshots[0].family)
        if scale is not None:
            changes += family_changes(family_snapshots, scale)
    changes.sort(key=lambda c: (c.snapshot.taken_at, c.snapshot.pk), reverse=True)
    return changes[:limit]
