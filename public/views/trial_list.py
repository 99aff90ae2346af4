"""The public trial list: filters, facets, pagination and exports (?format=csv|json).

Bad parameters answer 400 with a page naming each one and why. A page number past
the last page answers 404 with a link to the last page (not a silent redirect, so a
shared link that went stale says so).
"""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from public import exports, keyset
from public.filters import (
    DEFAULT_SORT,
    DIGITS,
    HAS_RESULTS_CHOICES,
    PHASE_CHOICES,
    SORT_CHOICES,
    TrialFilter,
)
from public.pagecache import versioned_page
from public.views.errors import bad_request
from trials import search
from trials.choices import OverallStatus, StudyType, label_for
from trials.datacache import versioned
from trials.facets import country_name, trial_facets
from trials.models import Arm, Site, Trial

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
FORMATS = ("", "html", "csv", "json")
NOT_FILTERS = {"sort", "page", "page_size", "format", "after"}


def _positive_int(params, name, default, maximum=None):
    raw = params.get(name, "").strip()
    if not raw:
        return default, None
    if not DIGITS.fullmatch(raw) or int(raw) < 1:
        return None, f"“{raw[:50]}” is not a whole number of 1 or more."
    if maximum is not None and int(raw) > maximum:
        return None, f"{raw} is too many; at most {maximum} trials fit on a page."
    return int(raw), None


def _describe(name, value, cleaned) -> str:
    """A filter value in words, for the sentence above the results."""
    labels = {
        "phase": dict(PHASE_CHOICES),
        "has_results": dict(HAS_RESULTS_CHOICES),
    }
    if name == "phase":
        return labels["phase"].get(value.upper(), value)
    if name == "status":
        return label_for(OverallStatus, value.upper()).lower()
    if name == "study_type":
        return label_for(StudyType, value.upper()).lower()
    if name == "country":
        return f"in {country_name(value.upper())}"
    if name == "has_results":
        return labels["has_results"].get(value, value)
    return {
        "q": f"matching “{value}”",
        "sponsor": f"sponsored by {value}",
        "intervention": f"intervention “{value}”",
        # The registry's start date, actual or estimated: the list shows which.
        "start_after": f"start date (actual or estimated) {value} or later",
        "start_before": f"start date (actual or estimated) {value} or earlier",
        "min_enrollment": f"at least {value} participants",
        "max_enrollment": f"at most {value} participants",
        "min_dose_mg": f"an arm's initial dose reaching {value} mg",
        "max_dose_mg": f"an arm's initial dose down to {value} mg or less",
    }.get(name, value)


def active_filters(params, cleaned) -> list[dict]:
    """Each active filter value in words, with the query string that removes it."""
    active = []
    for name in TrialFilter.base_filters:
        if name in NOT_FILTERS:
            continue
        for value in params.getlist(name):
            if not value.strip():
                continue
            remaining = params.copy()
            remaining.setlist(name, [v for v in params.getlist(name) if v != value])
            for key in ("page", "format", "after"):
                remaining.pop(key, None)
            active.append(
                {"text": _describe(name, value.strip(), cleaned), "query": remaining.urlencode()}
            )
    return active


class ListPaginator(Paginator):
    """Pages of trials: after the previous page's last row when the link says where that
    was (`public.keyset`), else by offset (a deep one through ``TrialQuerySet.page_rows``)."""

    after: tuple | None = None  # (sort, sort value, id) of the row before this page

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        # Never past the count: an empty list asks the database nothing.
        stop = min(start + self.per_page, self.count)
        if stop <= start:
            rows = []
        elif self.after:
            rows = keyset.rows_after(self.object_list, *self.after, limit=self.per_page)
        else:
            rows = list(self.object_list.page_rows(start, stop))
        return self._get_page(rows, number, self)


def _list_queryset(queryset):
    return (
        queryset.for_list()
        .select_related("curated_facts")
        .prefetch_related(
            "phases",
            "conditions",
            Prefetch("sites", queryset=Site.objects.only("trial", "country_code", "country")),
            Prefetch("arms", queryset=Arm.objects.only("trial", "order", *Arm.DOSE_FIELDS)),
        )
    )


def _filter_key(params) -> list:
    """The filter parameters, in a stable order, as part of a cache key."""
    return sorted((name, values) for name, values in params.lists() if name not in NOT_FILTERS)


def _with(params, **values) -> str:
    """The query string with some parameters replaced (and the page reset)."""
    query = params.copy()
    query.pop("page", None)
    query.pop("after", None)
    for name, value in values.items():
        query[name] = value
    return query.urlencode()


