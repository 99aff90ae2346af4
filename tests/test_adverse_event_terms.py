"""Every posted adverse-event term, with its counts per group, the frequency threshold and the
time frame, is stored and shown as the registry states it (issue 10, item 4)."""

import copy
import json
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial.models import State
from tests.ctgov_studies import mdma_study, run_import
from trials.ae_tables import Cell
from trials.ctgov.parse_adverse_events import adverse_events
from trials.ctgov.records import ParseError
from trials.models import AdverseEvent, AdverseEventCount, AdverseEventReport, Trial, TrialChange

KINDS = {"seriousEvents": "serious", "otherEvents": "other"}


def sample_studies(samples) -> dict[str, dict]:
    """NCT id -> study, for every sample study whose results carry an adverse-events module."""
    found = {}
    for path in sorted((samples / "v2").glob("*.json")):
        document = json.loads(path.read_text())
        for study in document.get("studies", [document]):
            module = (study.get("resultsSection") or {}).get("adverseEventsModule")
            if module:
                nct_id = study["protocolSection"]["identificationModule"]["nctId"]
                found[nct_id] = study
    return found


def expected_terms(study: dict) -> list[tuple]:
    module = study["resultsSection"]["adverseEventsModule"]
    return sorted(
        (
            kind,
            e["term"],
            e.get("organSystem", ""),
            e.get("sourceVocabulary", ""),
            e.get("assessmentType", ""),
            tuple(
                (s["groupId"], s.get("numAffected"), s.get("numAtRisk"), s.get("numEvents"))
                for s in sorted(e.get("stats", []), key=lambda s: s["groupId"])
            ),
        )
        for key, kind in KINDS.items()
        for e in module.get(key, [])
    )


def stored_terms(nct_id: str) -> list[tuple]:
    events = AdverseEvent.objects.filter(trial__nct_id=nct_id).prefetch_related("counts")
    return sorted(
        (
            e.seriousness,
            e.term,
            e.organ_system,
            e.source_vocabulary,
            e.assessment_type,
            tuple(
                (c.group_code, c.num_affected, c.num_at_risk, c.num_events)
                for c in sorted(e.counts.all(), key=lambda c: c.group_code)
            ),
        )
        for e in events
    )


class AdverseEventTableReader(HTMLParser):
    """(kind, organ system, term, [cell texts]) for each row of the page's term tables."""

    def __init__(self):
        super().__init__()
        self.rows, self.kind, self.system, self.row, self.cell = [], None, None, None, None
        self.depth_in_subtitle = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-ae-kind" in attrs:
            self.kind = attrs["data-ae-kind"]
        elif self.kind and tag == "tr":
            self.row = []
        elif self.kind and tag in ("th", "td") and self.row is not None:
            self.cell = {"tag": tag, "scope": attrs.get("scope"), "text": ""}
        elif tag == "span" and "subtitle" in (attrs.get("class") or ""):
            self.depth_in_subtitle += 1

    def handle_endtag(self, tag):
        if tag == "span" and self.depth_in_subtitle:
            self.depth_in_subtitle -= 1
        elif tag in ("th", "td") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row and self.row[0]["scope"] == "rowgroup":
                self.system = self.row[0]["text"].strip()
            elif self.row and self.row[0]["scope"] == "row":
                cells = [c["text"].strip() for c in self.row[1:]]
                self.rows.append((self.kind, self.system, self.row[0]["text"].strip(), cells))
            self.row = None
        elif tag == "table":
            self.kind = None

    def handle_data(self, data):
        if self.cell is not None and not self.depth_in_subtitle:
            self.cell["text"] += data


def page_rows(client, nct_id: str) -> list[tuple]:
    response = client.get(f"/trials/{nct_id}/")
    assert response.status_code == 200
    reader = AdverseEventTableReader()
    reader.feed(response.content.decode())
    return sorted(reader.rows)


def expected_rows(study: dict) -> list[tuple]:
    module = study["resultsSection"]["adverseEventsModule"]
    codes = [g["id"] for g in module["eventGroups"]]
    rows = []
    for key, kind in KINDS.items():
        for e in module.get(key, []):
            stats = {s["groupId"]: s for s in e.get("stats", [])}
            cells = [
                Cell(s.get("numAffected"), s.get("numAtRisk"), s.get("numEvents")).text
                if (s := stats.get(code))
                else "not given"
                for code in codes
            ]
            rows.append((kind, e.get("organSystem", ""), e["term"], cells))
    return sorted(rows)


def test_parser_keeps_every_term_with_its_counts(ctgov_samples):
    studies = sample_studies(ctgov_samples)
    parsed = adverse_events(
        studies["NCT02513394"]["resultsSection"]["adverseEventsModule"], "NCT02513394"
    )
    assert (len(parsed.serious), len(parsed.other)) == (341, 1688)
    anaemia = parsed.serious[0]
    assert (anaemia.term, anaemia.organ_system, anaemia.source_vocabulary) == (
        "Anaemia",
        "Blood and lymphatic system disorders",
        "MedDRA 23.1",
    )
    assert anaemia.assessment_type == "SYSTEMATIC_ASSESSMENT"
    assert [
        (c.group_code, c.num_affected, c.num_at_risk, c.num_events) for c in anaemia.counts
    ] == [
        ("EG000", 3, 2841, 3),
        ("EG001", 0, 2902, 0),
    ]
    assert (parsed.frequency_threshold_raw, parsed.frequency_threshold) == ("0", 0.0)
    assert parsed.time_frame == "4 years"


