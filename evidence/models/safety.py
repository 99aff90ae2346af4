"""Curated safety findings: what trials, reviews and regulators say about MDMA's harms.

Seeded from the safety fact sheet (shared/facts/safety); every finding keeps the sheet's
statement, numbers, source, quote and status as written, so a cross-check test can compare
them field by field.
"""

from django.db import models
from django.db.models import Prefetch
from simple_history.models import HistoricalRecords

from editorial.models import (
    Editorial,
    EditorialQuerySet,
    has_source_constraint,
    publish_permission,
    seed_key_field,
)
from evidence.models.milestones import RegulatoryMilestone
from evidence.models.publications import Publication
from trials.models import Trial


class SafetyTopic(models.TextChoices):
    """Sections of /safety/, in the order the page shows them."""

    IN_TRIALS = "in_trials", "Adverse events in trials"
    SERIOUS = "serious", "Serious events and deaths"
    PSYCHIATRIC = "psychiatric", "Psychiatric harms, including suicidality"
    CARDIOVASCULAR = "cardiovascular", "Cardiovascular"
    INTERACTIONS = "interactions", "Drug interactions"
    PHARMACOGENETICS = "pharmacogenetics", "Metabolism and pharmacogenetics (CYP2D6)"
    SCREENING = "screening", "Who was excluded from trials, and medication washout"
    ABUSE = "abuse", "Abuse potential"
    NEUROTOXICITY = "neurotoxicity", "Neurotoxicity"
    TOXICITY = "toxicity", "Hyperthermia and other acute toxicity"
    REGULATORY = "regulatory", "What regulators raised"
    PRESCRIBING = "prescribing", "Prescribing conditions by jurisdiction"


class Verification(models.TextChoices):
    PRIMARY = "", "read in the source cited"
    SECONDARY = "secondary", "read in a review's table, not the primary paper"


VERIFICATION_STATUSES = ["verified", "secondary", "unverified"]


class SafetyFindingQuerySet(EditorialQuerySet):
    def for_public(self):
        """Published findings with their published trials, publications and milestones."""
        return self.published().with_links()

    def with_links(self):
        """Prefetch what a finding links to, published records only."""
        return self.prefetch_related(
            Prefetch("trials", queryset=Trial.objects.published().order_by("acronym")),
            Prefetch("publications", queryset=Publication.objects.published()),
            Prefetch("milestones", queryset=RegulatoryMilestone.objects.published()),
        )

    def about_trials(self, nct_ids):
        """Findings resting on any of these published trials."""
        trials = Trial.objects.published().filter(nct_id__in=nct_ids)
        return self.filter(
            pk__in=self.model.trials.through.objects.filter(trial__in=trials).values(
                "safetyfinding_id"
            )
        )

    def with_status(self, statuses):
        """verified (in the source cited), secondary (in a review's table), unverified."""
        query = models.Q(pk__in=[])
        if "verified" in statuses:
            query |= models.Q(verified=True, verified_against=Verification.PRIMARY)
        if "secondary" in statuses:
            query |= models.Q(verified=True, verified_against=Verification.SECONDARY)
        if "unverified" in statuses:
            query |= models.Q(verified=False)
        return self.filter(query)


class SafetyFinding(Editorial):
    seed_key = seed_key_field(
        models.CharField, help_text="The fact sheet's id, so seeding twice adds nothing."
    )
    topic = models.CharField(max_length=20, choices=SafetyTopic.choices, db_index=True)
    sheet_section = models.CharField(
        max_length=200, blank=True, help_text="The fact sheet's own section heading."
    )
    statement = models.TextField()
    numbers = models.JSONField(
        null=True,
        blank=True,
        help_text="Counts and denominators as the source gives them (per arm: n, N, %; "
        "effects with intervals). Empty when the source gives no numbers.",
    )
    source_citation = models.TextField()
    source_url = models.URLField(max_length=500, blank=True)
    source_level = models.CharField(
        max_length=200, blank=True, help_text="e.g. primary (journal abstract), news, regulator."
    )
    quote = models.TextField(blank=True, help_text="A short verbatim quote from the source.")
    note = models.TextField(blank=True)
    verified_against = models.CharField(
        max_length=20, choices=Verification.choices, blank=True, default=""
    )
    source_retracted = models.BooleanField(
        default=False, help_text="The source itself is a retracted paper."
    )
    trials = models.ManyToManyField(Trial, blank=True, related_name="safety_findings")
    publications = models.ManyToManyField(Publication, blank=True, related_name="safety_findings")
    milestones = models.ManyToManyField(
        RegulatoryMilestone,
        blank=True,
        related_name="safety_findings",
        help_text="The decisions or events this finding comes from, as its source says; "
        "each milestone's page lists its findings.",
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    objects = SafetyFindingQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        permissions = [publish_permission("safetyfinding", "safety findings")]
        constraints = [has_source_constraint("safety_finding_has_source")]

    def __str__(self):
        return self.seed_key or self.statement[:80]

    @property
    def anchor(self) -> str:
        return (self.seed_key or f"finding-{self.pk}").lower()

    @property
    def is_retracted(self) -> bool:
        """The source is retracted, or a linked publication is: flagged wherever shown."""
        return self.source_retracted or any(p.is_retracted for p in self.publications.all())

    @property
    def verification_status(self) -> str:
        """verified, secondary (numbers read in a review's table) or unverified."""
        if not self.verified:
            return "unverified"
        return "secondary" if self.verified_against == Verification.SECONDARY else "verified"

    @property
    def status_label(self) -> str:
        if not self.verified:
            return "unverified"
        if self.verified_against == Verification.SECONDARY:
            return "verified (secondary source)"
        return "verified"
