"""Admin for trials and what hangs off them."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from trials.admin.editorial import EditorialAdmin, EditorialForm
from trials.admin.locks import FieldLockInline, lock_note
from trials.models import (
    Arm,
    Condition,
    CuratedTrialFacts,
    FieldLock,
    Intervention,
    Organization,
    OutcomeMeasure,
    Phase,
    ResultOutcome,
    Site,
    Trial,
    TrialIdentifier,
)


class IdentifierInline(admin.TabularInline):
    model = TrialIdentifier
    extra = 0


class ArmInline(admin.StackedInline):
    model = Arm
    extra = 0
    fields = [
        ("label", "arm_type", "order"),
        ("dose_initial_mg", "dose_supplemental_mg", "dosing_sessions", "participants"),
        "dose_note",
        "description",
        "record_source",
    ]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ["facility", "city", "country", "country_code", "status", "record_source"]


class CuratedTrialFactsInline(admin.StackedInline):
    model = CuratedTrialFacts
    extra = 0
    max_num = 1
    fields = [
        ("site_count", "site_countries"),
        "sites_source",
        ("results_status", "results_posted_on"),
        "results_source",
        ("dates_are_recruitment_window", "start_caveat"),
    ]


class OutcomeMeasureInline(admin.TabularInline):
    model = OutcomeMeasure
    extra = 0
    fields = ["kind", "measure", "time_frame", "order"]


class TrialForm(EditorialForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Beside each locked field: the lock's reason and what the registry now says.
            for lock in self.instance.field_locks.all():
                if lock.field in self.fields:
                    field = self.fields[lock.field]
                    field.help_text = lock_note(lock, self.instance)


@admin.register(Trial)
class TrialAdmin(EditorialAdmin):
    form = TrialForm
    list_display = [
        "nct_id",
        "acronym",
        "brief_title",
        "overall_status",
        "phase_list",
        "enrollment",
        "has_results",
        "record_source",
        "state",
        "verified",
        "last_update_posted",
    ]
    list_filter = [
        "record_source",
        "overall_status",
        "phases",
        "study_type",
        "has_results",
        "verified",
    ]
    search_fields = [
        "nct_id",
        "acronym",
        "brief_title",
        "official_title",
        "identifiers__value",
        "publications__first_author",
        "publications__authors",
        "publications__title",
        "sources",
    ]
    autocomplete_fields = ["lead_sponsor", "collaborators", "conditions"]
    filter_horizontal = ["phases"]
    inlines = [
        FieldLockInline,
        IdentifierInline,
        ArmInline,
        SiteInline,
        CuratedTrialFactsInline,
        OutcomeMeasureInline,
    ]
    readonly_fields = [
        "record_source",
        "last_imported_at",
        "last_checked_at",
        "missing_from_registry_since",
        "raw_hash",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["lead_sponsor"]
    date_hierarchy = "start_date"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("phases")

    @admin.display(description="phases")
    def phase_list(self, obj):
        return ", ".join(p.code for p in obj.phases.all())

    def save_formset(self, request, form, formset, change):
        if formset.model is FieldLock:
            for lock_form in formset.forms:
                if lock_form.instance.pk is None and lock_form.has_changed():
                    lock_form.instance.locked_by = request.user
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_search()


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "order"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "agency_class"]
    search_fields = ["name"]


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "mesh_term", "mesh_id"]
    search_fields = ["name", "mesh_term"]


@admin.register(Arm)
class ArmAdmin(SimpleHistoryAdmin):
    list_display = ["label", "trial", "arm_type", "dose_initial_mg", "dose_supplemental_mg"]
    list_filter = ["arm_type", "record_source"]
    search_fields = ["label", "trial__nct_id", "trial__acronym"]
    autocomplete_fields = ["trial"]
    list_select_related = ["trial"]


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["name", "trial", "intervention_type"]
    list_filter = ["intervention_type"]
    search_fields = ["name", "trial__nct_id", "trial__acronym"]
    autocomplete_fields = ["trial"]
    list_select_related = ["trial"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["facility", "city", "country_code", "trial"]
    list_filter = ["country_code"]
    search_fields = ["facility", "city", "country", "trial__nct_id", "trial__acronym"]
    autocomplete_fields = ["trial"]
    list_select_related = ["trial"]


@admin.register(ResultOutcome)
class ResultOutcomeAdmin(admin.ModelAdmin):
    list_display = ["title", "trial", "outcome_type", "param_type"]
    list_filter = ["outcome_type"]
    search_fields = ["title", "trial__nct_id", "trial__acronym"]
    autocomplete_fields = ["trial"]
    list_select_related = ["trial"]
