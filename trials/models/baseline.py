"""A trial's baseline characteristics as the registry posted them: groups, how many
were analysed per group, and measures with a value per group and category. Every
value keeps the registry's text beside the parsed number ("NA" has no number)."""

from django.db import models

from trials.models.results import PostedGroup, PostedValue
from trials.models.trial import Trial


class Baseline(models.Model):
    trial = models.OneToOneField(Trial, on_delete=models.CASCADE, related_name="baseline")
    population_description = models.TextField(blank=True)
    type_units_analyzed = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"Baseline characteristics of {self.trial}"


class BaselineGroup(PostedGroup):
    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="groups")

    class Meta:
        ordering = ["baseline", "order"]
        constraints = [
            models.UniqueConstraint(fields=["baseline", "code"], name="unique_baseline_group")
        ]


class BaselineMeasure(models.Model):
    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="measures")
    title = models.TextField()
    description = models.TextField(blank=True)
    population_description = models.TextField(blank=True)
    # Registry enums kept as spelled (GEOMETRIC_MEAN, STANDARD_DEVIATION); pages show words.
    param_type = models.CharField(max_length=40, blank=True)
    dispersion_type = models.CharField(max_length=40, blank=True)
    unit_of_measure = models.CharField(max_length=200, blank=True)
    calculate_pct = models.BooleanField(null=True, blank=True)
    denom_units_selected = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["baseline", "order"]

    def __str__(self):
        return self.title[:100]


class BaselineDenominator(models.Model):
    """How many were analysed in one group: for the whole table (no measure), for one
    measure (no class), or for one class of a measure."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="denominators")
    measure = models.ForeignKey(
        BaselineMeasure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="denominators",
    )
    class_index = models.PositiveSmallIntegerField(null=True, blank=True)
    units = models.CharField(max_length=200, blank=True)
    group = models.ForeignKey(
        BaselineGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="denominators"
    )
    group_code = models.CharField(max_length=20)
    value_raw = models.CharField(max_length=100, blank=True)
    value = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["baseline", "pk"]

    def __str__(self):
        return f"{self.group_code}: {self.value_raw} {self.units}"


class BaselineValue(PostedValue):
    """One group's value for one category of a measure."""

    measure = models.ForeignKey(BaselineMeasure, on_delete=models.CASCADE, related_name="values")
    group = models.ForeignKey(
        BaselineGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="values"
    )
    group_code = models.CharField(max_length=20)
    class_index = models.PositiveSmallIntegerField(default=0)
    class_title = models.TextField(blank=True)
    category = models.TextField(blank=True)

    class Meta:
        ordering = ["measure", "pk"]

    def __str__(self):
        return f"{self.group_code}: {self.value_raw}"
