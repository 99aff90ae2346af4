"""Regulatory and other dated milestones: designations, votes, decisions, retractions."""

from django.db import models
from simple_history.models import HistoricalRecords

from editorial.models import (
    Editorial,
    EditorialQuerySet,
    has_source_constraint,
    publish_permission,
    seed_key_field,
)
from trials.dates import PartialDate, Precision
from trials.models import Trial


class MilestoneKind(models.TextChoices):
    BREAKTHROUGH = "breakthrough", "Breakthrough therapy designation"
    SPECIAL_PROTOCOL = "spa", "Special protocol assessment"
    SCIENTIFIC_ADVICE = "advice", "Scientific advice"
    EXPANDED_ACCESS = "expanded_access", "Expanded access"
    APPLICATION = "application", "Application submitted"
    PRIORITY_REVIEW = "priority_review", "Application accepted / priority review"
    ADVISORY_COMMITTEE = "advisory_committee", "Advisory committee"
    COMPLETE_RESPONSE = "crl", "Complete response letter"
    RESCHEDULING = "rescheduling", "Rescheduling"
    APPROVAL = "approval", "Approval"
    ETHICS_APPROVAL = "ethics_approval", "Ethics approval"
    STUDY_START = "study_start", "Study start"
    RETRACTION = "retraction", "Retraction"
    CORPORATE = "corporate", "Sponsor / corporate"
    POLICY = "policy", "Policy / access programme"
    OTHER = "other", "Other"


class RegulatoryMilestone(Editorial):
    seed_key = seed_key_field()
    date = models.DateField(db_index=True)
    date_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    agency = models.CharField(max_length=200, db_index=True, help_text="FDA, EMA, TGA, REK, …")
    jurisdiction = models.CharField(
        max_length=2,
        blank=True,
        db_index=True,
        help_text="ISO 3166 alpha-2 country code; EU for the European Union; blank if none.",
    )
    kind = models.CharField(max_length=30, choices=MilestoneKind.choices, db_index=True)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    outcome_details = models.TextField(blank=True, help_text="e.g. votes 2–9 and 1–10.")
    trials = models.ManyToManyField(Trial, blank=True, related_name="milestones")
    publications = models.ManyToManyField(
        "evidence.Publication", blank=True, related_name="milestones"
    )

    history = HistoricalRecords()

    objects = EditorialQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        permissions = [publish_permission("regulatorymilestone", "milestones")]
        constraints = [has_source_constraint("milestone_has_source")]

    def __str__(self):
        return f"{self.when}: {self.title}"

    @property
    def when(self) -> PartialDate:
        return PartialDate(self.date, self.date_precision)