def canonical_query(params) -> str | None:
    """The query without empty fields and form defaults, or None when no field is empty.

    The filter form submits every field; a shared link should carry only what was chosen.
    """
    if all(v.strip() for _, values in params.lists() for v in values):
        return None
    clean = params.copy()
    for name, values in params.lists():
        kept = [v for v in values if v.strip()]
        if kept:
            clean.setlist(name, kept)
        else:
            del clean[name]
    # The form also sends its defaults; they say nothing in a shared link.
    default_sort = "relevance" if clean.get("q") else DEFAULT_SORT
    for name, value in {"sort": default_sort, "page_size": str(DEFAULT_PAGE_SIZE)}.items():
        if clean.getlist(name) == [value]:
            del clean[name]
    return clean.urlencode()


def _list_options(params, filterset) -> tuple[dict, dict[str, list[str]]]:
    """The page number, page size and format asked for, and each bad parameter's messages."""
    errors = filterset.clean_errors()
    options = {"format": params.get("format", "")}
    for name, default, maximum in (
        ("page", 1, None),
        ("page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    ):
        options[name], message = _positive_int(params, name, default, maximum)
        if message:
            errors[name] = [message]
    if options["format"] not in FORMATS:
        errors["format"] = [f"“{options['format'][:50]}” is not an export format; use csv or json."]
    options["after"] = None
    if (raw := params.get("after", "").strip()) and not errors:
        sort = filterset.sort_key
        try:
            options["after"] = (sort, *keyset.read_cursor(raw, sort, options["page"]))
        except ValueError as exc:
            errors["after"] = [str(exc)]
    return options, errors


def _export(request, trials, fmt):
    base_url = request.build_absolute_uri("/").rstrip("/")
    if fmt == "csv":
        return exports.csv_response(trials, base_url)
    query = request.GET.copy()
    query.pop("format", None)
    return exports.json_response(trials, base_url, query.urlencode())


def _no_such_page(request, page_number, num_pages):
    """404 naming the last page, with a link to it (a stale shared link says so)."""
    last = request.GET.copy()
    last["page"] = str(num_pages)
    last.pop("after", None)
    message = f"There is no page {page_number}: these filters give {num_pages} page(s)."
    return bad_request(request, {"page": [message]}, status=404, last_query=last.urlencode())


def _next_query(params, page, sort) -> str:
    """The next page's query string, saying where this page ended when the order allows."""
    if not page.has_next():
        return ""
    query = params.copy()
    query["page"] = str(page.next_page_number())
    query.pop("after", None)
    rows = page.object_list
    if after := keyset.cursor_after(sort, page.number, rows[-1] if rows else None):
        query["after"] = after
    return query.urlencode()


def _list_context(params, filterset, page, filters) -> dict:
    q = filterset.form.cleaned_data.get("q")
    count = page.paginator.count
    suggestion = None
    if q and not count:
        words = versioned(
            "search-vocabulary", (), lambda: search.vocabulary(Trial.objects.published())
        )
        suggestion = search.suggest(q, words)
    export_query = params.copy()
    for name in ("page", "page_size", "after"):
        export_query.pop(name, None)
    return {
        "filter": filterset,
        "page": page,
        "trials": page.object_list,
        "count": count,
        "active": active_filters(params, filterset.form.cleaned_data),
        "facets": versioned("trial-facets", filters, lambda: trial_facets(params, TrialFilter)),
        "sort_choices": SORT_CHOICES,
        "sort": filterset.sort_key,
        "page_size": page.paginator.per_page,
        "next_query": _next_query(params, page, filterset.sort_key),
        "export_query": export_query.urlencode(),
        "suggestion": suggestion,
        "suggestion_query": _with(params, q=suggestion) if suggestion else "",
    }


@require_safe
@versioned_page
def trial_list(request):
    params = request.GET
    canonical = canonical_query(params)
    if canonical is not None:
        return redirect(f"{request.path}?{canonical}" if canonical else request.path)
    filterset = TrialFilter(params, queryset=Trial.objects.published())
    options, errors = _list_options(params, filterset)
    if errors:
        return bad_request(request, errors)
    trials = filterset.sorted_qs()
    if options["format"] in ("csv", "json"):
        return _export(request, trials, options["format"])
    paginator = ListPaginator(_list_queryset(trials), options["page_size"])
    paginator.after = options["after"]
    # The count and the facets depend only on the filters and the data: shared cache.
    filters = _filter_key(params)
    paginator.count = versioned("trial-count", filters, trials.count)
    if options["page"] > paginator.num_pages:
        return _no_such_page(request, options["page"], paginator.num_pages)
    page = paginator.page(options["page"])
    context = _list_context(params, filterset, page, filters)
    return render(request, "public/trial_list.html", context)
