"""Participant flow and baseline characteristics, field by field against the raw API v2
JSON of every sample study with posted results: in the database and on the trial page."""

import json
import re
from html import escape, unescape

import pytest

from tests.conftest import samples_dir
from tests.ctgov_studies import run_import
from tests.flow_pages import tables
from trials.models import (
    BaselineDenominator,
    BaselineValue,
    FlowCount,
    ResultOutcome,
    Trial,
    TrialChange,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("samples_are_public")]


NUMBER_KEYS = ("value", "spread", "lowerLimit", "upperLimit")


def result_studies() -> list[tuple[str, str]]:
    """(file, NCT id) of every sample study that carries a results section."""
    found = []
    for path in sorted((samples_dir() / "v2").glob("*.json")):
        data = json.loads(path.read_text())
        studies = data.get("studies", [data]) if isinstance(data, dict) else []
        for study in studies:
            if isinstance(study, dict) and study.get("resultsSection"):
                nct_id = study["protocolSection"]["identificationModule"]["nctId"]
                found.append((str(path), nct_id))
    return found


STUDIES = result_studies()


def raw_study(path: str, nct_id: str) -> dict:
    with open(path) as f:
        data = json.load(f)
    studies = data.get("studies", [data])
    return next(
        s for s in studies if s["protocolSection"]["identificationModule"]["nctId"] == nct_id
    )


def number(text: str) -> float | None:
    return float(text) if re.fullmatch(r"[-+]?(\d+(\.\d+)?|\.\d+)", text) else None


def expected_flow(flow: dict) -> list[tuple]:
    """One tuple per group count, in the registry's order."""
    rows = []
    for p, period in enumerate(flow.get("periods", [])):
        for kind, key, counts_key in (
            ("milestone", "milestones", "achievements"),
            ("drop_withdraw", "dropWithdraws", "reasons"),
        ):
            for step in period.get(key, []):
                for c in step.get(counts_key, []):
                    raw = c.get("numSubjects", "")
                    rows.append(
                        (p, period.get("title", ""), kind, step["type"], c["groupId"], raw)
                        + (int(raw) if raw.isdigit() else None, c.get("numUnits", ""))
                        + (c.get("comment", ""),)
                    )
    return rows


def stored_flow(trial: Trial) -> list[tuple]:
    counts = FlowCount.objects.filter(step__period__flow__trial=trial).select_related(
        "step__period"
    )
    counts = counts.order_by("step__period__order", "step__order", "pk")
    return [
        (
            c.step.period.order,
            c.step.period.title,
            c.step.kind,
            c.step.step_type,
            c.group_code,
            c.subjects_raw,
            c.subjects,
            c.units_raw,
            c.comment,
        )
        for c in counts
    ]


def expected_baseline(module: dict) -> list[tuple]:
    rows = []
    for m, measure in enumerate(module.get("measures", [])):
        for klass in measure.get("classes", []):
            for category in klass.get("categories", []):
                for v in category.get("measurements", []):
                    raws = [v.get(k, "") for k in NUMBER_KEYS]
                    rows.append(
                        (m, measure["title"], measure.get("paramType", ""))
                        + (measure.get("dispersionType", ""), measure.get("unitOfMeasure", ""))
                        + (klass.get("title", ""), category.get("title", ""), v["groupId"])
                        + tuple((raw, number(raw)) for raw in raws)
                    )
    return rows


def stored_baseline(trial: Trial) -> list[tuple]:
    values = BaselineValue.objects.filter(measure__baseline__trial=trial).select_related("measure")
    return [
        (v.measure.order, v.measure.title, v.measure.param_type)
        + (v.measure.dispersion_type, v.measure.unit_of_measure)
        + (v.class_title, v.category, v.group_code)
        + tuple(
            (getattr(v, f"{k}_raw"), getattr(v, k)) for k in ("value", "spread", "lower", "upper")
        )
        for v in values.order_by("measure__order", "pk")
    ]


def expected_denominators(module: dict) -> list[tuple]:
    """(measure, class, units, group, raw): the table's, each measure's, each class's."""
    found = []

    def add(parent, measure, klass):
        for d in parent.get("denoms", []):
            found.extend(
                [(measure, klass, d["units"], c["groupId"], c["value"]) for c in d["counts"]]
            )

    add(module, None, None)
    for m, measure in enumerate(module.get("measures", [])):
        add(measure, m, None)
        for k, klass in enumerate(measure.get("classes", [])):
            add(klass, m, k)
    return sorted(found, key=repr)


