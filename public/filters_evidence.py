"""Query parameters of the publication list, validated like the trial list's."""

import django_filters
from django import forms
from django.db.models import Q

from evidence.models import Publication, PublicationKind, RetractionStatus

MAX_Q_LENGTH = 200


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1900, max_value=2100, **kwargs)


class PublicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="filter_q", max_length=MAX_Q_LENGTH, strip=True
    )
    kind = django_filters.MultipleChoiceFilter(label="Kind", choices=PublicationKind.choices)
    retraction = django_filters.MultipleChoiceFilter(
        label="Retraction status", choices=RetractionStatus.choices, field_name="retraction_status"
    )
    year_from = django_filters.NumberFilter(
        label="Published in or after",
        field_name="year",
        lookup_expr="gte",
        min_value=1900,
        max_value=2100,
    )
    year_to = django_filters.NumberFilter(
        label="Published in or before",
        field_name="year",
        lookup_expr="lte",
        min_value=1900,
        max_value=2100,
    )

    class Meta:
        model = Publication
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for name in ("kind", "retraction"):
            self.form.fields[name].error_messages["invalid_choice"] = (
                "“%(value)s” is not one of the values this list uses."
            )

    def filter_q(self, queryset, name, value):
        """Every word must appear in the title, authors, journal, DOI or PMID."""
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(authors__icontains=word)
                | Q(first_author__icontains=word)
                | Q(journal__icontains=word)
                | Q(doi__icontains=word)
                | Q(pmid=word)
            )
        return queryset

    def clean_errors(self) -> dict[str, list[str]]:
        return {name: [str(m) for m in messages] for name, messages in self.errors.items()}
