"""Registry facts kept as the registry states them: date types, last known status, results state.

An abstract base of Trial, so the fields live beside the trial's own without a
second table (every list and export reads them) and this file stays separate.
"""

from django.db import models

from trials.choices import OverallStatus, label_for
from trials.dates import DateType, PartialDate, Precision, format_partial_date


class ResultsStatus(models.TextChoices):
    """What is known about results; no value (NULL) means nobody said."""

    POSTED = "posted", "posted"
    SUBMITTED = "submitted", "submitted, not yet posted"
    NOT_POSTED = "not_posted", "not posted"


def _date_type():
    return models.CharField(
        max_length=12,
        blank=True,
        choices=DateType.choices,
        help_text="The registry's date type; blank when the record gives none.",
    )


class RegistryFacts(models.Model):
    """Fields of a trial that say how sure the registry is, not only what it says."""

    start_date_type = _date_type()
    primary_completion_date_type = _date_type()
    completion_date_type = _date_type()
    first_posted_type = _date_type()
    last_update_posted_type = _date_type()
    results_first_posted_type = _date_type()
    last_known_status = models.CharField(
        max_length=40,
        blank=True,
        choices=OverallStatus.choices,
        help_text="The registry's last known status, given when the status is UNKNOWN.",
    )
    status_verified_date = models.DateField(null=True, blank=True)
    status_verified_date_precision = models.CharField(
        max_length=5, blank=True, choices=Precision.choices
    )
    results_first_submitted = models.DateField(null=True, blank=True)
    results_first_submitted_type = _date_type()
    results_status = models.CharField(
        max_length=12,
        null=True,
        blank=True,
        choices=ResultsStatus.choices,
        help_text="Empty means not known. For a curated trial, give the source below.",
    )
    results_status_source = models.TextField(
        blank=True, help_text="Where a curated results status comes from (URL, DOI or citation)."
    )
    off_topic_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Set by the import when no intervention matches the topic terms.",
    )

    class Meta:
        abstract = True

    @property
    def first_posted_on(self) -> PartialDate:
        return PartialDate(self.first_posted, Precision.DAY, self.first_posted_type)

    @property
    def last_update_posted_on(self) -> PartialDate:
        return PartialDate(self.last_update_posted, Precision.DAY, self.last_update_posted_type)

    @property
    def results_first_posted_on(self) -> PartialDate:
        return PartialDate(self.results_first_posted, Precision.DAY, self.results_first_posted_type)

    @property
    def results_first_submitted_on(self) -> PartialDate:
        return PartialDate(
            self.results_first_submitted, Precision.DAY, self.results_first_submitted_type
        )

    @property
    def status_verified(self) -> PartialDate:
        return PartialDate(self.status_verified_date, self.status_verified_date_precision)

    @property
    def last_known_status_label(self) -> str:
        return label_for(OverallStatus, self.last_known_status)

    @property
    def status_text(self) -> str:
        """The status as the list and the page show it, with the last known one if UNKNOWN."""
        text = label_for(OverallStatus, self.overall_status) or "Not given"
        if self.overall_status == OverallStatus.UNKNOWN and self.last_known_status:
            text += f" — last known: {self.last_known_status_label.lower()}"
            if self.status_verified_date:
                text += f", verified {self.status_verified}"
        return text

    @property
    def results_text(self) -> str:
        """The results state in words; "Not known" unless someone said."""
        if self.results_status == ResultsStatus.POSTED:
            posted = self.results_first_posted_on
            return f"Posted {posted}" if posted else "Posted"
        if self.results_status == ResultsStatus.SUBMITTED:
            submitted = self.results_first_submitted_on
            when = f" {submitted}" if submitted else ""
            return f"Results submitted{when}, not yet posted"
        if self.results_status == ResultsStatus.NOT_POSTED:
            return "Not posted (the registry says no results are posted)"
        return "Not known (no source says whether results are posted)"

    @property
    def provenance_text(self) -> str:
        """Where the registry facts come from: "ClinicalTrials.gov record, last updated …"."""
        parts = ["ClinicalTrials.gov record"]
        if self.last_update_posted:
            parts.append(f"last updated {_quiet_actual(self.last_update_posted_on)}")
        if self.status_verified_date:
            parts.append(f"status verified {self.status_verified}")
        return ", ".join(parts)


def _quiet_actual(value: PartialDate) -> str:
    """A posting date in a sentence: its type said only when it is not ACTUAL."""
    date_type = "" if value.type == DateType.ACTUAL else value.type
    return format_partial_date(value.date, value.precision, date_type)
