"""Admin for the curated evidence: publications, milestones, estimates, outcome families."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evidence.models import (
    CertaintyRating,
    EffectEstimate,
    OutcomeFamily,
    Publication,
    RegulatoryMilestone,
    RiskOfBias,
)
from trials.admin.editorial import EditorialAdmin


@admin.register(Publication)
class PublicationAdmin(EditorialAdmin):
    list_display = [
        "first_author",
        "year",
        "title",
        "journal",
        "kind",
        "retraction_status",
        "state",
        "verified",
    ]
    list_filter = ["kind", "retraction_status", "verified", "year"]
    search_fields = ["title", "authors", "first_author", "doi", "pmid", "journal", "sources"]
    autocomplete_fields = ["trials"]


@admin.register(RegulatoryMilestone)
class RegulatoryMilestoneAdmin(EditorialAdmin):
    list_display = [
        "date",
        "date_precision",
        "agency",
        "jurisdiction",
        "kind",
        "title",
        "state",
        "verified",
    ]
    list_filter = ["kind", "agency", "jurisdiction", "verified"]
    search_fields = ["title", "summary", "agency", "sources"]
    autocomplete_fields = ["trials", "publications"]
    date_hierarchy = "date"


@admin.register(EffectEstimate)
class EffectEstimateAdmin(EditorialAdmin):
    list_display = [
        "label",
        "outcome_measure",
        "metric",
        "value",
        "ci_low",
        "ci_high",
        "n_treatment",
        "n_control",
        "state",
        "verified",
    ]
    list_filter = ["metric", "verified", "outcome_measure"]
    search_fields = [
        "label",
        "outcome_measure",
        "comparison",
        "trial__nct_id",
        "trial__acronym",
        "sources",
    ]
    autocomplete_fields = ["trial", "source_publication"]
    list_select_related = ["trial", "source_publication"]


@admin.register(OutcomeFamily)
class OutcomeFamilyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "direction", "order"]
    search_fields = ["name", "measures"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RiskOfBias)
class RiskOfBiasAdmin(EditorialAdmin):
    list_display = ["appraiser", "trial", "outcome_assessed", "overall", "state", "verified"]
    list_filter = ["appraiser", "overall", "verified"]
    search_fields = ["appraiser", "outcome_assessed", "trial__nct_id", "estimate__label"]
    autocomplete_fields = ["trial", "estimate"]
    list_select_related = ["trial"]


@admin.register(CertaintyRating)
class CertaintyRatingAdmin(EditorialAdmin):
    list_display = ["appraiser", "family", "scale", "certainty", "certainty_as_stated", "state"]
    list_filter = ["appraiser", "scale", "certainty", "verified"]
    search_fields = ["appraiser", "outcome_assessed", "statement"]
    list_select_related = ["family"]
