"""/safety/: what trials, reviews and regulators say about MDMA's harms, and
/safety/adverse-events/: the registry's adverse events across published trials."""

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from evidence.models import SafetyFinding, SafetyTopic
from evidence.safety_numbers import number_lines
from evidence.safety_tables import (
    comparative_harms,
    cross_trial_table,
    harm_forest_plot,
    public_events,
)
from public.charts.forest import render_svg
from public.exports import stream_csv
from public.views.errors import bad_request
from trials.models import AdverseEvent, Phase, Seriousness, Trial
from trials.models.trial import NCT_ID_RE


@require_safe
def safety_page(request):
    findings = list(SafetyFinding.objects.for_public())
    for f in findings:
        f.number_lines = number_lines(f.numbers)
    sections = [
        {"topic": topic, "findings": [f for f in findings if f.topic == topic.value]}
        for topic in SafetyTopic
    ]
    context = {
        "sections": [s for s in sections if s["findings"]],
        "total": len(findings),
        "unverified": sum(not f.verified for f in findings),
        # Anchors of published findings: the summary links only to what is shown.
        "shown": {f.anchor for f in findings},
    }
    return render(request, "public/safety.html", context)


def _nct_id(value: str) -> str:
    value = value.strip().upper()
    if not NCT_ID_RE.match(value):
        raise forms.ValidationError(f"“{value[:20]}” is not an NCT id (NCT followed by 8 digits).")
    return value


class AdverseEventFilter(forms.Form):
    seriousness = forms.ChoiceField(
        choices=[("", "Serious and other"), *Seriousness.choices], required=False
    )
    organ_system = forms.CharField(max_length=200, required=False)
    trial = forms.CharField(max_length=200, required=False)
    phase = forms.MultipleChoiceField(choices=[], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [(p.code, p.label) for p in Phase.objects.all()]

    def clean_trial(self):
        return [_nct_id(v) for v in self.data.getlist("trial") if v.strip()]


def _csv(table):
    header = ["seriousness", "organ_system", "term"]
    for col in table["columns"]:
        header += [
            f"{col.trial.nct_id} {col.code} ({col.role}: {col.title}) affected",
            f"{col.trial.nct_id} {col.code} at_risk",
        ]
    yield header
    for item in table["rows"]:
        row = item["row"]
        cells = []
        for cell in item["cells"]:
            cells += [cell.affected, cell.at_risk] if cell else ["", ""]
        yield [row.seriousness, row.organ_system, row.term, *cells]


def _filtered_table(request):
    """(form, table, None) for good filters; (None, None, a 400 response) for bad ones."""
    form = AdverseEventFilter(request.GET)
    if not form.is_valid() or request.GET.get("format", "csv") != "csv":
        errors = {name: list(messages) for name, messages in form.errors.items()}
        if request.GET.get("format", "csv") != "csv":
            errors["format"] = ["Only format=csv is offered."]
        back_url = reverse("public:safety_adverse_events")
        return None, None, bad_request(request, errors, back_url=back_url)
    data = form.cleaned_data
    events = public_events(data["seriousness"], data["organ_system"], data["trial"], data["phase"])
    return form, cross_trial_table(events), None


@require_safe
def harm_forest_svg(request):
    """The forest plot of one pooled term, chosen by ?term= among the filtered table's."""
    form, table, error = _filtered_table(request)
    if error:
        return error
    term = request.GET.get("term", "").strip().casefold()
    harm = next((h for h in comparative_harms(table) if h["row"].term.casefold() == term), None)
    if harm is None or harm["rr"] is None:
        raise Http404("No pooled risk ratio for this term under these filters.")
    svg = render_svg(harm_forest_plot(harm), id_prefix="harm-forest")
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@require_safe
def adverse_events_page(request):
    form, table, error = _filtered_table(request)
    if error:
        return error
    if request.GET.get("format") == "csv":
        return stream_csv(_csv(table), "mdma-adverse-events.csv")
    public = AdverseEvent.objects.filter(trial__in=Trial.objects.published())
    context = {
        "form": form,
        "table": table,
        "harms": comparative_harms(table),
        "organ_systems": public.values_list("organ_system", flat=True)
        .distinct()
        .order_by("organ_system"),
        "trial_choices": Trial.objects.published()
        .filter(adverse_events__isnull=False)
        .distinct()
        .order_by("nct_id"),
        "csv_query": request.GET.urlencode(),
    }
    return render(request, "public/safety_adverse_events.html", context)


def safety_card() -> dict:
    """The overview's Safety card: how many published findings, how many unverified."""
    published = SafetyFinding.objects.published()
    return {
        "safety_total": published.count(),
        "safety_unverified": published.filter(verified=False).count(),
    }
