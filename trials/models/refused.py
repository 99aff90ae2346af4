"""Studies an import run refused (schema drift, a malformed date, ...), kept to retry."""

from django.db import models

from trials.models.imports import ImportRun


class RefusedStudyQuerySet(models.QuerySet):
    def unresolved(self):
        return self.filter(resolved_at__isnull=True)

    def pending_nct_ids(self) -> list[str]:
        """Studies every later run fetches again until one imports them."""
        return list(
            self.unresolved()
            .exclude(nct_id="")
            .order_by("nct_id")
            .values_list("nct_id", flat=True)
            .distinct()
        )


class RefusedStudy(models.Model):
    """One study one run could not import, with why; resolved when a later run imports it."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="refused_studies")
    nct_id = models.CharField(
        "NCT id", max_length=40, blank=True, db_index=True, help_text="Blank if it had none."
    )
    error = models.TextField()
    refused_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = RefusedStudyQuerySet.as_manager()

    class Meta:
        ordering = ["-refused_at", "nct_id"]
        verbose_name_plural = "refused studies"

    def __str__(self):
        return f"{self.nct_id or 'study without an NCT id'} refused by run {self.run_id}"
