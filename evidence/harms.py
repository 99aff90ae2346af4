"""Comparative harms: Mantel-Haenszel pooled risk ratio and risk difference of one adverse
event across randomised placebo-controlled trials.

Pure functions on 2×2 counts. Risk ratio: a trial with no events in either arm says nothing
about a ratio and is excluded; a trial with a zero in one arm gets 0.5 added to each of its
four cells (only those trials); variance by Greenland & Robins (1985). Risk difference: every
trial counts, uncorrected, variance by Sato (1989) as in RevMan and metafor.
"""

import math
from dataclasses import dataclass

from evidence.meta_analysis import back_transform

Z95 = 1.959963984540054
CORRECTION = 0.5


@dataclass(frozen=True)
class Arms:
    """One trial's counts: participants affected / at risk with MDMA and with placebo."""

    label: str
    events_mdma: int
    n_mdma: int
    events_placebo: int
    n_placebo: int

    @property
    def double_zero(self) -> bool:
        return self.events_mdma == 0 and self.events_placebo == 0

    @property
    def single_zero(self) -> bool:
        return (self.events_mdma == 0) != (self.events_placebo == 0)


@dataclass(frozen=True)
class Pooled:
    estimate: float
    low: float
    high: float
    k: int  # trials that contribute
    excluded: tuple[str, ...] = ()  # double-zero trials, left out of a ratio
    corrected: tuple[str, ...] = ()  # single-zero trials given the 0.5 correction


def _cells(t: Arms, correct: bool) -> tuple[float, float, float, float]:
    """(a, n1, c, n2), with 0.5 added to each of the four cells when asked."""
    add = CORRECTION if correct else 0.0
    return t.events_mdma + add, t.n_mdma + 2 * add, t.events_placebo + add, t.n_placebo + 2 * add


def mh_risk_ratio(trials: list[Arms], z: float = Z95) -> Pooled | None:
    """Pooled risk ratio (MDMA / placebo); None when no trial has an event."""
    used = [t for t in trials if not t.double_zero and t.n_mdma and t.n_placebo]
    if not used:
        return None
    r = s = v = 0.0
    for t in used:
        a, n1, c, n2 = _cells(t, t.single_zero)
        n = n1 + n2
        r += a * n2 / n
        s += c * n1 / n
        v += (n1 * n2 * (a + c) - a * c * n) / n**2
    log_rr = math.log(r / s)
    se = math.sqrt(v / (r * s))
    return Pooled(
        back_transform(log_rr),
        back_transform(log_rr - z * se),
        back_transform(log_rr + z * se),
        len(used),
        excluded=tuple(t.label for t in trials if t.double_zero),
        corrected=tuple(t.label for t in used if t.single_zero),
    )


def mh_risk_difference(trials: list[Arms], z: float = Z95) -> Pooled | None:
    """Pooled risk difference (MDMA minus placebo, as a proportion)."""
    used = [t for t in trials if t.n_mdma and t.n_placebo]
    if not used:
        return None
    weight = diff = p = q = 0.0
    for t in used:
        a, n1, c, n2 = _cells(t, False)
        n = n1 + n2
        weight += n1 * n2 / n
        diff += (a * n2 - c * n1) / n
        p += (n1**2 * c - n2**2 * a + n1 * n2 * (n2 - n1) / 2) / n**2
        q += (a * (n2 - c) + c * (n1 - a)) / (2 * n)
    rd = diff / weight
    se = math.sqrt(max(rd * p + q, 0.0)) / weight
    return Pooled(rd, rd - z * se, rd + z * se, len(used))


def trial_risk_ratio(t: Arms, z: float = Z95) -> Pooled | None:
    """One trial's risk ratio with its Wald interval on the log scale; None if double-zero.

    A single-zero trial gets the same 0.5 correction as in the pooled ratio.
    """
    if t.double_zero or not (t.n_mdma and t.n_placebo):
        return None
    a, n1, c, n2 = _cells(t, t.single_zero)
    log_rr = math.log((a / n1) / (c / n2))
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    return Pooled(
        back_transform(log_rr),
        back_transform(log_rr - z * se),
        back_transform(log_rr + z * se),
        1,
        corrected=(t.label,) if t.single_zero else (),
    )


def mh_weights(trials: list[Arms]) -> dict[str, float]:
    """Each contributing trial's share of the Mantel-Haenszel risk-ratio weight c·n1/N."""
    raw = {}
    for t in trials:
        if t.double_zero or not (t.n_mdma and t.n_placebo):
            continue
        _, n1, c, n2 = _cells(t, t.single_zero)
        raw[t.label] = c * n1 / (n1 + n2)
    total = sum(raw.values())
    return {label: w / total for label, w in raw.items()} if total else {}
