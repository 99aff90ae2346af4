"""The registry's adverse events across published trials (/safety/adverse-events/): counts
equal the real API JSON, filters, CSV, drafts kept out, and MDMA-versus-placebo pooling."""

import copy
import csv
import io
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial.models import State
from evidence.harms import Arms, mh_risk_difference, mh_risk_ratio
from evidence.safety_tables import MDMA, OTHER, PLACEBO, arm_role
from tests.ctgov_studies import mdma_study, run_import
from tests.test_adverse_event_terms import KINDS, sample_studies, write
from trials.ae_tables import Cell
from trials.models import Trial

URL = "/safety/adverse-events/"


class CrossTableReader(HTMLParser):
    """{(seriousness, organ system, term): {(nct, group): cell text}} from the page."""

    def __init__(self):
        super().__init__()
        self.columns, self.rows = [], {}
        self.in_table = False
        self.row = self.cell = None
        self.subtitle = 0
        self.system = None  # the organ-system heading the next rows sit under

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "ae-cross" in (attrs.get("class") or ""):
            self.in_table = True
        if not self.in_table:
            return
        if tag == "th" and "data-trial" in attrs:
            self.columns.append((attrs["data-trial"], attrs["data-group"]))
        elif tag == "tr" and "organ-system" in (attrs.get("class") or ""):
            self.row = {"heading": True, "cells": []}
        elif tag == "tr" and "data-seriousness" in attrs:
            self.row = {"kind": attrs["data-seriousness"], "cells": []}
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""
        elif tag == "span" and "subtitle" in (attrs.get("class") or ""):
            self.subtitle += 1

    def handle_endtag(self, tag):
        if not self.in_table:
            return
        if tag == "span" and self.subtitle:
            self.subtitle -= 1
        elif tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row["cells"].append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None and self.row.get("heading"):
            self.system = self.row["cells"][0]
            self.row = None
        elif tag == "tr" and self.row is not None:
            term, *cells = self.row["cells"]
            self.rows[(self.row["kind"], self.system, term)] = dict(
                zip(self.columns, cells, strict=True)
            )
            self.row = None
        elif tag == "table":
            self.in_table = False

    def handle_data(self, data):
        if self.cell is not None and not self.subtitle:
            self.cell += data


def read_table(client, query="") -> CrossTableReader:
    response = client.get(URL + query)
    assert response.status_code == 200
    reader = CrossTableReader()
    reader.feed(response.content.decode())
    return reader


@pytest.fixture
def imported(db, ctgov_samples, tmp_path):
    studies = sample_studies(ctgov_samples)
    run_import("--from-file", *(write(tmp_path, study) for study in studies.values()))
    # The topic guard may hold off-topic samples as drafts; these tests are about the table.
    Trial.objects.filter(nct_id__in=studies).update(state=State.PUBLISHED)
    return studies


def test_every_count_in_the_cross_trial_table_equals_the_registry_json(client, imported):
    reader = read_table(client)
    for nct_id, study in imported.items():
        module = study["resultsSection"]["adverseEventsModule"]
        for key, kind in KINDS.items():
            for event in module.get(key, []):
                system = event.get("organSystem") or "Organ system not given"
                row = reader.rows[(kind, system, event["term"])]
                for s in event["stats"]:
                    expected = Cell(s.get("numAffected"), s.get("numAtRisk"), None).text
                    assert row[(nct_id, s["groupId"])] == expected, (nct_id, event["term"])
    serious_palbociclib = [k for k in reader.rows if k[0] == "serious"]
    assert len(serious_palbociclib) >= 341


def test_filters_narrow_the_table(client, imported):
    serious = read_table(client, "?seriousness=serious&trial=NCT02513394")
    assert len(serious.rows) == 341
    assert {c[0] for c in serious.columns} == {"NCT02513394"}
    system = "Cardiac disorders"
    cardiac = read_table(client, f"?organ_system={system}")
    assert cardiac.rows and all(k[1] == system for k in cardiac.rows)
    phase2 = read_table(client, "?phase=PHASE2")
    assert {c[0] for c in phase2.columns} == {"NCT02210780"}


@pytest.mark.parametrize(
    "query",
    [
        "?seriousness=fatal",
        "?trial=NCT123",
        "?phase=PHASE9",
        "?organ_system=" + "x" * 300,
        "?format=xlsx",
    ],
)
def test_bad_filters_answer_400_naming_the_parameter(client, imported, query):
    response = client.get(URL + query)
    assert response.status_code == 400
    name = query[1:].split("=")[0]
    assert f"<code>{name}</code>" in response.content.decode()


