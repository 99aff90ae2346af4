"""A trial as registries describe it, and the lookup tables it points to."""

import re

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models.sql.where import WhereNode
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from editorial.models import Editorial, EditorialQuerySet, has_source_constraint, publish_permission
from trials.choices import (
    Allocation,
    EnrollmentType,
    IdentifierKind,
    InterventionModel,
    Masking,
    OverallStatus,
    PrimaryPurpose,
    RecordSource,
    StudyType,
    label_for,
)
from trials.dates import PartialDate, Precision
from trials.models.lookups import Condition, Organization, Phase
from trials.models.registry import RegistryFacts
from trials.search import fold

NCT_ID_RE = re.compile(r"^NCT\d{8}$")
validate_nct_id = RegexValidator(
    NCT_ID_RE, "An NCT id is 'NCT' followed by 8 digits, e.g. NCT03537014."
)


# Long columns that lists and exports of many trials never show; deferring them keeps
# each row narrow (the raw registry JSON alone is most of a row's bytes).
LIST_DEFERRED = (
    "raw_json",
    "search_text",
    "search_vector",
    "official_title",
    "summary",
    "why_stopped",
    "results_status_source",
    "sources",
    "editor_notes",
    "withdrawn_reason",
)
# Pages starting this many rows in pick their ids first (see TrialQuerySet.page_rows).
DEEP_OFFSET = 500


class TrialQuerySet(EditorialQuerySet):
    def for_list(self):
        """Without the long texts no list shows (the raw record, search index, summaries)."""
        return self.defer(*LIST_DEFERRED)

    def page_rows(self, start: int, stop: int, deep_from: int = DEEP_OFFSET):
        """Rows ``start`` to ``stop`` of this ordered list, in one query.

        A deep page picks its ids first, in a subquery that reads only the sort
        columns (an index-only scan of a sort index on PostgreSQL), and then loads
        just those rows: OFFSET over whole rows would read every row it skips.
        """
        if start < deep_from:
            return self[start:stop]
        ids = self.values("pk")[start:stop]
        page = self._chain()
        # The subquery already applied every filter; the page only loads its rows.
        page.query.where = WhereNode()
        return page.filter(pk__in=ids)

    def find(self, key: str):
        """Look a trial up by its URL key: an NCT id (or former NCT id) or a slug."""
        key = key.strip()
        if "\x00" in key:
            return self.none()  # PostgreSQL refuses NUL in a query; no trial has one
        if NCT_ID_RE.match(key.upper()):
            key = key.upper()
            # A subquery, not a join: no DISTINCT, and the unique nct_id index stays usable.
            return self.filter(models.Q(nct_id=key) | models.Q(pk__in=self._aliased(key)))
        return self.filter(slug=key)

    def by_key(self, key: str):
        """The trial with this URL key, or None: its own NCT id first, former ids on a miss."""
        key = key.strip()
        if "\x00" in key:
            return None
        if not NCT_ID_RE.match(key.upper()):
            return self.filter(slug=key).first()
        key = key.upper()
        return self.filter(nct_id=key).first() or self.filter(pk__in=self._aliased(key)).first()

    def _aliased(self, key: str):
        return TrialIdentifier.objects.filter(kind=IdentifierKind.NCT_ALIAS, value=key).values(
            "trial_id"
        )

    def refresh_facets(self, trial_ids=None) -> None:
        """Rewrite the list's facet rows of these trials (of this queryset when None).

        For bulk writers, whose bulk_create and update() send no signals.
        """
        from trials.models.facet_values import refresh_facets

        refresh_facets(self.values_list("pk", flat=True) if trial_ids is None else trial_ids)


