"""The registry import's own records: runs, field-level changes, editors' field locks."""

from django.conf import settings
from django.db import models

from trials.models.trial import Trial


class ImportRunQuerySet(models.QuerySet):
    def succeeded(self):
        return self.filter(status=ImportRun.Status.SUCCEEDED)

    def last_data(self):
        """The run the public registry data comes from: the last clean one, or a first
        import stopped at its time limit (partial) when no clean run exists yet."""
        clean_first = models.Case(models.When(status=ImportRun.Status.SUCCEEDED, then=0), default=1)
        done = (ImportRun.Status.SUCCEEDED, ImportRun.Status.PARTIAL)
        return self.filter(status__in=done).order_by(clean_first, "-started_at").first()


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        # Stopped at its time limit (the bounded first import): never moves the checkpoint.
        PARTIAL = "partial", "Stopped at its time limit"

    # What a run counts, in the order the admin lists them.
    COUNTS = ("fetched", "created", "updated", "unchanged", "errors", "refused", "off_topic")

    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    mode = models.CharField(max_length=20, blank=True, help_text="query, nct, file, ...")
    query = models.TextField(blank=True)
    full = models.BooleanField(default=False)
    checkpoint_used = models.DateField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(
        default=0, help_text="Studies refused (see Refused studies); retried by later runs."
    )
    off_topic = models.PositiveIntegerField(
        default=0, help_text="New studies held as drafts by the topic guard."
    )
    pages = models.PositiveIntegerField(default=0)
    data_timestamp = models.CharField(max_length=40, blank=True)
    error_text = models.TextField(blank=True)
    log = models.TextField(blank=True)
    # Which process runs it, so --force-unlock can tell a live run from a dead one.
    pid = models.PositiveIntegerField(null=True, blank=True)
    host = models.CharField(max_length=255, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # Belt and braces beside the run lock: two rows can never both be running.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="running"),
                name="one_running_import",
            )
        ]

    def __str__(self):
        return f"Import {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class TrialChangeQuerySet(models.QuerySet):
    def awaiting_review(self):
        return self.filter(significant=True, reviewed_at__isnull=True)


class TrialChange(models.Model):
    """One field of one trial changed by an import (or held back by a lock)."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="changes")
    run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    field = models.CharField(max_length=100)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    applied = models.BooleanField(
        default=True, help_text="Off when a field lock kept the editor's value."
    )
    significant = models.BooleanField(default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TrialChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "field"]

    def __str__(self):
        return f"{self.trial}: {self.field}"


class FieldLock(models.Model):
    """An editor's decision that the import must not overwrite one field of a trial."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="field_locks")
    field = models.CharField(max_length=100)
    reason = models.TextField()
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(auto_now_add=True)
    registry_value = models.TextField(
        blank=True, help_text="The registry's latest value, recorded by the import."
    )
    registry_value_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["trial", "field"]
        constraints = [models.UniqueConstraint(fields=["trial", "field"], name="unique_field_lock")]

    def __str__(self):
        return f"{self.trial}: {self.field} locked"
