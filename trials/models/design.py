"""How a trial is built: arms with doses, interventions, sites, registered outcomes."""

from django.db import models
from simple_history.models import HistoricalRecords

from trials.choices import ArmType, InterventionType, OutcomeKind, RecordSource, label_for
from trials.models.trial import Trial


class Arm(models.Model):
    """An arm or group, with the MDMA dose per session where known."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="arms")
    label = models.CharField(max_length=300)
    arm_type = models.CharField(max_length=30, blank=True, choices=ArmType.choices)
    description = models.TextField(blank=True)
    dose_initial_mg = models.DecimalField(
        "initial dose per session (mg)",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        db_index=True,
    )
    dose_supplemental_mg = models.DecimalField(
        "supplemental dose (mg)",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Optional half dose given later in the same session.",
    )
    dosing_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    participants = models.PositiveIntegerField(null=True, blank=True)
    dose_note = models.CharField(
        max_length=300, blank=True, help_text="e.g. '80 mg in session 1, then 120 mg'."
    )
    record_source = models.CharField(
        max_length=10, choices=RecordSource.choices, default=RecordSource.REGISTRY
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["trial", "order", "pk"]

    def __str__(self):
        return self.label

    @property
    def arm_type_label(self) -> str:
        return label_for(ArmType, self.arm_type)

    @property
    def dose_text(self) -> str:
        if self.dose_initial_mg is None:
            return self.dose_note
        text = f"{self.dose_initial_mg.normalize():f} mg"
        if self.dose_supplemental_mg is not None:
            text += f" + {self.dose_supplemental_mg.normalize():f} mg"
        if self.dosing_sessions:
            text += f" × {self.dosing_sessions} sessions"
        return text


class Intervention(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="interventions")
    name = models.CharField(max_length=300, db_index=True)
    intervention_type = models.CharField(
        max_length=30, blank=True, choices=InterventionType.choices
    )
    description = models.TextField(blank=True)
    other_names = models.JSONField(default=list, blank=True)
    arms = models.ManyToManyField(Arm, blank=True, related_name="interventions")

    class Meta:
        ordering = ["trial", "pk"]

    def __str__(self):
        return self.name

    @property
    def type_label(self) -> str:
        return label_for(InterventionType, self.intervention_type)


class Site(models.Model):
    """A place the trial runs, e.g. Sykehuset Østfold in Norway for MP18."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites")
    facility = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=100, blank=True)
    country_code = models.CharField(
        "country (ISO 3166 alpha-2)", max_length=2, blank=True, db_index=True
    )
    status = models.CharField(max_length=40, blank=True)
    record_source = models.CharField(
        max_length=10, choices=RecordSource.choices, default=RecordSource.REGISTRY
    )

    class Meta:
        ordering = ["country", "city", "facility"]

    def __str__(self):
        return ", ".join(p for p in (self.facility, self.city, self.country) if p)


class OutcomeMeasure(models.Model):
    """An outcome measure as registered (what the trial said it would measure)."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="outcome_measures")
    kind = models.CharField(max_length=10, choices=OutcomeKind.choices)
    measure = models.TextField()
    description = models.TextField(blank=True)
    time_frame = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["trial", "kind", "order"]

    def __str__(self):
        return self.measure[:100]
