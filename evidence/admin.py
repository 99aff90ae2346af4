"""Admin for the curated evidence: publications, milestones, estimates, outcome families."""

import pycountry
from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from editorial.admin import EditorialAdmin, EditorialForm
from evidence.models import (
    CertaintyRating,
    EffectEstimate,
    OutcomeFamily,
    ProblemReport,
    Publication,
    RegulatoryMilestone,
    RiskOfBias,
    SafetyFinding,
)


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


# Agencies editors meet most; any other name can still be typed.
KNOWN_AGENCIES = ["FDA", "EMA", "TGA", "Health Canada", "MHRA", "Swissmedic", "DEA", "REK"]
JURISDICTIONS = [
    ("", "None (not tied to one jurisdiction)"),
    ("EU", "European Union"),
    *sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda c: c[1]),
]


class SuggestingTextInput(forms.TextInput):
    """A text box offering known values (an HTML datalist) while accepting any other."""

    def __init__(self, suggestions=(), attrs=None):
        super().__init__(attrs)
        self.suggestions = list(suggestions)

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id', name)}-suggestions"
        box = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((s,) for s in self.suggestions)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)


class MilestoneForm(EditorialForm):
    jurisdiction = forms.ChoiceField(choices=JURISDICTIONS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        used = RegulatoryMilestone.objects.order_by("agency").values_list("agency", flat=True)
        known = sorted(set(KNOWN_AGENCIES) | set(used.distinct()))
        self.fields["agency"].widget = SuggestingTextInput(known)
        self.fields["agency"].help_text = "Pick a known agency or type another."


@admin.register(RegulatoryMilestone)
class RegulatoryMilestoneAdmin(EditorialAdmin):
    form = MilestoneForm
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


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    """Readers' reports: editors read them, note what they did and mark them resolved."""

    list_display = ["created_at", "page", "message", "contact", "resolved"]
    list_filter = ["resolved"]
    search_fields = ["page", "message", "contact"]
    readonly_fields = ["page", "message", "contact", "created_at"]
    fields = ["page", "message", "contact", "created_at", "resolved", "editor_notes"]

    def has_add_permission(self, request):
        return False


@admin.register(SafetyFinding)
class SafetyFindingAdmin(EditorialAdmin):
    list_display = [
        "seed_key",
        "topic",
        "statement",
        "source_level",
        "verified_against",
        "source_retracted",
        "state",
        "verified",
    ]
    list_filter = ["topic", "verified", "verified_against", "source_retracted"]
    search_fields = ["seed_key", "statement", "source_citation", "quote", "note", "sources"]
    autocomplete_fields = ["trials", "publications", "milestones"]


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
