"""What a fact sheet says about a curated trial that a registry record would otherwise say.

Kept beside the trial rather than on it: a curated trial has no registry record
to give its sites or results state, and these facts stay sourced and separate
from anything an import later writes.
"""

import pycountry
from django.core.exceptions import ValidationError
from django.db import models

from editorial.models import split_sources
from trials.choices import RecordSource
from trials.models.trial import Trial


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)


class CuratedResultsStatus(models.TextChoices):
    POSTED = "posted", "Results posted"
    NOT_POSTED = "not_posted", "No results posted"
    UNKNOWN = "unknown", "Unknown"


class CuratedTrialFacts(models.Model):
    """Site count, countries and results state of a curated trial, each with its source."""

    trial = models.OneToOneField(Trial, on_delete=models.CASCADE, related_name="curated_facts")
    site_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="As the source states it; blank when not stated."
    )
    site_countries = models.CharField(
        max_length=200,
        blank=True,
        help_text="ISO 3166 alpha-2 codes separated by spaces, e.g. 'US CA IL'.",
    )
    sites_source = models.CharField(max_length=500, blank=True)
    results_status = models.CharField(
        max_length=10, choices=CuratedResultsStatus.choices, default=CuratedResultsStatus.UNKNOWN
    )
    results_posted_on = models.DateField(null=True, blank=True)
    results_source = models.CharField(max_length=500, blank=True)
    start_caveat = models.CharField(
        max_length=300,
        blank=True,
        help_text="An unconfirmed or conflicting start date, shown beside the start date.",
    )
    dates_are_recruitment_window = models.BooleanField(
        default=False,
        help_text="The start and completion given are the recruitment window, not the study's.",
    )

    class Meta:
        verbose_name_plural = "curated trial facts"

    def __str__(self):
        return f"Curated facts of {self.trial}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.share_results_status()
        # After the shared results state: the facet rows read it from the trial.
        Trial.objects.refresh_facets([self.trial_id])

    def clean(self):
        super().clean()
        self.site_countries = " ".join(self.site_countries.upper().split())
        errors = {}
        unknown = [c for c in self.country_codes if not pycountry.countries.get(alpha_2=c)]
        if unknown:
            errors["site_countries"] = f"Not ISO 3166 alpha-2 codes: {', '.join(unknown)}."
        if self.site_count is not None and not self.sites_source.strip():
            errors["sites_source"] = "Say where the site count comes from."
        if self.results_status != CuratedResultsStatus.UNKNOWN and not self.results_source.strip():
            errors["results_source"] = "A results status other than unknown needs its source."
        if self.results_posted_on and self.results_status != CuratedResultsStatus.POSTED:
            errors["results_posted_on"] = "Only posted results have a posting date."
        if errors:
            raise ValidationError(errors)

    def share_results_status(self) -> None:
        """Give the trial's one results state (list, filters, exports) this sourced fact.

        Only while no registry record speaks for the trial: once imported, the registry's
        own statement wins.
        """
        if self.trial.record_source == RecordSource.REGISTRY or self.trial.last_checked_at:
            return
        known = self.results_status != CuratedResultsStatus.UNKNOWN
        type(self.trial).objects.filter(pk=self.trial_id).update(
            results_status=self.results_status if known else None,
            results_first_posted=self.results_posted_on,
            results_first_posted_type="",
            results_status_source=self.results_source if known else "",
        )

    @property
    def country_codes(self) -> list[str]:
        return self.site_countries.split()

    @property
    def countries_text(self) -> str:
        return ", ".join(_country_name(code) for code in self.country_codes)

    @property
    def sites_text(self) -> str:
        """e.g. "15 sites in 3 countries (sites not listed)"."""
        countries = len(self.country_codes)
        parts = []
        if self.site_count is not None:
            parts.append(f"{self.site_count} site{'s' if self.site_count != 1 else ''}")
        if countries:
            noun = "country" if countries == 1 else "countries"
            parts.append(f"in {countries} {noun}" if parts else f"{countries} {noun}")
        return f"{' '.join(parts)} (sites not listed)" if parts else ""

    @property
    def sites_source_list(self):
        return split_sources(self.sites_source)

    @property
    def results_source_list(self):
        return split_sources(self.results_source)


def curated_country_pairs(trial_ids) -> set[tuple[int, str]]:
    """(trial id, country code) from the curated country lists of these trials."""
    rows = CuratedTrialFacts.objects.filter(trial_id__any=list(trial_ids)).exclude(
        site_countries=""
    )
    return {
        (trial_id, code)
        for trial_id, codes in rows.values_list("trial_id", "site_countries")
        for code in codes.split()
    }
