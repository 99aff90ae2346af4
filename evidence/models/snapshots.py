"""Citable snapshots: a family's default synthesis as it stood when its inputs changed."""

from django.db import models


class SynthesisSnapshot(models.Model):
    """The pooled inputs (with their versions), method and result at one moment; never edited."""

    family = models.ForeignKey(
        "evidence.OutcomeFamily", on_delete=models.PROTECT, related_name="snapshots"
    )
    taken_at = models.DateTimeField(db_index=True)
    inputs_hash = models.CharField(max_length=64, help_text="SHA-256 of inputs and method.")
    method = models.CharField(max_length=10)
    ci_method = models.CharField(max_length=10)
    inputs = models.JSONField(help_text="Each pooled estimate with its version (last change).")
    result = models.JSONField(help_text="The pooled numbers; empty when nothing was pooled.")
    summary = models.TextField()

    class Meta:
        ordering = ["-taken_at"]
        constraints = [
            models.UniqueConstraint(fields=["family", "inputs_hash"], name="one_snapshot_per_state")
        ]

    def __str__(self):
        return f"{self.family}: {self.taken_at:%Y-%m-%d}"
