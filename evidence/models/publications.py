"""Papers, reviews, regulatory documents and news, with their retraction status."""

from django.db import models
from simple_history.models import HistoricalRecords

from editorial.models import (
    Editorial,
    EditorialQuerySet,
    check_url_fields,
    has_source_constraint,
    http_url_constraint,
    publish_permission,
    seed_key_field,
    validate_http_url,
)
from trials.models import Trial


class PublicationKind(models.TextChoices):
    TRIAL_REPORT = "trial_report", "Trial report"
    POOLED_ANALYSIS = "pooled_analysis", "Pooled analysis"
    META_ANALYSIS = "meta_analysis", "Meta-analysis"
    REVIEW = "review", "Review"
    PROTOCOL = "protocol", "Protocol"
    REGULATORY_DOCUMENT = "regulatory", "Regulatory document"
    NEWS = "news", "News"


class RetractionStatus(models.TextChoices):
    NONE = "none", "Not retracted"
    RETRACTED = "retracted", "Retracted"
    EXPRESSION_OF_CONCERN = "concern", "Expression of concern"
    CORRECTED = "corrected", "Corrected"


class PublicationQuerySet(EditorialQuerySet):
    def retracted(self):
        return self.filter(retraction_status=RetractionStatus.RETRACTED)


class Publication(Editorial):
    seed_key = seed_key_field()
    title = models.TextField()
    authors = models.TextField(
        blank=True, help_text="As cited, e.g. 'Mitchell JM, Bogenschutz M, …'."
    )
    first_author = models.CharField(max_length=200, blank=True, db_index=True)
    journal = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    citation = models.CharField(max_length=300, blank=True, help_text="Volume, issue and pages.")
    doi = models.CharField("DOI", max_length=200, unique=True, null=True, blank=True)
    pmid = models.CharField("PMID", max_length=12, unique=True, null=True, blank=True)
    url = models.URLField(max_length=500, blank=True, validators=[validate_http_url])
    summary = models.TextField(blank=True, help_text="Key findings as the source reports them.")
    kind = models.CharField(max_length=20, choices=PublicationKind.choices, db_index=True)
    trials = models.ManyToManyField(Trial, blank=True, related_name="publications")
    retraction_status = models.CharField(
        max_length=10,
        choices=RetractionStatus.choices,
        default=RetractionStatus.NONE,
        db_index=True,
    )
    retraction_date = models.DateField(null=True, blank=True)
    retraction_notice = models.TextField(blank=True)
    retraction_url = models.URLField(max_length=500, blank=True, validators=[validate_http_url])

    history = HistoricalRecords()

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "first_author"]
        permissions = [publish_permission("publication", "publications")]
        constraints = [
            has_source_constraint("publication_has_source"),
            # The database refuses what save() would, for writers that skip it
            # (QuerySet.update, bulk_create, raw SQL).
            http_url_constraint("url", "publication_url_is_http"),
            http_url_constraint("retraction_url", "publication_retraction_url_is_http"),
        ]

    def __str__(self):
        who = self.first_author or "Anon."
        return f"{who} {self.year or ''}: {self.title[:80]}".strip()

    @property
    def author_list(self) -> list[str]:
        """The authors as cited, one name each, without a closing "et al."."""
        names = [n.strip() for n in self.authors.replace(";", ",").split(",")]
        return [n for n in names if n and n.rstrip(".").lower() != "et al"]

    @property
    def is_retracted(self) -> bool:
        return self.retraction_status == RetractionStatus.RETRACTED

    @property
    def short_citation(self) -> str:
        parts = [self.first_author or "", self.journal, str(self.year or "")]
        return ", ".join(p for p in parts if p)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def reference_url(self) -> str:
        """Where readers find the paper itself: its DOI, else its PubMed record, else nothing."""
        if self.doi:
            return self.doi_url
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    def save(self, *args, **kwargs):
        # Empty ids are stored as NULL so the unique constraints allow many blanks.
        self.doi = (self.doi or "").strip() or None
        self.pmid = (self.pmid or "").strip() or None
        check_url_fields(self)
        super().save(*args, **kwargs)
