"""Rows of the living Metapsy / Sypres dataset of MDMA-vs-control trials, with computed effects."""

from django.db import models
from simple_history.models import HistoricalRecords

from trials.models import Trial

# ODC-BY 1.0 requires this attribution wherever the dataset's numbers are shown.
METAPSY_ATTRIBUTION = (
    "Metapsy / Sypres (Synthesis of Psychedelic Research Studies) Collaboration, "
    "data-ptsd-mdmactr, doi:10.5281/zenodo.18740439 (Open Data Commons Attribution "
    "License 1.0)"
)


class MetapsyEstimate(models.Model):
    """One comparison x outcome x time point of the dataset: its raw row and our effect size.

    The effect is arm 1 minus arm 2 (MDMA minus the comparator): Hedges' g from
    means/SDs or change scores, or a log risk ratio from events; blank with a
    note when the row does not give what the formula needs.
    """

    row_id = models.CharField(max_length=200, unique=True, help_text="The dataset's .id.")
    study = models.CharField(max_length=100)
    registration_number = models.CharField(max_length=40, blank=True, db_index=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    trial = models.ForeignKey(
        Trial, null=True, blank=True, on_delete=models.PROTECT, related_name="metapsy_rows"
    )
    publication = models.ForeignKey(
        "evidence.Publication",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="metapsy_rows",
    )
    outcome_type = models.CharField(max_length=20)
    instrument = models.CharField(max_length=40, db_index=True)
    primary_instrument = models.BooleanField(null=True)
    primary_timepoint = models.BooleanField(null=True)
    time_point = models.CharField(max_length=200)
    arm1 = models.CharField(max_length=100, help_text="condition_arm1 and multi_arm1, as given.")
    arm2 = models.CharField(max_length=100, help_text="condition_arm2 and multi_arm2, as given.")
    dose_arm2 = models.CharField(max_length=40, blank=True)
    metric = models.CharField(max_length=10, blank=True, help_text="hedges_g or log_rr.")
    effect = models.FloatField(null=True, blank=True)
    se = models.FloatField(null=True, blank=True)
    n_arm1 = models.PositiveIntegerField(null=True, blank=True)
    n_arm2 = models.PositiveIntegerField(null=True, blank=True)
    computed_from = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="Why no effect was computed.")
    rob_overall = models.CharField(max_length=20, blank=True)
    raw = models.JSONField(help_text="The dataset's row exactly as read, every column as text.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["study", "instrument", "outcome_type", "time_point", "arm1", "arm2"]
        verbose_name = "metapsy dataset row"

    def __str__(self):
        return self.row_id
