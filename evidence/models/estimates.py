"""Effect estimates taken from papers, and the outcome families they are pooled in."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from editorial.models import (
    Editorial,
    EditorialQuerySet,
    State,
    has_source_constraint,
    publish_permission,
    seed_key_field,
)
from evidence.effect_scales import (
    SCALE_CODE_OF_METRIC,
    SE_FROM_CI,
    SE_FROM_GROUP_SIZES,
    SE_REPORTED,
)
from trials.models import Trial


class Metric(models.TextChoices):
    COHENS_D = "cohens_d", "Cohen's d"
    HEDGES_G = "hedges_g", "Hedges' g"
    SMD = "smd", "Standardised mean difference"
    MEAN_DIFFERENCE = "md", "Mean difference"
    RISK_RATIO = "rr", "Risk ratio"
    ODDS_RATIO = "or", "Odds ratio"


class Direction(models.TextChoices):
    HIGHER_BETTER = "higher", "Higher values favour MDMA-assisted therapy"
    LOWER_BETTER = "lower", "Lower values favour MDMA-assisted therapy"


class OutcomeFamily(models.Model):
    """A question to pool, e.g. PTSD severity, clinician-rated (CAPS-IV and CAPS-5 total)."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    measures = models.TextField(
        help_text="Outcome measure names that belong, one per line (matched case-insensitively)."
    )
    metrics = models.JSONField(
        default=list,
        blank=True,
        help_text='Metric codes that may be pooled together, e.g. ["cohens_d", "hedges_g"].',
    )
    direction = models.CharField(max_length=10, choices=Direction.choices)
    order = models.PositiveSmallIntegerField(default=0)
    expectancy_note = models.TextField(
        blank=True,
        help_text="Editors' flag: expectancy or functional unblinding that threatens this "
        "family's results, with its source. Shown as a caveat beside the pooled result.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "outcome families"

    def __str__(self):
        return self.name

    @property
    def measure_names(self) -> list[str]:
        return [line.strip() for line in self.measures.splitlines() if line.strip()]

    def clean(self):
        unknown = [m for m in self.metrics if m not in Metric.values]
        if unknown:
            raise ValidationError({"metrics": f"Unknown metric codes: {', '.join(unknown)}."})


class SEBasis(models.TextChoices):
    """Where the standard error used for pooling comes from (first that applies)."""

    REPORTED_SE = SE_REPORTED, "SE as reported"
    REPORTED_CI = SE_FROM_CI, "SE from the reported CI"
    GROUP_SIZES = SE_FROM_GROUP_SIZES, "SE from the group sizes"
    NONE = "", "No SE can be derived"


def se_basis_of(metric, se, ci_low, ci_high, n_treatment, n_control) -> str:
    """The SE precedence of `evidence.meta_analysis.convert`, told from the stored fields."""
    if se is not None:
        return SEBasis.REPORTED_SE
    if ci_low is not None and ci_high is not None:
        return SEBasis.REPORTED_CI
    if SCALE_CODE_OF_METRIC.get(metric) == "smd" and n_treatment and n_control:
        return SEBasis.GROUP_SIZES
    return SEBasis.NONE


def se_basis_label(basis: str, ci_level: float) -> str:
    """e.g. "SE from the reported 95% CI"; empty for an unknown basis."""
    if basis == SEBasis.REPORTED_CI:
        return f"SE from the reported {ci_level:g}% CI"
    return SEBasis(basis).label if basis in SEBasis.values else ""


class EffectEstimateQuerySet(EditorialQuerySet):
    def public_evidence(self):
        """Published estimates whose trial and source publication are published too.

        The only estimates a synthesis, plot or export may use: a published
        estimate must never carry a draft or withdrawn record into public view.
        """
        return (
            self.published()
            .filter(models.Q(trial__isnull=True) | models.Q(trial__state=State.PUBLISHED))
            .filter(
                models.Q(source_publication__isnull=True)
                | models.Q(source_publication__state=State.PUBLISHED)
            )
        )


class EffectEstimate(Editorial):
    """One effect size as a paper reports it, with enough detail to pool it."""

    seed_key = seed_key_field()
    trial = models.ForeignKey(
        Trial,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="effect_estimates",
        help_text="Blank for a pooled analysis across several trials.",
    )
    label = models.CharField(
        max_length=200, help_text="Study label in a forest plot, e.g. 'MAPP1'."
    )
    outcome_measure = models.CharField(
        max_length=300, db_index=True, help_text="e.g. 'CAPS-5 total'."
    )
    comparison = models.CharField(
        max_length=300, help_text="e.g. 'MDMA-AT vs placebo with therapy'."
    )
    metric = models.CharField(max_length=10, choices=Metric.choices)
    value = models.FloatField()
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    ci_level = models.FloatField(default=95)
    se = models.FloatField("standard error", null=True, blank=True)
    n_treatment = models.PositiveIntegerField(null=True, blank=True)
    n_control = models.PositiveIntegerField(null=True, blank=True)
    p_value_raw = models.CharField(
        max_length=30, blank=True, help_text="As printed, e.g. '<0.0001'."
    )
    time_point = models.CharField(max_length=200, blank=True)
    se_basis = models.CharField(
        "SE basis",
        max_length=12,
        choices=SEBasis.choices,
        blank=True,
        editable=False,
        help_text="Set on save: a reported SE, else the reported CI, else the group sizes.",
    )
    randomised_controlled = models.BooleanField(default=True)
    source_publication = models.ForeignKey(
        "evidence.Publication",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="effect_estimates",
    )

    history = HistoricalRecords()

    objects = EffectEstimateQuerySet.as_manager()

    class Meta:
        ordering = ["outcome_measure", "label"]
        permissions = [publish_permission("effectestimate", "effect estimates")]
        constraints = [has_source_constraint("estimate_has_source")]

    def __str__(self):
        return f"{self.label}: {self.get_metric_display()} {self.value:g} ({self.outcome_measure})"

    @property
    def se_basis_label(self) -> str:
        return se_basis_label(self.se_basis, self.ci_level)

    def unpublished_parents(self) -> list[str]:
        """The linked records that are not published, in words; publishing waits for them."""
        parents = [("trial", self.trial), ("source publication", self.source_publication)]
        return [
            f"its {what} “{record}” is {record.get_state_display().lower()}"
            for what, record in parents
            if record is not None and record.state != State.PUBLISHED
        ]

    def save(self, *args, **kwargs):
        self.se_basis = se_basis_of(
            self.metric, self.se, self.ci_low, self.ci_high, self.n_treatment, self.n_control
        )
        super().save(*args, **kwargs)

    @property
    def n_total(self) -> int | None:
        if self.n_treatment is None or self.n_control is None:
            return None
        return self.n_treatment + self.n_control

    def clean(self):
        super().clean()
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValidationError("Give both confidence limits or neither.")
        if self.ci_low is not None and self.ci_low > self.ci_high:
            raise ValidationError({"ci_low": "The lower limit is above the upper limit."})
        if not 0 < self.ci_level < 100:
            raise ValidationError({"ci_level": "A confidence level lies between 0 and 100%."})
        if self.se is not None and self.se <= 0:
            raise ValidationError({"se": "A standard error must be positive."})
