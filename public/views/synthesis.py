"""The evidence synthesis page, its forest plot as SVG and the rows it pooled as CSV.

All three read the same GET parameters, so every view of the evidence has a URL.
"""

from collections.abc import Iterator, Sequence
from functools import wraps

from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from evidence.family_synthesis import (
    BOOLEAN_OPTIONS,
    Options,
    Synthesis,
    all_families,
    synthesis_for,
)
from evidence.forest_rows import plot_for
from evidence.meta_analysis import CI_METHODS, METHODS
from evidence.metapsy_source import ATTRIBUTION, metapsy_notes
from evidence.models import OutcomeFamily
from evidence.synthesis_names import CI_NAMES, METHOD_NAMES, SOURCES
from public.charts.forest import render_svg
from public.exports import stream_csv
from public.views.appraisal import appraisal_context
from public.views.errors import bad_request
from public.views.living import living_context

TRUE_WORDS = ("1", "true", "on")
SNAPSHOTS_LISTED = 50
FALSE_WORDS = ("0", "false", "off")


class BadParameter(ValueError):
    """A query-string value the synthesis cannot use; the message names it and the choices."""

    def __init__(self, name: str, value: str, allowed: Sequence[str]):
        self.name, self.value, self.allowed = name, value, list(allowed)
        super().__init__(
            f"The parameter “{name}” cannot be “{value}”. "
            f"Allowed values: {', '.join(self.allowed)}."
        )


def _single(params: QueryDict, name: str) -> str:
    values = params.getlist(name)
    if len(values) > 1:
        raise BadParameter(name, ", ".join(values), ["one value, given once"])
    return values[0].strip() if values else ""


def options_from_query(params: QueryDict) -> Options:
    """Read the sensitivity options; an empty or absent value means the default."""
    values = {}
    if method := _single(params, "method"):
        if method.upper() not in METHODS:
            raise BadParameter("method", method, METHODS)
        values["method"] = method.upper()
    if source := _single(params, "source"):
        if source.lower() not in SOURCES:
            raise BadParameter("source", source, list(SOURCES))
        values["source"] = source.lower()
    if ci := _single(params, "ci"):
        if ci.lower() not in CI_METHODS:
            raise BadParameter("ci", ci, CI_METHODS)
        values["ci"] = ci.lower()
    for name in BOOLEAN_OPTIONS:
        raw = _single(params, name).lower()
        if raw in TRUE_WORDS:
            values[name] = True
        elif raw in FALSE_WORDS:
            values[name] = False
        elif raw:
            raise BadParameter(name, raw, TRUE_WORDS + FALSE_WORDS)
    return Options(**values)


def family_from_query(params: QueryDict, families: Sequence[OutcomeFamily]) -> OutcomeFamily:
    """The family named by ?family=slug, or the first by order."""
    slug = _single(params, "family")
    if not slug:
        return families[0]
    for family in families:
        if family.slug == slug:
            return family
    raise BadParameter("family", slug, [f.slug for f in families])


def _bad_request(request, error: BadParameter):
    return bad_request(request, {error.name: [str(error)]}, back_url=reverse("public:synthesis"))


def _query(family: OutcomeFamily, options: Options) -> str:
    return urlencode({"family": family.slug, **options.as_query()})


def _synthesis_or_error(request, families):
    """(synthesis, None) for good parameters, (None, a 400 response) for bad ones."""
    try:
        family = family_from_query(request.GET, families)
        options = options_from_query(request.GET)
    except BadParameter as error:
        return None, _bad_request(request, error)
    return synthesis_for(family, options), None


def synthesis_download(view):
    """A download of one family's synthesis (figure, rows): 404 while there are no
    families, the 400 page for bad parameters, else ``view(request, synthesis)``."""

    @require_safe
    @wraps(view)
    def download(request):
        families = all_families()
        if not families:
            raise Http404("No outcome families yet.")
        synthesis, error = _synthesis_or_error(request, families)
        if error:
            return error
        return view(request, synthesis)

    return download


