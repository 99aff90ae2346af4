"""Posted adverse events, term by term: what the registry reports per event group, with the
frequency threshold and time frame that say which events were reported at all.

Like the rest of the posted results these rows belong to the registry alone and are replaced
wholesale when the record's results change (trials/ctgov/store_results.py).
"""

from django.db import models

from trials.models.results import AdverseEventGroup
from trials.models.trial import Trial


class Seriousness(models.TextChoices):
    SERIOUS = "serious", "Serious"
    OTHER = "other", "Other (not serious)"


class AdverseEventReport(models.Model):
    """The module-level facts: which events were reported, over what time, and how."""

    trial = models.OneToOneField(
        Trial, on_delete=models.CASCADE, related_name="adverse_event_report"
    )
    frequency_threshold_raw = models.CharField(max_length=50, blank=True)
    frequency_threshold = models.FloatField(null=True, blank=True)
    time_frame = models.TextField(blank=True)
    description = models.TextField(blank=True)
    all_cause_mortality_comment = models.TextField(blank=True)

    def __str__(self):
        return f"Adverse events of {self.trial}"

    @property
    def threshold_text(self) -> str:
        """Which other (not serious) events were reported, in the registry's own terms."""
        if self.frequency_threshold is None:
            if self.frequency_threshold_raw:
                return f"frequency threshold “{self.frequency_threshold_raw}”"
            return "frequency threshold not given"
        if self.frequency_threshold == 0:
            return "reported at any frequency (threshold 0%)"
        return f"reported at ≥ {self.frequency_threshold_raw}% frequency"


class AdverseEventQuerySet(models.QuerySet):
    def serious(self):
        return self.filter(seriousness=Seriousness.SERIOUS)

    def other(self):
        return self.filter(seriousness=Seriousness.OTHER)


class AdverseEvent(models.Model):
    """One reported term (e.g. "Nausea", Gastrointestinal disorders, MedDRA 23.1)."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="adverse_events")
    seriousness = models.CharField(max_length=10, choices=Seriousness.choices)
    term = models.CharField(max_length=500)
    organ_system = models.CharField(max_length=200, blank=True)
    source_vocabulary = models.CharField(max_length=100, blank=True)
    assessment_type = models.CharField(max_length=50, blank=True)
    notes = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = AdverseEventQuerySet.as_manager()

    class Meta:
        ordering = ["trial", "seriousness", "order"]
        indexes = [
            models.Index(fields=["seriousness", "organ_system"], name="ae_kind_system_idx"),
            models.Index(fields=["term"], name="ae_term_idx"),
        ]

    def __str__(self):
        return f"{self.term} ({self.get_seriousness_display().lower()})"


class AdverseEventCount(models.Model):
    """Participants affected / at risk (and events, when given) for one term in one group.

    group_code is kept as the registry states it; group links the totals row when the
    code names one of the record's event groups.
    """

    event = models.ForeignKey(AdverseEvent, on_delete=models.CASCADE, related_name="counts")
    group = models.ForeignKey(
        AdverseEventGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_counts",
    )
    group_code = models.CharField(max_length=20)
    num_affected = models.PositiveIntegerField(null=True, blank=True)
    num_at_risk = models.PositiveIntegerField(null=True, blank=True)
    num_events = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["event", "group_code"]

    def __str__(self):
        return f"{self.group_code}: {self.num_affected} / {self.num_at_risk}"

    @property
    def percent(self) -> float | None:
        if self.num_affected is None or not self.num_at_risk:
            return None
        return 100 * self.num_affected / self.num_at_risk
