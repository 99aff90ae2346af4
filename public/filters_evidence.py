"""Query parameters of the publication list, validated like the trial list's."""

import django_filters
from django.db.models import Q

from evidence.models import Publication, PublicationKind, RetractionStatus

MAX_Q_LENGTH = 200


class YearFilter(django_filters.NumberFilter):
    """One bound on the publication year; a year outside 1900-2100 is a typo, answered 400."""

    def __init__(self, label: str, lookup_expr: str):
        super().__init__(
            label=label, field_name="year", lookup_expr=lookup_expr, min_value=1900, max_value=2100
        )


class PublicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="filter_q", max_length=MAX_Q_LENGTH, strip=True
    )
    kind = django_filters.MultipleChoiceFilter(label="Kind", choices=PublicationKind.choices)
    retraction = django_filters.MultipleChoiceFilter(
        label="Retraction status", choices=RetractionStatus.choices, field_name="retraction_status"
    )
    year_from = YearFilter("Published in or after", "gte")
    year_to = YearFilter("Published in or before", "lte")

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
