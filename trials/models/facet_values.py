"""What the trial list counts and filters by, one narrow row per (trial, facet, value).

The list's facets used to join every trial to its phases, sites and conditions and
count DISTINCT ids; at 100,000 trials that is seconds per page. These rows hold the
same values, already merged (a curated trial's countries beside its sites' countries),
so each facet is one GROUP BY over the filtered trial ids with a plain COUNT(*), and
the filters read the same rows. One table on both databases: an index on
(facet, value, trial) serves both the counts and the filters without a second code path.

Kept in step on write: every save through the ORM refreshes the trial's rows (see
trials.signals); bulk writers call ``Trial.objects.refresh_facets(ids)`` when done.
"""

from django.db import models

from trials.models.trial import Trial

# Enough ids per IN (...) for few round trips, few enough for SQLite's variable limit.
REFRESH_CHUNK = 500


class FacetKind(models.TextChoices):
    PHASE = "phase"
    STATUS = "status"
    STUDY_TYPE = "study_type"
    COUNTRY = "country"
    CONDITION = "condition"
    RESULTS = "has_results"


class TrialFacetValue(models.Model):
    """One value a trial has for one facet (a trial in two countries has two rows)."""

    trial = models.ForeignKey(
        Trial, on_delete=models.CASCADE, related_name="facet_values", db_index=False
    )
    facet = models.CharField(max_length=12, choices=FacetKind.choices)
    value = models.CharField(max_length=300)
    # A copy of the trial's state: with no other filter, a facet counts published
    # trials straight from its own partial index, without joining the trial table.
    published = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trial", "facet", "value"], name="trial_facet_value_unique"
            )
        ]
        indexes = [
            models.Index(fields=["facet", "value", "trial"], name="facet_value_trial"),
            models.Index(
                fields=["facet", "value"],
                condition=models.Q(published=True),
                name="facet_value_published",
            ),
            # A filtered list counts the facet rows of its few trials from this index
            # alone (an index-only scan per trial), never reading the table's rows.
            models.Index(
                fields=["trial", "facet", "value"],
                condition=models.Q(published=True),
                name="facet_published_trial",
            ),
        ]

    def __str__(self):
        return f"{self.facet}={self.value}"


def results_bucket(has_results: bool, results_status: str | None) -> str:
    """The has_results value a trial falls under (the facet counts with it)."""
    if has_results or results_status == "posted":
        return "true"
    return "unknown" if results_status is None else "false"


def facet_rows(trial_ids) -> list[TrialFacetValue]:
    """Every facet value of these trials, from the trial rows and their related rows."""
    from trials.models.curated_facts import CuratedTrialFacts
    from trials.models.design import Site

    pairs: set[tuple[int, str, str]] = set()
    trials = Trial.objects.filter(pk__in=trial_ids)
    published = set(trials.published().values_list("pk", flat=True))
    for pk, status, study_type, has_results, results_status in trials.values_list(
        "pk", "overall_status", "study_type", "has_results", "results_status"
    ):
        pairs.add((pk, FacetKind.RESULTS, results_bucket(has_results, results_status)))
        if status:
            pairs.add((pk, FacetKind.STATUS, status))
        if study_type:
            pairs.add((pk, FacetKind.STUDY_TYPE, study_type))
    related = [
        (FacetKind.PHASE, Trial.phases.through.objects, "phase__code"),
        (FacetKind.CONDITION, Trial.conditions.through.objects, "condition__name"),
        (FacetKind.COUNTRY, Site.objects, "country_code"),
    ]
    for kind, manager, field in related:
        rows = manager.filter(trial_id__in=trial_ids).values_list("trial_id", field).distinct()
        pairs.update((pk, kind, value) for pk, value in rows if value)
    curated = CuratedTrialFacts.objects.filter(trial_id__in=trial_ids).exclude(site_countries="")
    for pk, codes in curated.values_list("trial_id", "site_countries"):
        pairs.update((pk, FacetKind.COUNTRY, code) for code in codes.split())
    return [
        TrialFacetValue(trial_id=pk, facet=kind, value=value, published=pk in published)
        for pk, kind, value in pairs
    ]


def refresh_facets(trial_ids) -> None:
    """Rewrite the facet rows of these trials.

    Moves the cache's data version on too: whatever changed these trials is now visible.
    """
    from trials.datacache import bump_data_version

    ids = sorted(set(trial_ids))
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        TrialFacetValue.objects.filter(trial_id__in=chunk).delete()
        TrialFacetValue.objects.bulk_create(facet_rows(chunk), batch_size=REFRESH_CHUNK)
    bump_data_version()