def stored_denominators(trial: Trial) -> list[tuple]:
    rows = BaselineDenominator.objects.filter(baseline__trial=trial).select_related("measure")
    return sorted(
        (
            (d.measure.order if d.measure else None, d.class_index, d.units)
            + (d.group_code, d.value_raw)
            for d in rows
        ),
        key=repr,
    )


def test_the_samples_hold_the_six_studies_with_results(ctgov_samples):
    assert len(STUDIES) >= 6
    for path, nct_id in STUDIES:
        results = raw_study(path, nct_id)["resultsSection"]
        assert results.get("participantFlowModule") and results.get("baselineCharacteristicsModule")


@pytest.mark.parametrize(("path", "nct_id"), STUDIES, ids=[s[1] for s in STUDIES])
def test_flow_and_baseline_are_stored_as_the_registry_states_them(ctgov_samples, path, nct_id):
    run_import("--from-file", path)
    trial = Trial.objects.get(nct_id=nct_id)
    results = raw_study(path, nct_id)["resultsSection"]
    flow, baseline = results["participantFlowModule"], results["baselineCharacteristicsModule"]

    assert stored_flow(trial) == expected_flow(flow)
    assert trial.participant_flow.recruitment_details == flow.get("recruitmentDetails", "")
    assert trial.participant_flow.pre_assignment_details == flow.get("preAssignmentDetails", "")
    assert [(g.code, g.title, g.description) for g in trial.participant_flow.groups.all()] == [
        (g["id"], g["title"], g.get("description", "")) for g in flow["groups"]
    ]
    assert stored_baseline(trial) == expected_baseline(baseline)
    assert stored_denominators(trial) == expected_denominators(baseline)
    assert trial.baseline.population_description == baseline.get("populationDescription", "")
    assert [(g.code, g.title) for g in trial.baseline.groups.all()] == [
        (g["id"], g["title"]) for g in baseline["groups"]
    ]


def page_flow_rows(flow: dict) -> list[tuple[str, str, list[str]]]:
    """(period, row label, cell per group) as the page must show them."""
    codes = [g["id"] for g in flow["groups"]]
    rows = []
    for period in flow.get("periods", []):
        for key, counts_key in (("milestones", "achievements"), ("dropWithdraws", "reasons")):
            for step in period.get(key, []):
                counts = {c["groupId"]: c.get("numSubjects", "") for c in step[counts_key]}
                cells = [counts.get(code) or "not given" for code in codes]
                rows.append((period.get("title", ""), step["type"].casefold(), cells))
    return rows


def value_cell(v: dict | None) -> str:
    if v is None:
        return "not given"
    text = v.get("value") or "not given"
    if v.get("spread"):
        return f"{text} ({v['spread']})"
    if v.get("lowerLimit") or v.get("upperLimit"):
        low, high = v.get("lowerLimit") or "not given", v.get("upperLimit") or "not given"
        return f"{text} ({low} to {high})"
    return text


def page_baseline_rows(module: dict) -> list[tuple[str, list[str]]]:
    """(row label, cell per group) for every value row, in the registry's order."""
    codes = [g["id"] for g in module["groups"]]
    rows = []
    for measure in module.get("measures", []):
        categories = [
            (klass.get("title", ""), category)
            for klass in measure.get("classes", [])
            for category in klass.get("categories", [])
        ]
        for class_title, category in categories:
            by_group = {v["groupId"]: v for v in category.get("measurements", [])}
            label = " · ".join(p for p in (class_title, category.get("title", "")) if p)
            denoms = measure.get("denoms") or any(k.get("denoms") for k in measure["classes"])
            if len(categories) == 1 and not label and not denoms:
                label = measure["title"]  # a one-line measure sits under its own title
            rows.append((label or "Value", [value_cell(by_group.get(c)) for c in codes]))
    return rows


