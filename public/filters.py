"""The trial list's query parameters, spelled as ClinicalTrials.gov spells them.

Values within one parameter are OR-ed (``phase=PHASE2&phase=PHASE3``); different
parameters are AND-ed. Filters on related rows (phases, sites, arms, ...) use a
``pk__in`` subquery, so a trial never appears twice and no DISTINCT is needed.
Phase, condition and country read the facet rows (TrialFacetValue), the same rows
the facet counts read, so a count and the list it links to always agree.
"""

import re

import django_filters
import pycountry
from django import forms
from django.contrib.postgres.search import SearchRank
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.db import connection
from django.db.models import F, Q

from trials import search
from trials.choices import HAS_RESULTS_CHOICES, PHASE_CHOICES, OverallStatus, StudyType
from trials.dates import parse_partial_date, partial_date_end
from trials.models import Arm, FacetKind, Intervention, Trial, TrialFacetValue

MAX_Q_LENGTH = 500
COUNTRY_CHOICES = sorted((c.alpha_2, c.name) for c in pycountry.countries)
# What each has_results value matches: "false" only where a source said so, never unknown.
HAS_RESULTS_MATCH = {
    "true": Q(has_results=True) | Q(results_status="posted"),
    "false": Q(has_results=False, results_status__in=["not_posted", "submitted"]),
    "unknown": Q(has_results=False, results_status__isnull=True),
}


SORT_CHOICES = [
    ("relevance", "Relevance (with a search)"),
    ("-start", "Start date, newest first"),
    ("start", "Start date, oldest first"),
    ("-enrollment", "Enrollment, largest first"),
    ("-updated", "Last updated in the registry"),
    ("title", "Title A–Z"),
]
DEFAULT_SORT = "-start"
# Ties are broken by primary key so pagination is stable.
SORT_KEYS = {
    "-start": [F("start_date").desc(nulls_last=True)],
    "start": [F("start_date").asc(nulls_last=True)],
    "-enrollment": [F("enrollment").desc(nulls_last=True)],
    "-updated": [F("last_update_posted").desc(nulls_last=True)],
    "title": ["brief_title"],
}


# ASCII digits only: str.isdigit() also accepts "²" and "①", which int() refuses.
DIGITS = re.compile(r"[0-9]+")
# PostgreSQL refuses NUL in text; other control characters are never meant.
# (config.middleware refuses them for every URL first; these keep the form honest.)
NO_CONTROL_CHARACTERS = RegexValidator(
    r"[\x00-\x1f\x7f-\x9f]", "Remove the control character.", inverse_match=True
)


class TextListField(forms.Field):
    """A repeatable free-text parameter (?condition=A&condition=B)."""

    widget = forms.SelectMultiple
    default_validators = [ProhibitNullCharactersValidator()]

    def validate(self, value):
        super().validate(value)
        for item in value:
            for validator in (*self.default_validators, NO_CONTROL_CHARACTERS):
                validator(item)

    def run_validators(self, value):
        """Validators run per value in validate(), not on the list."""

    def to_python(self, value):
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        return [v.strip() for v in values if v.strip()]


class PartialDateFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        try:
            return parse_partial_date(value) if value else None
        except ValueError:
            raise forms.ValidationError(
                f"“{value}” is not a date; use YYYY, YYYY-MM or YYYY-MM-DD."
            ) from None


class UpperMultipleChoiceField(forms.MultipleChoiceField):
    """Codes are case-insensitive in the URL (country=no works like country=NO)."""

    def __deepcopy__(self, memo):
        # Every form copies its fields; the ~250 country choices are immutable
        # tuples, so share them instead of deep-copying them for each facet's form.
        choices = self._choices
        self._choices = []
        try:
            result = super().__deepcopy__(memo)
        finally:
            self._choices = choices
        result._choices = choices
        return result

    def to_python(self, value):
        return [v.strip().upper() for v in super().to_python(value)]


class TextListFilter(django_filters.Filter):
    field_class = TextListField


class PartialDateFilter(django_filters.Filter):
    field_class = PartialDateFormField


class CodeListFilter(django_filters.MultipleChoiceFilter):
    field_class = UpperMultipleChoiceField


class AsciiNumberMixin:
    """Numbers in the URL are ASCII: int() and Decimal() also read "١٢" as 12."""

    def to_python(self, value):
        number = super().to_python(value)
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class AsciiIntegerField(AsciiNumberMixin, forms.IntegerField):
    pass


class AsciiDecimalField(AsciiNumberMixin, forms.DecimalField):
    pass


class IntegerFilter(django_filters.NumberFilter):
    field_class = AsciiIntegerField


class DecimalFilter(django_filters.NumberFilter):
    field_class = AsciiDecimalField


class TrialFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_q",
        max_length=MAX_Q_LENGTH,
        strip=True,
        validators=[NO_CONTROL_CHARACTERS],
    )
    condition = TextListFilter(label="Condition", method="filter_condition")
    phase = CodeListFilter(label="Phase", choices=PHASE_CHOICES, method="filter_phase")
    status = CodeListFilter(
        label="Status", choices=OverallStatus.choices, field_name="overall_status"
    )
    study_type = CodeListFilter(label="Study type", choices=StudyType.choices)
    country = CodeListFilter(label="Country", choices=COUNTRY_CHOICES, method="filter_country")
    sponsor = TextListFilter(label="Lead sponsor", field_name="lead_sponsor__name", method="in_")
    intervention = TextListFilter(label="Intervention", method="filter_intervention")
    has_results = django_filters.ChoiceFilter(
        label="Posted results", choices=HAS_RESULTS_CHOICES, method="filter_has_results"
    )
    start_after = PartialDateFilter(label="Started on or after", method="filter_start_after")
    start_before = PartialDateFilter(label="Started on or before", method="filter_start_before")
    min_enrollment = IntegerFilter(
        label="Enrollment at least", field_name="enrollment", lookup_expr="gte", min_value=0
    )
    max_enrollment = IntegerFilter(
        label="Enrollment at most", field_name="enrollment", lookup_expr="lte", min_value=0
    )
    # Both dose bounds apply to the same arm, whose initial mg range must overlap them;
    # they are handled together in filter_queryset.
    min_dose_mg = DecimalFilter(
        label="Dose per session at least (mg)", method="keep", min_value=0, max_digits=6
    )
    max_dose_mg = DecimalFilter(
        label="Dose per session at most (mg)", method="keep", min_value=0, max_digits=6
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORT_CHOICES, method="keep", empty_label=None
    )

    class Meta:
        model = Trial
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for name in ("phase", "status", "study_type", "country"):
            self.form.fields[name].error_messages["invalid_choice"] = (
                "“%(value)s” is not a value ClinicalTrials.gov uses here."
            )
        self.form.fields["q"].error_messages["max_length"] = (
            f"The search is too long: at most {MAX_Q_LENGTH} characters."
        )

    # Filter methods -----------------------------------------------------------

    def keep(self, queryset, name, value):
        return queryset

    def in_(self, queryset, name, value):
        return queryset.filter(**{f"{name}__in": value}) if value else queryset

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            query = search.postgres_query(value)
            return queryset.filter(search_vector=query) if query is not None else queryset
        return queryset.filter(search.substring_filter(value))

    def filter_condition(self, queryset, name, value):
        return self._by_facet(queryset, FacetKind.CONDITION, value)

    def filter_phase(self, queryset, name, value):
        return self._by_facet(queryset, FacetKind.PHASE, value)

    def filter_country(self, queryset, name, value):
        # The facet rows hold a curated trial's stated countries beside its sites'.
        return self._by_facet(queryset, FacetKind.COUNTRY, value)

    def _by_facet(self, queryset, facet, values):
        if not values:
            return queryset
        rows = TrialFacetValue.objects.filter(facet=facet, value__in=values)
        return queryset.filter(pk__in=rows.values("trial_id"))

    def filter_intervention(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=Intervention.objects.filter(name__in=value).values("trial_id")
        )

    def filter_has_results(self, queryset, name, value):
        return queryset.filter(HAS_RESULTS_MATCH[value]) if value else queryset

    def filter_start_after(self, queryset, name, value):
        return queryset.filter(start_date__gte=value.date) if value else queryset

    def filter_start_before(self, queryset, name, value):
        return queryset.filter(start_date__lte=partial_date_end(value)) if value else queryset

    # The whole query ------------------------------------------------------------

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        low = self.form.cleaned_data.get("min_dose_mg")
        high = self.form.cleaned_data.get("max_dose_mg")
        if low is not None or high is not None:
            arms = Arm.objects.initial_dose_overlaps(low, high)
            queryset = queryset.filter(pk__in=arms.values("trial_id"))
        return queryset

    def clean_errors(self) -> dict[str, list[str]]:
        """Each bad parameter with its messages, for the 400 page."""
        return {name: [str(m) for m in messages] for name, messages in self.errors.items()}

    @property
    def sort_key(self) -> str:
        data = self.form.cleaned_data if self.is_bound and self.is_valid() else {}
        sort = data.get("sort") or ""
        if sort == "relevance" and not data.get("q"):
            return DEFAULT_SORT
        return sort or ("relevance" if data.get("q") else DEFAULT_SORT)

    def sorted_qs(self):
        """The filtered trials in the requested order (relevance ranks only on PostgreSQL)."""
        queryset = self.qs
        sort = self.sort_key
        if sort == "relevance":
            if connection.vendor != "postgresql":
                return queryset.order_by(*SORT_KEYS[DEFAULT_SORT], "pk")
            query = search.postgres_query(self.form.cleaned_data["q"])
            if query is None:
                return queryset.order_by(*SORT_KEYS[DEFAULT_SORT], "pk")
            rank = SearchRank(F("search_vector"), query)
            return queryset.annotate(rank=rank).order_by("-rank", *SORT_KEYS[DEFAULT_SORT], "pk")
        return queryset.order_by(*SORT_KEYS[sort], "pk")
