"""Pooled numbers shown on other pages (the trial page and the overview).

Both use the default synthesis (REML, retracted sources left
out) of every outcome family, computed from one load of the estimates, so
each page adds a constant number of queries however many families exist.
The templates ``evidence/_trial_synthesis.html`` and
``evidence/_overview_synthesis.html`` render nothing for an empty list.
"""

from dataclasses import dataclass

from evidence.family_synthesis import StudyRow, Synthesis, all_families, synthesise_all
from trials.datacache import versioned


@dataclass(frozen=True)
class TrialSynthesis:
    """A trial's estimate in one family's default synthesis, and what it pools into."""

    synthesis: Synthesis
    row: StudyRow

    @property
    def family(self):
        return self.synthesis.family


def default_syntheses() -> list[Synthesis]:
    """The default synthesis of every family, from the shared cache while the data stands."""
    return versioned("default-syntheses", (), lambda: synthesise_all(all_families()))


def trial_syntheses(trial) -> list[TrialSynthesis]:
    """For each outcome family this trial's estimates are pooled in: its estimate and weight."""
    found = []
    for synthesis in default_syntheses():
        for row in synthesis.rows:
            if row.estimate.trial_id == trial.pk:
                found.append(TrialSynthesis(synthesis, row))
    return found


def overview_syntheses() -> list[Synthesis]:
    """The headline synthesis of each outcome family that has an included estimate."""
    return [s for s in default_syntheses() if s.rows]
