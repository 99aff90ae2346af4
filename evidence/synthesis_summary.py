"""Pooled numbers shown on other pages (the trial page and the overview).

Placeholder: the synthesis work fills these in. The templates
``evidence/_trial_synthesis.html`` and ``evidence/_overview_synthesis.html``
render nothing for an empty list.
"""


def trial_syntheses(trial) -> list:
    """For each outcome family this trial's estimates are pooled in: its estimate and weight."""
    return []


def overview_syntheses() -> list:
    """The headline pooled estimate of each outcome family, for the overview page."""
    return []
