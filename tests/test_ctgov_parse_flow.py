"""Parsing participant flow and baseline characteristics: numbers only when the text is
plainly one, the registry's text always, and a clear refusal for a wrong JSON type."""

import copy
import re

import pytest

from tests.ctgov_studies import mdma_study
from trials.ctgov.parse import ParseError, parse_study
from trials.ctgov.parse_flow import baseline, clear_count, clear_number, participant_flow

NCT = "NCT09900001"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("37.4", 37.4),
        ("-0.7", -0.7),
        (".33", 0.33),
        ("0", 0.0),
        ("+2", 2.0),
        ("1e3", 1000.0),
        ("1,234", 1234.0),
        ("12,345.6", 12345.6),
        (" 17 ", 17.0),
        ("1,5", None),  # decimal comma or a mistyped thousands separator: unsure
        ("12,34", None),
        ("NA", None),
        ("<5", None),
        ("≤0.1", None),
        ("5%", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        ("1_000", None),
        ("3 to 5", None),
    ],
)
def test_a_value_gets_a_number_only_when_it_plainly_is_one(text, number):
    assert clear_number(text) == number


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("158", 158),
        ("0", 0),
        ("1,200", 1200),
        ("-1", None),
        ("1.5", None),
        ("12.0", None),
        ("NA", None),
        ("", None),
        ("~20", None),
    ],
)
def test_a_count_gets_a_number_only_when_it_plainly_is_a_whole_count(text, count):
    assert clear_count(text) == count


FLOW = {
    "recruitmentDetails": "Recruited at two sites.",
    "typeUnitsAnalyzed": "Eyes",
    "groups": [{"id": "FG000", "title": "MDMA", "description": "80 mg"}],
    "periods": [
        {
            "title": "Overall Study",
            "milestones": [
                {
                    "type": "STARTED",
                    "comment": "All randomised",
                    "achievements": [{"groupId": "FG000", "numSubjects": "12", "numUnits": "24"}],
                },
                {"type": "COMPLETED", "achievements": [{"groupId": "FG000", "numSubjects": "NA"}]},
            ],
            "dropWithdraws": [
                {"type": "Lost to Follow-up", "reasons": [{"groupId": "FG000", "numSubjects": 2}]}
            ],
        }
    ],
}


def test_flow_keeps_every_count_as_text_beside_its_number():
    flow = participant_flow({"participantFlowModule": FLOW}, NCT)
    assert flow.recruitment_details == "Recruited at two sites."
    assert flow.type_units_analyzed == "Eyes"
    (period,) = flow.periods
    started, completed, lost = period.steps
    assert (started.kind, started.step_type, started.comment) == (
        "milestone",
        "STARTED",
        "All randomised",
    )
    assert started.counts[0].subjects_raw == "12" and started.counts[0].subjects == 12
    assert started.counts[0].units_raw == "24" and started.counts[0].units == 24
    assert completed.counts[0].subjects_raw == "NA" and completed.counts[0].subjects is None
    # An old dump's unquoted number keeps its exact text.
    assert (lost.kind, lost.counts[0].subjects_raw, lost.counts[0].subjects) == (
        "drop_withdraw",
        "2",
        2,
    )


BASELINE = {
    "populationDescription": "All randomised",
    "groups": [{"id": "BG000", "title": "MDMA"}, {"id": "BG001", "title": "Total"}],
    "denoms": [{"units": "Participants", "counts": [{"groupId": "BG000", "value": "12"}]}],
    "measures": [
        {
            "title": "Age",
            "paramType": "GEOMETRIC_MEAN",
            "dispersionType": "FULL_RANGE",
            "unitOfMeasure": "years",
            "calculatePct": False,
            "denoms": [{"units": "Participants", "counts": [{"groupId": "BG000", "value": "11"}]}],
            "classes": [
                {
                    "title": "Site A",
                    "denoms": [{"units": "Eyes", "counts": [{"groupId": "BG000", "value": "20"}]}],
                    "categories": [
                        {
                            "title": "Adults",
                            "measurements": [
                                {
                                    "groupId": "BG000",
                                    "value": "41.5",
                                    "lowerLimit": "NA",
                                    "upperLimit": "1,5",
                                    "comment": "NA: too few",
                                }
                            ],
                        }
                    ],
                }
            ],
        }
    ],
}


def test_baseline_keeps_values_limits_and_every_level_of_denominator():
    data = baseline({"baselineCharacteristicsModule": BASELINE}, NCT)
    assert data.population_description == "All randomised"
    assert [(g.code, g.title) for g in data.groups] == [("BG000", "MDMA"), ("BG001", "Total")]
    assert [(d.measure_index, d.class_index, d.units, d.value_raw) for d in data.denominators] == [
        (None, None, "Participants", "12"),
        (0, None, "Participants", "11"),
        (0, 0, "Eyes", "20"),
    ]
    (measure,) = data.measures
    assert (measure.param_type, measure.dispersion_type, measure.calculate_pct) == (
        "GEOMETRIC_MEAN",
        "FULL_RANGE",
        False,
    )
    (value,) = measure.values
    assert (value.class_title, value.category, value.value_raw, value.value) == (
        "Site A",
        "Adults",
        "41.5",
        41.5,
    )
    assert (value.lower_raw, value.lower, value.upper_raw, value.upper) == ("NA", None, "1,5", None)
    assert value.comment == "NA: too few"


def test_a_record_without_flow_or_baseline_parses_to_none():
    assert participant_flow({}, NCT) is None
    assert baseline({"outcomeMeasuresModule": {}}, NCT) is None


@pytest.mark.parametrize(
    ("module", "change", "field"),
    [
        ("participantFlowModule", lambda m: m.update(periods="Overall Study"), "periods"),
        ("participantFlowModule", lambda m: m.update(groups=["FG000"]), "groups[0]"),
        (
            "participantFlowModule",
            lambda m: m["periods"][0]["milestones"][0]["achievements"][0].update(numSubjects=[12]),
            "periods[0].milestones[0].achievements[0].numSubjects",
        ),
        (
            "baselineCharacteristicsModule",
            lambda m: m["measures"][0].update(calculatePct="yes"),
            "measures[0].calculatePct",
        ),
        (
            "baselineCharacteristicsModule",
            lambda m: m["measures"][0]["classes"][0].update(categories={"title": "Adults"}),
            "measures[0].classes[0].categories",
        ),
        ("baselineCharacteristicsModule", lambda m: m.update(measures=None, denoms="12"), "denoms"),
    ],
)
def test_a_wrong_json_type_is_refused_naming_the_study_and_the_field(module, change, field):
    record = mdma_study(NCT)
    sample = {"participantFlowModule": FLOW, "baselineCharacteristicsModule": BASELINE}[module]
    record["resultsSection"][module] = copy.deepcopy(sample)
    change(record["resultsSection"][module])
    with pytest.raises(
        ParseError, match=rf"{NCT}: (field )?resultsSection\.{module}\.{re.escape(field)} "
    ):
        parse_study(record)
