"""Every real sample study, field by field: the raw API JSON, the stored trial, and its page.

One test per study in $CTGOV_SAMPLES_DIR/v2 (list pages give one per study). Each imports
the study through the upsert layer (topic guard off, so every sample is public), then
checks that what the registry says is what the database holds and what a reader sees,
with each date's type and the enrollment's type beside their values.
"""

import html
import json
import re

import pytest

from tests.conftest import samples_dir
from trials.choices import EnrollmentType, OverallStatus, label_for
from trials.ctgov.parse import studies_in_document
from trials.ctgov.parse_protocol import country_code
from trials.ctgov.upsert import upsert_study
from trials.dates import date_type_label, parse_partial_date
from trials.models import Trial

DATES = {
    "startDateStruct": ("start_date", "Start"),
    "primaryCompletionDateStruct": ("primary_completion_date", "Primary completion"),
    "completionDateStruct": ("completion_date", "Completion"),
    "studyFirstPostDateStruct": ("first_posted", "First posted"),
    "lastUpdatePostDateStruct": ("last_update_posted", "Registry last changed"),
    "resultsFirstPostDateStruct": ("results_first_posted", "Results"),
}


def _cases():
    folder = samples_dir() / "v2"
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        studies = studies_in_document(json.loads(path.read_text(encoding="utf-8")), path.name)
        for index, study in enumerate(studies):
            nct_id = study["protocolSection"]["identificationModule"]["nctId"]
            yield pytest.param(path.name, index, id=f"{nct_id}-{path.stem[-20:]}")


def _study(name: str, index: int) -> dict:
    path = samples_dir() / "v2" / name
    return studies_in_document(json.loads(path.read_text(encoding="utf-8")), name)[index]


def page_text(response) -> str:
    """The page as a reader sees it: no tags, entities decoded, whitespace collapsed."""
    assert response.status_code == 200
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(content))


def words(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip())


def module(study: dict, name: str) -> dict | None:
    return study.get("protocolSection", {}).get(name)


@pytest.fixture
def imported(db, settings, ctgov_samples):
    settings.CTGOV_TOPIC_TERMS = []  # the samples are not MDMA studies; show them all

    def load(name: str, index: int):
        raw = _study(name, index)
        upsert_study(raw, publish=True)
        return raw, Trial.objects.get(
            nct_id=raw["protocolSection"]["identificationModule"]["nctId"]
        )

    return load


@pytest.mark.parametrize("name, index", list(_cases()))
def test_registry_facts_are_stored_and_shown_as_the_registry_states_them(
    imported, client, name, index
):
    raw, trial = imported(name, index)
    page = page_text(client.get(trial.get_absolute_url()))
    check_titles(raw, trial, page)
    check_status(raw, trial, page)
    check_dates(raw, trial, page)
    check_enrollment_and_phases(raw, trial, page)
    check_conditions(raw, trial, page)
    check_interventions(raw, trial, page)
    check_sites(raw, trial, page)
    check_secondary_ids(raw, trial, page)
    check_outcome_measures(raw, trial, page)
    check_results_state(raw, trial, page)


def check_titles(raw, trial, page):
    ident = module(raw, "identificationModule")
    assert trial.brief_title == ident["briefTitle"].strip()
    assert words(trial.brief_title) in page
    if official := ident.get("officialTitle"):
        assert trial.official_title == official.strip()
        assert words(official) in page


def check_status(raw, trial, page):
    status = module(raw, "statusModule")
    if status is None:
        assert trial.overall_status == "" and "Status Not given" in page
        return
    assert trial.overall_status == status.get("overallStatus", "")
    assert trial.last_known_status == status.get("lastKnownStatus", "")
    shown = label_for(OverallStatus, trial.overall_status)
    if status.get("lastKnownStatus"):
        last = label_for(OverallStatus, status["lastKnownStatus"]).lower()
        shown += f" — last known: {last}, verified {status['statusVerifiedDate']}"
    assert f"Status {shown}" in page
    if verified := status.get("statusVerifiedDate"):
        assert f"status verified {verified}" in page


def check_dates(raw, trial, page):
    status = module(raw, "statusModule") or {}
    for key, (field, label) in DATES.items():
        struct = status.get(key) or {}
        expected = parse_partial_date(struct.get("date"))
        assert getattr(trial, field) == expected.date, field
        assert getattr(trial, f"{field}_type") == struct.get("type", ""), field
        if expected.date is None:
            continue
        text = struct["date"]
        shown = f"{text} ({date_type_label(struct['type'])})" if struct.get("type") else text
        if field in ("start_date", "primary_completion_date", "completion_date"):
            assert f"{label} {shown}" in page, field
        else:
            assert shown in page, field
        if struct.get("type") not in (None, "ACTUAL"):
            # A planned date never appears on the page without its type.
            for match in re.finditer(re.escape(text) + r"(?![\d-])", page):
                after = page[match.end() : match.end() + 14]
                assert after.startswith(f" ({date_type_label(struct['type'])})"), (field, after)