@pytest.mark.parametrize("bad", ["three", 2.5, True, {"n": 1}])
def test_a_count_that_is_not_a_whole_number_fails_the_study_by_name(bad):
    module = {"seriousEvents": [{"term": "Nausea", "stats": [{"groupId": "EG000"}]}]}
    module["seriousEvents"][0]["stats"][0]["numAffected"] = bad
    with pytest.raises(ParseError, match="NCT09900001.*Nausea.*numAffected"):
        adverse_events(module, "NCT09900001")


def test_a_missing_module_is_unknown_and_an_empty_one_has_no_terms():
    assert adverse_events(None, "NCT09900001") is None
    parsed = adverse_events({"frequencyThreshold": "5"}, "NCT09900001")
    assert parsed.events == () and parsed.frequency_threshold == 5.0


def test_every_sample_term_is_stored_and_shown_with_its_counts(db, client, ctgov_samples):
    studies = sample_studies(ctgov_samples)
    run_import("--from-file", *sorted(str(p) for p in (ctgov_samples / "v2").glob("*.json")))
    # The topic guard may hold off-topic samples as drafts; this test is about fidelity.
    Trial.objects.filter(nct_id__in=studies).update(state=State.PUBLISHED)
    assert len(stored_terms("NCT02513394")) == 341 + 1688
    for nct_id, study in studies.items():
        assert stored_terms(nct_id) == expected_terms(study), nct_id
        module = study["resultsSection"]["adverseEventsModule"]
        report = AdverseEventReport.objects.get(trial__nct_id=nct_id)
        assert report.frequency_threshold_raw == module.get("frequencyThreshold", "")
        assert report.time_frame == module.get("timeFrame", "")
        assert report.description == module.get("description", "")
        assert page_rows(client, nct_id) == expected_rows(study), nct_id
    unlinked = AdverseEventCount.objects.filter(group__isnull=True)
    assert not unlinked.exists(), "every sample count names one of its event groups"


def test_page_states_threshold_and_time_frame(db, client, ctgov_samples, tmp_path):
    study = sample_studies(ctgov_samples)["NCT02552212"]
    run_import("--from-file", write(tmp_path, study))
    Trial.objects.filter(nct_id="NCT02552212").update(state=State.PUBLISHED)
    content = " ".join(client.get("/trials/NCT02552212/").content.decode().split())
    assert (
        "other (not serious) adverse events reported at ≥ 5% frequency in any group. "
        "Time frame: From Baseline up to the End of Safety Follow-up Extension Period "
        "(up to Week 156)." in content
    )
    assert "Serious adverse events: 36 terms in" in content
    assert '<div class="table-scroll" role="region" aria-label="Serious adverse events' in content


def write(tmp_path, study: dict) -> str:
    path = tmp_path / f"{study['protocolSection']['identificationModule']['nctId']}.json"
    path.write_text(json.dumps(study))
    return str(path)


def test_page_query_count_does_not_grow_with_the_number_of_terms(
    db, client, ctgov_samples, tmp_path
):
    study = sample_studies(ctgov_samples)["NCT02513394"]
    run_import("--from-file", write(tmp_path, study))
    Trial.objects.update(state=State.PUBLISHED)
    counts = []
    for keep in (2029, 1):
        AdverseEvent.objects.exclude(
            pk__in=AdverseEvent.objects.order_by("pk").values("pk")[:keep]
        ).delete()
        with CaptureQueriesContext(connection) as queries:
            content = client.get("/trials/NCT02513394/").content.decode()
        assert content.count('<th scope="row">') >= keep
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_changed_terms_replace_the_old_ones_and_are_logged(db, tmp_path):
    record = mdma_study()
    module = record["resultsSection"].setdefault("adverseEventsModule", {})
    module["otherEvents"] = [
        {
            "term": "Nausea",
            "organSystem": "Gastrointestinal disorders",
            "sourceVocabulary": "MedDRA 26.0",
            "assessmentType": "SYSTEMATIC_ASSESSMENT",
            "stats": [{"groupId": "EG000", "numAffected": 4, "numAtRisk": 46}],
        }
    ]
    path = write(tmp_path, record)
    run_import("--from-file", path)
    first = stored_terms("NCT09900001")
    revised = copy.deepcopy(record)
    revised["resultsSection"]["adverseEventsModule"]["otherEvents"][0]["stats"][0][
        "numAffected"
    ] = 5
    run_import("--from-file", write(tmp_path, revised))
    assert first[0][5][0][1] == 4
    assert stored_terms("NCT09900001") == expected_terms(revised)
    assert AdverseEvent.objects.count() == 1
    assert TrialChange.objects.filter(
        field="results", new_value__contains="values revised"
    ).exists()


def test_trials_imported_before_terms_were_stored_get_them_from_their_raw_json(
    db, ctgov_samples, tmp_path
):
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("trials.migrations.0010_backfill_adverse_event_terms")
    study = sample_studies(ctgov_samples)["NCT02552212"]
    run_import("--from-file", write(tmp_path, study))
    AdverseEvent.objects.all().delete()
    AdverseEventReport.objects.all().delete()
    backfill.backfill(apps, None)
    backfill.backfill(apps, None)  # a second run adds nothing
    assert stored_terms("NCT02552212") == expected_terms(study)
    assert AdverseEventReport.objects.get().time_frame.startswith("From Baseline")
    assert not AdverseEventCount.objects.filter(group__isnull=True).exists()
