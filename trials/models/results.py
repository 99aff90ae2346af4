"""Posted results. Every number is kept as the registry's text beside its parsed value:
"<0.001" or "NA" is data, not an error."""

from django.db import models

from trials.models.trial import Trial


class ResultOutcome(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="result_outcomes")
    outcome_type = models.CharField(max_length=20, blank=True)
    title = models.TextField()
    description = models.TextField(blank=True)
    population = models.TextField(blank=True)
    reporting_status = models.CharField(max_length=20, blank=True)
    param_type = models.CharField(max_length=40, blank=True)
    dispersion_type = models.CharField(max_length=40, blank=True)
    unit_of_measure = models.CharField(max_length=200, blank=True)
    time_frame = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["trial", "order"]

    def __str__(self):
        return self.title[:100]


class ResultGroup(models.Model):
    outcome = models.ForeignKey(ResultOutcome, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    participants_raw = models.CharField(max_length=50, blank=True)
    participants = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["outcome", "code"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "code"], name="unique_result_group")
        ]

    def __str__(self):
        return self.title or self.code


class PostedValue(models.Model):
    """A posted value with its spread or interval, each kept as the registry's text beside
    the parsed number ("NA" has no number)."""

    value_raw = models.CharField(max_length=100, blank=True)
    value = models.FloatField(null=True, blank=True)
    spread_raw = models.CharField(max_length=100, blank=True)
    spread = models.FloatField(null=True, blank=True)
    lower_raw = models.CharField(max_length=100, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper_raw = models.CharField(max_length=100, blank=True)
    upper = models.FloatField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        abstract = True


class PostedGroup(models.Model):
    """A group as the flow and baseline modules list it, in the registry's order: both
    number their groups alike (FG000, BG000), each with a title and description."""

    code = models.CharField(max_length=20)
    title = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title or self.code


class ResultMeasurement(PostedValue):
    outcome = models.ForeignKey(
        ResultOutcome, on_delete=models.CASCADE, related_name="measurements"
    )
    group = models.ForeignKey(ResultGroup, on_delete=models.CASCADE, related_name="measurements")
    class_title = models.CharField(max_length=500, blank=True)
    category = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["outcome", "pk"]

    def __str__(self):
        return f"{self.group}: {self.value_raw}"


class ResultAnalysis(models.Model):
    outcome = models.ForeignKey(ResultOutcome, on_delete=models.CASCADE, related_name="analyses")
    group_codes = models.JSONField(default=list, blank=True)
    groups_description = models.TextField(blank=True)
    param_type = models.CharField(max_length=200, blank=True)
    param_value_raw = models.CharField(max_length=100, blank=True)
    param_value = models.FloatField(null=True, blank=True)
    ci_pct_raw = models.CharField(max_length=20, blank=True)
    ci_pct = models.FloatField(null=True, blank=True)
    ci_sides = models.CharField(max_length=20, blank=True)
    ci_lower_raw = models.CharField(max_length=100, blank=True)
    ci_lower = models.FloatField(null=True, blank=True)
    ci_upper_raw = models.CharField(max_length=100, blank=True)
    ci_upper = models.FloatField(null=True, blank=True)
    p_value_raw = models.CharField(max_length=100, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    statistical_method = models.CharField(max_length=200, blank=True)
    non_inferiority_type = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["outcome", "order"]

    def __str__(self):
        return f"{self.param_type} {self.param_value_raw} (p {self.p_value_raw or 'n/a'})"


class AdverseEventGroup(models.Model):
    """Adverse-event totals for one results group."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="adverse_event_groups")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    deaths_affected = models.PositiveIntegerField(null=True, blank=True)
    deaths_at_risk = models.PositiveIntegerField(null=True, blank=True)
    serious_affected = models.PositiveIntegerField(null=True, blank=True)
    serious_at_risk = models.PositiveIntegerField(null=True, blank=True)
    other_affected = models.PositiveIntegerField(null=True, blank=True)
    other_at_risk = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["trial", "code"]
        constraints = [models.UniqueConstraint(fields=["trial", "code"], name="unique_ae_group")]

    def __str__(self):
        return self.title or self.code