def test_csv_has_every_term_with_its_counts(client, imported):
    response = client.get(URL + "?trial=NCT02552212&format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    module = imported["NCT02552212"]["resultsSection"]["adverseEventsModule"]
    assert len(body) == len(module["seriousEvents"]) + len(module["otherEvents"])
    first = module["seriousEvents"][0]
    line = next(r for r in body if r[0] == "serious" and r[2] == first["term"])
    for s in first["stats"]:
        column = next(
            i for i, h in enumerate(header) if h.startswith(f"NCT02552212 {s['groupId']} ")
        )
        assert line[column : column + 2] == [str(s["numAffected"]), str(s["numAtRisk"])]


def test_draft_trials_are_kept_out_of_the_table_and_csv(client, imported):
    Trial.objects.filter(nct_id="NCT02552212").update(state=State.DRAFT)
    reader = read_table(client)
    assert not any(c[0] == "NCT02552212" for c in reader.columns)
    csv_text = b"".join(client.get(URL + "?format=csv").streaming_content).decode("utf-8-sig")
    assert "NCT02552212" not in csv_text


def test_query_count_does_not_grow_with_trials(client, imported):
    def count(query):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL + query).status_code == 200
        return len(queries)

    assert count("?trial=NCT02210780") == count("")


def test_groups_are_labelled_from_arms_then_their_own_words():
    assert arm_role("Placebo with therapy", "Inactive placebo instead of MDMA") == PLACEBO
    assert arm_role("MDMA-assisted therapy") == MDMA
    assert arm_role("Dupilumab 300 mg qw") == OTHER
    assert arm_role("Arm 1", "Midomafetamine 120 mg") == MDMA


def _mdma_trial(nct_id: str, nausea: tuple[int, int, int, int], time_frame: str) -> dict:
    record = mdma_study(nct_id)
    module = record["resultsSection"]["adverseEventsModule"]
    module["timeFrame"] = time_frame
    module["frequencyThreshold"] = "5"
    # One MDMA and one placebo group: the fixture's groups are EG000 MDMA, EG001 placebo.
    module["otherEvents"] = [
        {
            "term": "Nausea",
            "organSystem": "Gastrointestinal disorders",
            "sourceVocabulary": "MedDRA 26.0",
            "assessmentType": "SYSTEMATIC_ASSESSMENT",
            "stats": [
                {"groupId": "EG000", "numAffected": nausea[0], "numAtRisk": nausea[1]},
                {"groupId": "EG001", "numAffected": nausea[2], "numAtRisk": nausea[3]},
            ],
        }
    ]
    return copy.deepcopy(record)


def test_comparative_harms_pool_mdma_against_placebo_and_say_when_time_frames_differ(
    client, db, tmp_path
):
    first = _mdma_trial("NCT09900001", (14, 46, 5, 44), "18 weeks")
    second = _mdma_trial("NCT09900002", (3, 30, 0, 30), "From enrolment to 12 months")
    run_import("--from-file", write(tmp_path, first), write(tmp_path, second))
    content = " ".join(client.get(URL).content.decode().split())
    arms = [Arms("a", 14, 46, 5, 44), Arms("b", 3, 30, 0, 30)]
    rr, rd = mh_risk_ratio(arms), mh_risk_difference(arms)
    assert f"{rr.estimate:.2f} ({rr.low:.2f} to {rr.high:.2f}), k = 2" in content
    assert f"{rd.estimate:.3f} ({rd.low:.3f} to {rd.high:.3f}), k = 2" in content
    assert "0.5 added to each cell" in content
    assert "Pooled across different time frames:</strong> 18 weeks; From enrolment" in content


def test_a_single_trial_is_not_pooled(client, db, tmp_path):
    run_import("--from-file", write(tmp_path, _mdma_trial("NCT09900001", (14, 46, 5, 44), "x")))
    content = client.get(URL).content.decode()
    assert "No term is reported in two or more" in content


def test_forest_plot_of_a_pooled_term_on_request(client, db, tmp_path):
    first = _mdma_trial("NCT09900001", (14, 46, 5, 44), "18 weeks")
    second = _mdma_trial("NCT09900002", (3, 30, 0, 30), "12 months")
    run_import("--from-file", write(tmp_path, first), write(tmp_path, second))
    page = client.get(URL).content.decode()
    link = "/safety/adverse-events/forest.svg?seriousness=other&amp;organ_system="
    assert link in page
    response = client.get(
        URL + "forest.svg",
        {"seriousness": "other", "organ_system": "Gastrointestinal disorders", "term": "nausea"},
    )
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    rr = mh_risk_ratio([Arms("a", 14, 46, 5, 44), Arms("b", 3, 30, 0, 30)])
    assert "Nausea" in svg and f"{rr.estimate:.2f}" in svg
    assert "12 months" in svg and "18 weeks" in svg
    assert client.get(URL + "forest.svg", {"term": "Headache"}).status_code == 404
    assert client.get(URL + "forest.svg", {"term": "x", "trial": "bad"}).status_code == 400
