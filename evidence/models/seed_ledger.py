"""Every seed key ever applied, so `seed` never brings back what an editor deleted."""

from django.db import models


class SeedLedgerEntry(models.Model):
    """A fixture record that `seed` has created or found present once.

    A key in the ledger is never created again, whatever happened to its
    record since: an editor's deletion is a decision, not a gap to fill.
    """

    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=80)
    object_id = models.PositiveBigIntegerField(
        null=True, help_text="The record the key was applied to when it was first seen."
    )
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="seed_ledger_kind_key_unique")
        ]
        ordering = ["kind", "key"]
        verbose_name_plural = "seed ledger entries"

    def __str__(self):
        return f"{self.kind} {self.key}"
