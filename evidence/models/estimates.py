"""Effect estimates taken from papers, and the outcome families they are pooled in."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from trials.curation import Editorial, EditorialQuerySet, has_source_constraint
from trials.models import Trial


class Metric(models.TextChoices):
    COHENS_D = "cohens_d", "Cohen's d"
    HEDGES_G = "hedges_g", "Hedges' g"
    SMD = "smd", "Standardised mean difference"
    MEAN_DIFFERENCE = "md", "Mean difference"
    RISK_RATIO = "rr", "Risk ratio"
    ODDS_RATIO = "or", "Odds ratio"


RATIO_METRICS = {Metric.RISK_RATIO, Metric.ODDS_RATIO}


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

    def get_absolute_url(self):
        return reverse("evidence:synthesis") + f"?family={self.slug}"

    @property
    def measure_names(self) -> list[str]:
        return [line.strip() for line in self.measures.splitlines() if line.strip()]

    def clean(self):
        unknown = [m for m in self.metrics if m not in Metric.values]
        if unknown:
            raise ValidationError({"metrics": f"Unknown metric codes: {', '.join(unknown)}."})


class EffectEstimate(Editorial):
    """One effect size as a paper reports it, with enough detail to pool it."""

    seed_key = models.SlugField(
        max_length=80,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Stable key of a record loaded from fixtures/, so seeding twice adds nothing.",
    )
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
    randomised_controlled = models.BooleanField(default=True)
    source_publication = models.ForeignKey(
        "evidence.Publication",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="effect_estimates",
    )

    history = HistoricalRecords()

    objects = EditorialQuerySet.as_manager()

    class Meta:
        ordering = ["outcome_measure", "label"]
        permissions = [
            ("publish_effectestimate", "Can publish, unpublish and withdraw effect estimates")
        ]
        constraints = [has_source_constraint("estimate_has_source")]

    def __str__(self):
        return f"{self.label}: {self.get_metric_display()} {self.value:g} ({self.outcome_measure})"

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
        if self.se is not None and self.se <= 0:
            raise ValidationError({"se": "A standard error must be positive."})
