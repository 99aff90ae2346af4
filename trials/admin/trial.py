"""Admin for trials and what hangs off them."""

from django.contrib import admin
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from editorial.admin import EditorialAdmin, EditorialForm
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
        ("dose_initial_min", "dose_initial_max", "dose_unit"),
        ("dose_supplemental_min", "dose_supplemental_max", "dosing_sessions", "participants"),
        "dose_note",
        "dose_source_text",
        "description",
        "record_source",
    ]


def related_list_link(trial, model, noun: str) -> str:
    """How many rows of ``model`` the trial has, linking to their own filtered admin list.

    Sites and outcomes are edited there rather than inline: a multi-site trial has hundreds,
    and one form holding them all exceeds any sane DATA_UPLOAD_MAX_NUMBER_FIELDS.
    """
    if not trial.pk:
        return "Save the trial first."
    opts = model._meta
    count = model.objects.filter(trial=trial).count()
    listing = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    adding = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    return format_html(
        '<a href="{}?trial__id__exact={}">{} {}{} — view and edit</a> · '
        '<a href="{}?trial={}">add one</a>',
        listing,
        trial.pk,
        count,
        noun,
        pluralize(count),
        adding,
        trial.pk,
    )


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
    change_form_template = "admin/trials/trial/change_form.html"
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
    inlines = [FieldLockInline, IdentifierInline, ArmInline, CuratedTrialFactsInline]
    readonly_fields = [
        "site_list",
        "outcome_list",
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

    @admin.display(description="Sites")
    def site_list(self, obj):
        return related_list_link(obj, Site, "site")

    @admin.display(description="Registered outcomes")
    def outcome_list(self, obj):
        return related_list_link(obj, OutcomeMeasure, "outcome")

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


# A record that belongs to a trial is found by the trial's NCT id or acronym.
TRIAL_SEARCH = ["trial__nct_id", "trial__acronym"]


class PartOfTrial:
    """Admin of a record that belongs to one trial: the trial picked by autocomplete and
    listed without a query per row."""

    autocomplete_fields = ["trial"]
    list_select_related = ["trial"]


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
class ArmAdmin(PartOfTrial, SimpleHistoryAdmin):
    list_display = ["label", "trial", "arm_type", "dose_text"]
    list_filter = ["arm_type", "record_source", "dose_unit"]
    search_fields = ["label", *TRIAL_SEARCH]


@admin.register(Intervention)
class InterventionAdmin(PartOfTrial, admin.ModelAdmin):
    list_display = ["name", "trial", "intervention_type"]
    list_filter = ["intervention_type"]
    search_fields = ["name", *TRIAL_SEARCH]


@admin.register(Site)
class SiteAdmin(PartOfTrial, admin.ModelAdmin):
    list_display = ["facility", "city", "country_code", "trial"]
    list_filter = ["country_code"]
    search_fields = ["facility", "city", "country", *TRIAL_SEARCH]


@admin.register(OutcomeMeasure)
class OutcomeMeasureAdmin(PartOfTrial, admin.ModelAdmin):
    list_display = ["measure", "kind", "time_frame", "trial"]
    list_filter = ["kind"]
    search_fields = ["measure", *TRIAL_SEARCH]


@admin.register(ResultOutcome)
class ResultOutcomeAdmin(PartOfTrial, admin.ModelAdmin):
    list_display = ["title", "trial", "outcome_type", "param_type"]
    list_filter = ["outcome_type"]
    search_fields = ["title", *TRIAL_SEARCH]