@require_safe
def synthesis_page(request):
    families = all_families()
    if not families:
        return render(request, "public/synthesis.html", {"families": []})
    synthesis, error = _synthesis_or_error(request, families)
    if error:
        return error
    query = _query(synthesis.family, synthesis.options)
    appraisal = appraisal_context(synthesis, families)
    context = {
        "families": families,
        "synthesis": synthesis,
        "options": synthesis.options,
        "methods": METHOD_NAMES.items(),
        "ci_methods": CI_NAMES.items(),
        "sources": SOURCES.items(),
        "metapsy": metapsy_notes(synthesis),
        "snapshots": synthesis.family.snapshots.all()[:SNAPSHOTS_LISTED],
        "forest": mark_safe(render_svg(plot_for(synthesis))) if synthesis.rows else "",
        "svg_url": f"{reverse('public:forest_svg')}?{query}",
        "csv_url": f"{reverse('public:rows_csv')}?{query}",
        "json_url": f"{reverse('public:rows_json')}?{query}",
        **appraisal,
        **living_context(synthesis, appraisal["certainty_phrase"]),
    }
    return render(request, "public/synthesis.html", context)


@synthesis_download
def forest_svg(request, synthesis: Synthesis):
    response = HttpResponse(
        render_svg(plot_for(synthesis)), content_type="image/svg+xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{synthesis.family.slug}-forest.svg"'
    return response


CSV_HEADER = [
    "study",
    "trial",
    "outcome_measure",
    "comparison",
    "time_point",
    "reported_metric",
    "reported_value",
    "reported_ci_low",
    "reported_ci_high",
    "n_treatment",
    "n_control",
    "scale",
    "estimate",
    "se",
    "se_basis",
    "ci_low",
    "ci_high",
    "weight_percent",
    "source_publication",
    "source_doi",
    "retracted_on",
    "retraction_reason",
    "pooling_method",
    "interval_method",
    "risk_of_bias",
    "data_source",
]


def _six_figures(value: float) -> float:
    # A number, not text, so the spreadsheet-safety pass leaves a leading minus alone.
    return float(f"{value:.6g}")


def _retraction_cells(row) -> list[str]:
    paper = row.retraction
    if paper is None:
        return ["", ""]
    day = paper.retraction_date.isoformat() if paper.retraction_date else "date not given"
    return [day, paper.retraction_notice or "reason not given"]


def _pooling_columns(synthesis: Synthesis) -> list[str]:
    """The model and interval the pooled result used (blank when nothing was pooled)."""
    r = synthesis.result
    return ["", ""] if r is None else [r.method, r.ci_method]


def _risk_of_bias_text(row) -> str:
    """Each review's overall RoB 2 judgement of the row, or "not assessed"."""
    judgements = row.risk_of_bias
    if not judgements:
        return "not assessed"
    return "; ".join(f"{j.overall_text} ({j.short_appraiser})" for j in judgements)


def csv_lines(synthesis: Synthesis) -> Iterator[list]:
    """The header and one line per pooled study, on the pooling scale (logs for ratios)."""
    yield CSV_HEADER
    for row in synthesis.rows:
        e, source = row.estimate, row.estimate.source_publication
        weight = row.weight_percent
        yield [
            e.label,
            e.trial.url_key if e.trial else "",
            e.outcome_measure,
            e.comparison,
            e.time_point,
            e.metric,
            e.value,
            e.ci_low,
            e.ci_high,
            e.n_treatment,
            e.n_control,
            row.scale.code,
            _six_figures(row.effect.estimate),
            _six_figures(row.effect.se),
            row.se_basis_label,
            _six_figures(row.ci_low),
            _six_figures(row.ci_high),
            None if weight is None else round(weight, 2),
            source.short_citation if source else "",
            (source.doi or "") if source else "",
            *_retraction_cells(row),
            *_pooling_columns(synthesis),
            _risk_of_bias_text(row),
            ATTRIBUTION if synthesis.options.source == "metapsy" else "curated published estimate",
        ]


@synthesis_download
def rows_json(request, synthesis: Synthesis):
    """The rows of rows.csv as JSON objects, with the summary sentence."""
    header, *lines = csv_lines(synthesis)
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    body = {"family": synthesis.family.slug, "summary": synthesis.summary, "rows": rows}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@synthesis_download
def rows_csv(request, synthesis: Synthesis):
    return stream_csv(csv_lines(synthesis), f"{synthesis.family.slug}-rows.csv")
