"""Published appraisals of the evidence: RoB 2 judgements per estimate, certainty per family.

Each record is one review's judgement, with its source; judgements from
different reviews are separate records, shown side by side and never merged.
A blank judgement means the source gives none ("not assessed" / "not rated").
"""

from django.db import models
from simple_history.models import HistoricalRecords

from editorial.models import (
    Editorial,
    EditorialQuerySet,
    has_source_constraint,
    publish_permission,
    seed_key_field,
)
from trials.models import Trial

NOT_ASSESSED = "not assessed"
NOT_RATED = "not rated"


class RobJudgement(models.TextChoices):
    LOW = "low", "Low"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    HIGH = "high", "High"


class Certainty(models.TextChoices):
    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"


ROB_DOMAINS = (
    ("randomisation", "Randomisation process"),
    ("deviations", "Deviations from intended interventions"),
    ("missing_data", "Missing outcome data"),
    ("measurement", "Measurement of the outcome"),
    ("selection", "Selection of the reported result"),
)
GRADE_DOMAINS = (
    ("risk_of_bias", "Risk of bias"),
    ("inconsistency", "Inconsistency"),
    ("indirectness", "Indirectness"),
    ("imprecision", "Imprecision"),
    ("publication_bias", "Publication bias"),
)


def _judgement(label: str) -> models.CharField:
    return models.CharField(label, max_length=15, choices=RobJudgement.choices, blank=True)


def _downgrade(label: str) -> models.TextField:
    return models.TextField(
        f"{label}: downgrade and reason",
        blank=True,
        help_text="As the source states it, e.g. '−2: functional unblinding'. Blank: not stated.",
    )


class RiskOfBiasQuerySet(EditorialQuerySet):
    def high(self):
        return self.filter(overall=RobJudgement.HIGH)


def short_name(appraiser: str) -> str:
    """'Sevchik et al. 2026, SYPRES living review' -> 'Sevchik et al. 2026'."""
    return appraiser.split(",")[0].split(" (")[0].strip()


class RiskOfBias(Editorial):
    """One review's RoB 2 judgement of a randomised comparison (an effect estimate)."""

    seed_key = seed_key_field(help_text="")
    estimate = models.ForeignKey(
        "evidence.EffectEstimate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_of_bias",
        help_text="The estimate judged; blank when no estimate here matches the outcome assessed.",
    )
    trial = models.ForeignKey(
        Trial, null=True, blank=True, on_delete=models.PROTECT, related_name="risk_of_bias"
    )
    outcome_assessed = models.CharField(max_length=300, help_text="As the review names it.")
    appraiser = models.CharField(
        max_length=200, help_text="The review, e.g. 'Sevchik et al. 2026'."
    )
    randomisation = _judgement("Randomisation process")
    deviations = _judgement("Deviations from intended interventions")
    missing_data = _judgement("Missing outcome data")
    measurement = _judgement("Measurement of the outcome")
    selection = _judgement("Selection of the reported result")
    overall = _judgement("Overall")
    justification = models.TextField(blank=True, help_text="Why, in the review's words or ours.")
    quote = models.TextField(blank=True, help_text="Verbatim, 25 words or fewer.")

    history = HistoricalRecords()

    objects = RiskOfBiasQuerySet.as_manager()

    class Meta:
        ordering = ["appraiser", "outcome_assessed"]
        verbose_name = "risk-of-bias judgement"
        verbose_name_plural = "risk-of-bias judgements"
        permissions = [publish_permission("riskofbias", "RoB judgements")]
        constraints = [has_source_constraint("riskofbias_has_source")]

    def __str__(self):
        return f"{self.appraiser}: {self.outcome_assessed} ({self.overall_text})"

    @property
    def short_appraiser(self) -> str:
        return short_name(self.appraiser)

    @property
    def overall_text(self) -> str:
        return self.get_overall_display().lower() if self.overall else NOT_ASSESSED

    @property
    def domains(self) -> list[tuple[str, str]]:
        """(domain name, judgement text) for the five RoB 2 domains."""
        return [
            (label, getattr(self, f"get_{name}_display")().lower() or NOT_ASSESSED)
            for name, label in ROB_DOMAINS
        ]


class CertaintyRating(Editorial):
    """One review's certainty-of-evidence rating (GRADE or another scale) for an outcome family."""

    seed_key = seed_key_field(help_text="")
    family = models.ForeignKey(
        "evidence.OutcomeFamily",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certainty_ratings",
    )
    outcome_assessed = models.TextField(help_text="As the review names it.")
    appraiser = models.CharField(max_length=200)
    scale = models.CharField(max_length=60, default="GRADE")
    certainty = models.CharField(
        max_length=10,
        choices=Certainty.choices,
        blank=True,
        help_text="Blank when the source gives no single GRADE level.",
    )
    certainty_as_stated = models.CharField(
        max_length=100, blank=True, help_text="The source's words, e.g. 'low to very low'."
    )
    risk_of_bias = _downgrade("Risk of bias")
    inconsistency = _downgrade("Inconsistency")
    indirectness = _downgrade("Indirectness")
    imprecision = _downgrade("Imprecision")
    publication_bias = _downgrade("Publication bias")
    statement = models.TextField(blank=True, help_text="What the rating says, in plain language.")
    quote = models.TextField(blank=True)

    history = HistoricalRecords()

    objects = EditorialQuerySet.as_manager()

    class Meta:
        ordering = ["appraiser"]
        permissions = [publish_permission("certaintyrating", "certainty ratings")]
        constraints = [has_source_constraint("certaintyrating_has_source")]

    def __str__(self):
        return f"{self.appraiser}: {self.rating_text}"

    @property
    def short_appraiser(self) -> str:
        return short_name(self.appraiser)

    @property
    def rating_text(self) -> str:
        if self.certainty_as_stated:
            return self.certainty_as_stated
        return self.get_certainty_display().lower() if self.certainty else NOT_RATED

    @property
    def downgrades(self) -> list[tuple[str, str]]:
        """(GRADE domain, reason as stated) for each domain the source speaks to."""
        return [
            (label, getattr(self, name)) for name, label in GRADE_DOMAINS if getattr(self, name)
        ]
