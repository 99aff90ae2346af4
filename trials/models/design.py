"""How a trial is built: arms with doses, interventions, sites, registered outcomes."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from trials.choices import ArmType, InterventionType, OutcomeKind, RecordSource, label_for
from trials.models.trial import Trial

MG = "mg"
NO_DRUG_ARM_TYPES = {ArmType.PLACEBO_COMPARATOR, ArmType.SHAM_COMPARATOR, ArmType.NO_INTERVENTION}


def _amount(value: Decimal) -> str:
    return f"{value.normalize():f}"


def amount_range(low: Decimal | None, high: Decimal | None) -> str:
    """'80–120', '125', 'up to 125', 'at least 80', or '' when neither bound is known."""
    if low is None and high is None:
        return ""
    if low is None:
        return f"up to {_amount(high)}"
    if high is None:
        return f"at least {_amount(low)}"
    return _amount(low) if low == high else f"{_amount(low)}–{_amount(high)}"


class ArmQuerySet(models.QuerySet):
    def dosed_in_mg(self):
        """Arms whose dose is stated in mg (a mg/kg dose is never compared with mg)."""
        return self.filter(dose_unit=MG)

    def initial_dose_overlaps(self, low: Decimal | None, high: Decimal | None):
        """Arms whose initial mg range overlaps [low, high]; an open bound overlaps anything."""
        arms = self.dosed_in_mg()
        if low is not None:
            arms = arms.filter(
                Q(dose_initial_max__gte=low)
                | Q(dose_initial_max__isnull=True, dose_initial_min__isnull=False)
            )
        if high is not None:
            arms = arms.filter(
                Q(dose_initial_min__lte=high)
                | Q(dose_initial_min__isnull=True, dose_initial_max__isnull=False)
            )
        return arms


def _amount_field(verbose_name: str, db_index: bool = False) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=8, decimal_places=3, null=True, blank=True, db_index=db_index
    )


class Arm(models.Model):
    """An arm or group, with its dose as the source states it.

    Amounts are in ``dose_unit`` exactly as stated and never converted: a dose
    of 0.75 mg/kg is stored as 0.75 with unit "mg/kg" and is no mg dose. A fixed
    dose has min = max; "up to 125 mg" has only a max. When the source is
    unclear no amount is stored and ``dose_source_text`` keeps its words.
    """

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="arms")
    label = models.CharField(max_length=300)
    arm_type = models.CharField(max_length=30, blank=True, choices=ArmType.choices)
    description = models.TextField(blank=True)
    dose_unit = models.CharField(
        max_length=20, blank=True, help_text="As the source states it: mg, mg/kg, µg…"
    )
    dose_initial_min = _amount_field("initial dose per session, lowest", db_index=True)
    dose_initial_max = _amount_field("initial dose per session, highest", db_index=True)
    dose_supplemental_min = _amount_field("supplemental dose, lowest")
    dose_supplemental_max = _amount_field(
        "supplemental dose, highest",
    )
    dosing_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    participants = models.PositiveIntegerField(null=True, blank=True)
    dose_note = models.CharField(
        "dose schedule in words",
        max_length=300,
        blank=True,
        help_text="e.g. '80 mg + 40 mg in session 1, then 120 mg + 60 mg'.",
    )
    dose_source_text = models.TextField(
        "dose as the source words it",
        blank=True,
        help_text="Verbatim: the fact sheet's cell or the registry's description.",
    )
    record_source = models.CharField(
        max_length=10, choices=RecordSource.choices, default=RecordSource.REGISTRY
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    objects = ArmQuerySet.as_manager()

    # What dose_text reads, for querysets that load only these.
    DOSE_FIELDS = (
        "dose_unit",
        "dose_initial_min",
        "dose_initial_max",
        "dose_supplemental_min",
        "dose_supplemental_max",
        "dosing_sessions",
        "dose_note",
    )

    class Meta:
        ordering = ["trial", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="arm_dose_amounts_have_a_unit",
                condition=~Q(dose_unit="")
                | Q(
                    dose_initial_min__isnull=True,
                    dose_initial_max__isnull=True,
                    dose_supplemental_min__isnull=True,
                    dose_supplemental_max__isnull=True,
                ),
            ),
            models.CheckConstraint(
                name="arm_initial_dose_min_not_above_max",
                condition=Q(dose_initial_min__isnull=True)
                | Q(dose_initial_max__isnull=True)
                | Q(dose_initial_min__lte=F("dose_initial_max")),
            ),
            models.CheckConstraint(
                name="arm_supplemental_dose_min_not_above_max",
                condition=Q(dose_supplemental_min__isnull=True)
                | Q(dose_supplemental_max__isnull=True)
                | Q(dose_supplemental_min__lte=F("dose_supplemental_max")),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def arm_type_label(self) -> str:
        return label_for(ArmType, self.arm_type)

    @property
    def has_no_drug(self) -> bool:
        """A placebo, sham or no-intervention arm: no MDMA dose to state."""
        return self.arm_type in NO_DRUG_ARM_TYPES

    @property
    def dose_text(self) -> str:
        """The one way a dose is written: '80–120 mg + 40–60 mg, 3 sessions'.

        Without a stated amount it is the schedule in words (or ''), never a guess.
        """
        initial = amount_range(self.dose_initial_min, self.dose_initial_max)
        if not initial:
            return self.dose_note
        text = f"{initial} {self.dose_unit}"
        supplemental = amount_range(self.dose_supplemental_min, self.dose_supplemental_max)
        if supplemental:
            text += f" + {supplemental} {self.dose_unit}"
        if self.dosing_sessions:
            text += f", {self.dosing_sessions} session{'s' if self.dosing_sessions > 1 else ''}"
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