class Trial(RegistryFacts, Editorial):
    """One clinical study, with what the registry says and what editors curated."""

    # Registry fields an editor may lock against the import (issue: field locks).
    LOCKABLE_FIELDS = [
        "acronym",
        "brief_title",
        "official_title",
        "summary",
        "overall_status",
        "why_stopped",
        "study_type",
        "allocation",
        "intervention_model",
        "masking",
        "primary_purpose",
        "enrollment",
        "enrollment_type",
        "start_date",
        "primary_completion_date",
        "completion_date",
        "lead_sponsor",
    ]
    # Changes to these put a trial in the editors' review queue.
    SIGNIFICANT_FIELDS = [
        "overall_status",
        "enrollment",
        "has_results",
        "completion_date",
        "primary_completion_date",
    ]

    nct_id = models.CharField(
        "NCT id",
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_nct_id],
    )
    nct_id_verified = models.BooleanField(
        "NCT id verified",
        default=True,
        help_text="Off when the registry id comes from a secondary source and is unconfirmed.",
    )
    slug = models.SlugField(
        max_length=80, unique=True, help_text="URL key when there is no NCT id."
    )
    acronym = models.CharField(max_length=100, blank=True, db_index=True)
    brief_title = models.CharField(max_length=500)
    official_title = models.TextField(blank=True)
    summary = models.TextField(blank=True)

    overall_status = models.CharField(
        max_length=40, blank=True, choices=OverallStatus.choices, db_index=True
    )
    why_stopped = models.TextField(blank=True)
    study_type = models.CharField(
        max_length=30, blank=True, choices=StudyType.choices, db_index=True
    )
    allocation = models.CharField(max_length=30, blank=True, choices=Allocation.choices)
    intervention_model = models.CharField(
        max_length=30, blank=True, choices=InterventionModel.choices
    )
    masking = models.CharField(max_length=30, blank=True, choices=Masking.choices)
    primary_purpose = models.CharField(max_length=40, blank=True, choices=PrimaryPurpose.choices)
    enrollment = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    enrollment_type = models.CharField(max_length=20, blank=True, choices=EnrollmentType.choices)

    start_date = models.DateField(null=True, blank=True, db_index=True)
    start_date_precision = models.CharField(max_length=5, blank=True, choices=Precision.choices)
    primary_completion_date = models.DateField(null=True, blank=True)
    primary_completion_date_precision = models.CharField(
        max_length=5, blank=True, choices=Precision.choices
    )
    completion_date = models.DateField(null=True, blank=True)
    completion_date_precision = models.CharField(
        max_length=5, blank=True, choices=Precision.choices
    )
    first_posted = models.DateField(null=True, blank=True)
    last_update_posted = models.DateField(null=True, blank=True, db_index=True)
    results_first_posted = models.DateField(null=True, blank=True)
    has_results = models.BooleanField(default=False, db_index=True)

    phases = models.ManyToManyField(Phase, blank=True, related_name="trials")
    conditions = models.ManyToManyField(Condition, blank=True, related_name="trials")
    lead_sponsor = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="led_trials"
    )
    collaborators = models.ManyToManyField(
        Organization, blank=True, related_name="collaborated_trials"
    )

    record_source = models.CharField(
        max_length=10, choices=RecordSource.choices, default=RecordSource.CURATED, db_index=True
    )
    raw_json = models.JSONField(null=True, blank=True, editable=False)
    raw_hash = models.CharField(max_length=64, blank=True, editable=False)
    last_imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_checked_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When an import last saw this record in the registry.",
    )
    missing_from_registry_since = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set when a full import no longer finds this trial under the query.",
    )

    search_text = models.TextField(blank=True, editable=False)
    # PostgreSQL only (a GIN index on it is made by a migration there).
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["raw_json", "search_text", "search_vector"])

    objects = TrialQuerySet.as_manager()

    class Meta:
        ordering = [models.F("start_date").desc(nulls_last=True), "nct_id", "slug"]
        permissions = [publish_permission("trial", "trials")]
        constraints = [
            has_source_constraint(
                "trial_curated_has_source", condition=models.Q(record_source=RecordSource.REGISTRY)
            ),
        ]

    def __str__(self):
        label = self.acronym or self.brief_title
        return f"{self.nct_id} {label}" if self.nct_id else label

    @property
    def url_key(self) -> str:
        return self.nct_id or self.slug

    @property
    def registry_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}" if self.nct_id else ""

    def sources_required(self) -> bool:
        return self.record_source == RecordSource.CURATED

    @property
    def start(self) -> PartialDate:
        return PartialDate(self.start_date, self.start_date_precision, self.start_date_type)

    @property
    def primary_completion(self) -> PartialDate:
        return PartialDate(
            self.primary_completion_date,
            self.primary_completion_date_precision,
            self.primary_completion_date_type,
        )

    @property
    def completion(self) -> PartialDate:
        return PartialDate(
            self.completion_date, self.completion_date_precision, self.completion_date_type
        )

    @property
    def status_label(self) -> str:
        return label_for(OverallStatus, self.overall_status)

    @property
    def study_type_label(self) -> str:
        return label_for(StudyType, self.study_type)

    def clean_fields(self, exclude=None):
        # Normalise before the field validators run, so an editor's "nct03537014"
        # is accepted as NCT03537014 rather than refused for its case.
        if self.nct_id:
            self.nct_id = self.nct_id.strip().upper()
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        for name in ("start_date", "primary_completion_date", "completion_date"):
            if getattr(self, name) and not getattr(self, f"{name}_precision"):
                raise ValidationError({f"{name}_precision": "Say how precise this date is."})

    def save(self, *args, **kwargs):
        if self.nct_id:
            self.nct_id = self.nct_id.strip().upper()
        if not self.slug:
            self.slug = self._make_slug()
        super().save(*args, **kwargs)

    def _make_slug(self) -> str:
        if self.nct_id:
            return self.nct_id.lower()
        base = slugify(self.acronym or self.brief_title)[:70] or "trial"
        slug, n = base, 2
        while Trial.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def refresh_search(self):
        """Rebuild the text that full-text search reads, after relations change."""
        text = self.build_search_text()
        Trial.objects.filter(pk=self.pk).update(search_text=text)
        self.search_text = text
        if connection.vendor == "postgresql":
            Trial.objects.filter(pk=self.pk).update(
                search_vector=SearchVector("search_text", config="english")
            )

    def build_search_text(self) -> str:
        """The text full-text search reads (relations may come prefetched)."""
        parts = [
            self.nct_id or "",
            self.acronym,
            self.brief_title,
            self.official_title,
            self.summary,
        ]
        parts += [c.name for c in self.conditions.all()]
        parts += [c.mesh_term for c in self.conditions.all() if c.mesh_term]
        parts += [i.name for i in self.interventions.all()]
        parts += [i.value for i in self.identifiers.all()]
        parts += [o.name for o in self.collaborators.all()]
        if self.lead_sponsor_id:
            parts.append(self.lead_sponsor.name)
        # Folded so that "Ostfold" finds "Østfold" on both databases (see trials.search).
        return fold("\n".join(p for p in parts if p))


class TrialIdentifier(models.Model):
    """Another id for the same study: EudraCT, CTIS, ISRCTN, a sponsor code such as MAPP1."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=IdentifierKind.choices)
    value = models.CharField(max_length=100, db_index=True)
    description = models.CharField(max_length=200, blank=True)
    verified = models.BooleanField(default=True)
    record_source = models.CharField(
        max_length=10, choices=RecordSource.choices, default=RecordSource.CURATED
    )

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["trial", "kind", "value"], name="unique_trial_identifier"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"

    @property
    def url(self) -> str:
        if self.kind == IdentifierKind.EUDRACT:
            return f"https://www.clinicaltrialsregister.eu/ctr-search/search?query={self.value}"
        if self.kind == IdentifierKind.CTIS:
            return (
                f"https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT={self.value}"
            )
        if self.kind == IdentifierKind.ISRCTN:
            return f"https://www.isrctn.com/{self.value}"
        if self.kind == IdentifierKind.NCT_ALIAS:
            return f"https://clinicaltrials.gov/study/{self.value}"
        return ""