@pytest.mark.parametrize(("path", "nct_id"), STUDIES, ids=[s[1] for s in STUDIES])
def test_flow_and_baseline_appear_on_the_trial_page_as_the_registry_states_them(
    client, ctgov_samples, path, nct_id
):
    run_import("--from-file", path)
    results = raw_study(path, nct_id)["resultsSection"]
    flow, baseline = results["participantFlowModule"], results["baselineCharacteristicsModule"]
    html = client.get(Trial.objects.get(nct_id=nct_id).get_absolute_url()).content.decode()

    flow_tables = tables(html, "flow-table")
    assert [t.caption for t in flow_tables] == [p.get("title", "") for p in flow["periods"]]
    group_titles = [g["title"] for g in flow["groups"]]
    shown, notes = [], []
    for table in flow_tables:
        assert table.columns == ["Milestone", *group_titles]
        assert table.region_label == f"Participant flow: {table.caption}"
        shown += [(table.caption, r.header.casefold(), r.cells) for r in table.rows if r.cells]
        notes += [r.full_cells for r in table.rows if r.cells]
    assert shown == page_flow_rows(flow)
    # A count's comment and its count of units (eyes, teeth, ...) are printed in its cell.
    codes = [g["id"] for g in flow["groups"]]
    expected_notes = [
        {codes.index(c["groupId"]): (c.get("numUnits", ""), c.get("comment", "")) for c in counts}
        for period in flow["periods"]
        for counts in [s["achievements"] for s in period.get("milestones", [])]
        + [s["reasons"] for s in period.get("dropWithdraws", [])]
    ]
    for cells, expected in zip(notes, expected_notes, strict=True):
        for column, (units, comment) in expected.items():
            assert units in cells[column] and " ".join(comment.split()) in cells[column]

    (table,) = tables(html, "baseline-table")
    assert table.columns == ["Characteristic", *[g["title"] for g in baseline["groups"]]]
    value_rows = [
        (r.header, r.cells)
        for r in table.rows
        if r.cells and "number analysed" not in r.header.casefold()
    ]
    assert value_rows == page_baseline_rows(baseline)
    analysed = [r.cells for r in table.rows if r.header.startswith("Overall number analysed")]
    codes = [g["id"] for g in baseline["groups"]]
    assert analysed == [
        [next(c["value"] for c in d["counts"] if c["groupId"] == code) for code in codes]
        for d in baseline["denoms"]
    ]


@pytest.mark.parametrize(("path", "nct_id"), STUDIES, ids=[s[1] for s in STUDIES])
def test_each_outcome_shows_its_analysis_population(client, ctgov_samples, path, nct_id):
    run_import("--from-file", path)
    html = client.get(Trial.objects.get(nct_id=nct_id).get_absolute_url()).content.decode()
    blocks = html.split('<details class="result"')[1:]
    measures = raw_study(path, nct_id)["resultsSection"]["outcomeMeasuresModule"]
    assert len(blocks) == len(measures["outcomeMeasures"])
    for block, measure in zip(blocks, measures["outcomeMeasures"], strict=True):
        text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", block)))
        population = measure.get("populationDescription", "").strip() or "not given"
        assert "Analysis population: " + re.sub(r"\s+", " ", population) in text


def test_the_pk_outcome_with_no_one_analysed_says_why(client, ctgov_samples):
    (path,) = [p for p, nct_id in STUDIES if nct_id == "NCT02552212"]
    run_import("--from-file", path)
    outcome = ResultOutcome.objects.get(
        trial__nct_id="NCT02552212", title__endswith="Plasma Concentration at Baseline"
    )
    assert outcome.groups.filter(participants=0).exists()
    html = client.get("/trials/NCT02552212/").content.decode()
    title = f'<span class="result-title">{escape(outcome.title)}</span>'
    block = html.split(title)[1].split('<details class="result"')[0]
    assert "n = 0" in block
    assert "Analysis population:</strong> The Safety Set (SS) consisted of" in block


def test_a_second_import_changes_no_flow_or_baseline_row(ctgov_samples):
    paths = sorted({path for path, _ in STUDIES})

    def snapshot():
        return (
            list(FlowCount.objects.order_by("pk").values_list("pk", "subjects_raw")),
            list(BaselineValue.objects.order_by("pk").values_list("pk", "value_raw")),
            list(BaselineDenominator.objects.order_by("pk").values_list("pk", "value_raw")),
        )

    run_import("--from-file", *paths)
    before, changes = snapshot(), TrialChange.objects.count()
    out, _ = run_import("--from-file", *paths)
    assert f"created 0, updated 0, unchanged {len(STUDIES)}, errors 0" in out
    assert snapshot() == before and TrialChange.objects.count() == changes
    # A forced re-import rewrites the rows but, the values being equal, logs no change.
    run_import("--force", "--from-file", *paths)
    assert [row[1:] for row in snapshot()[0]] == [row[1:] for row in before[0]]
    assert not TrialChange.objects.filter(
        field__in=["participant flow", "baseline characteristics"]
    ).exists()