def check_enrollment_and_phases(raw, trial, page):
    design = module(raw, "designModule")
    if design is None:
        assert trial.enrollment is None and "Enrollment Not given" in page
        return
    info = design.get("enrollmentInfo") or {}
    assert trial.enrollment == info.get("count")
    assert trial.enrollment_type == info.get("type", "")
    if info.get("count") is not None:
        kind = f" ({label_for(EnrollmentType, info['type'])})" if info.get("type") else ""
        assert f"Enrollment {info['count']} participants{kind}" in page
    codes = list(trial.phases.values_list("code", flat=True))
    assert sorted(codes) == sorted(set(design.get("phases") or []))
    labels = "/".join(trial.phases.values_list("label", flat=True)) or "Phase not given"
    assert f"Phase {labels}" in page


def check_conditions(raw, trial, page):
    conditions = module(raw, "conditionsModule")
    stored = set(trial.conditions.values_list("name", flat=True))
    if conditions is None:
        assert not stored and "Conditions Not given" in page
        return
    expected = {c.strip() for c in conditions.get("conditions") or []}
    assert {s.casefold() for s in stored} == {e.casefold() for e in expected}
    for name in stored:
        assert words(name) in page


def check_interventions(raw, trial, page):
    arms = module(raw, "armsInterventionsModule")
    stored = {i.name: i for i in trial.interventions.all()}
    if arms is None:
        assert not stored
        return
    for item in arms.get("interventions") or []:
        name = item["name"].strip()
        assert name in stored, name
        others = [n.strip() for n in item.get("otherNames") or []]
        assert stored[name].other_names == others, name
        assert words(name) in page
        for other in others:
            assert words(other) in page, other


def check_sites(raw, trial, page):
    contacts = module(raw, "contactsLocationsModule")
    stored = list(trial.sites.values_list("facility", "country", "country_code"))
    if contacts is None:
        assert not stored
        return
    expected = [
        (loc.get("facility", "").strip(), loc.get("country", "").strip())
        for loc in contacts.get("locations") or []
    ]
    assert sorted((f, c) for f, c, _ in stored) == sorted(expected)
    for facility, country, code in stored:
        assert code == country_code(country)
        if facility:
            assert words(facility) in page, facility
    if not stored:
        assert "No sites listed." in page


def check_secondary_ids(raw, trial, page):
    ident = module(raw, "identificationModule")
    stored = set(trial.identifiers.values_list("value", flat=True))
    for info in ident.get("secondaryIdInfos") or []:
        value = info["id"].strip()
        if value.upper() == trial.nct_id:
            continue
        assert value in stored, value
        assert words(value) in page, value
    if org_id := (ident.get("orgStudyIdInfo") or {}).get("id"):
        assert org_id.strip() in stored and words(org_id) in page


def check_outcome_measures(raw, trial, page):
    outcomes = module(raw, "outcomesModule")
    stored = list(trial.outcome_measures.values_list("measure", "time_frame"))
    if outcomes is None:
        assert not stored
        return
    expected = [
        (o.get("measure", "").strip(), o.get("timeFrame", "").strip())
        for key in ("primaryOutcomes", "secondaryOutcomes", "otherOutcomes")
        for o in outcomes.get(key) or []
    ]
    assert sorted(stored) == sorted(expected)
    for measure, time_frame in stored:
        assert words(measure) in page
        if time_frame:
            assert words(time_frame) in page


def check_results_state(raw, trial, page):
    lowered = page.lower()
    if raw.get("hasResults") is True:
        assert trial.results_status == "posted"
        assert "Results Posted" in page
    elif raw.get("hasResults") is False:
        assert trial.results_status == "not_posted"
        assert "the registry says no results are posted" in page
    else:
        # A partial record says nothing about results: the page must not say "no".
        assert trial.results_status is None
        assert "Results Not known" in page
        assert "no results" not in lowered and "not posted" not in lowered


def test_the_samples_are_all_covered():
    """The table above is not silently empty (32 studies across 22 files)."""
    if not (samples_dir() / "v2").is_dir():
        pytest.skip("samples not found")
    assert len(list(_cases())) >= 32
