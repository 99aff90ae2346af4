"""Reading doses from registry free text: initial, supplemental, range, unit, source text.

The table holds real strings: arm and intervention descriptions from the API v2
samples in ../shared/ctgov (the test checks each one is really there), and the
ways registries write MDMA doses. When the text is unclear the parser stores no
number and keeps the text.
"""

import json
from decimal import Decimal

import pytest

from trials.ctgov.doses import first_stated_dose, parse_dose

# text, unit, initial (min, max), supplemental (min, max), sessions.
# None for "not stated"; "" unit means no amount at all (the text is kept).
NONE = (None, None)
MDMA_CASES = [
    ("75 mg", "mg", ("75", "75"), NONE, None),
    ("80 mg followed by 40 mg 1.5-2 h later", "mg", ("80", "80"), ("40", "40"), None),
    ("120 mg + optional 60 mg", "mg", ("120", "120"), ("60", "60"), None),
    ("0.75 mg/kg", "mg/kg", ("0.75", "0.75"), NONE, None),
    ("125 mg (with optional supplemental 62.5 mg)", "mg", ("125", "125"), ("62.5", "62.5"), None),
    ("1,5 mg", "mg", ("1.5", "1.5"), NONE, None),
    ("up to 125 mg", "mg", (None, "125"), NONE, None),
    ("placebo", "", NONE, NONE, None),
    ("lactose", "", NONE, NONE, None),
    ("MDMA 80 mg/40 mg", "mg", ("80", "80"), ("40", "40"), None),
    ("1.5 mg/kg MDMA", "mg/kg", ("1.5", "1.5"), NONE, None),
    ("MDMA 75 mg per session", "mg", ("75", "75"), NONE, None),
    ("75-125 mg", "mg", ("75", "125"), NONE, None),
    ("75–125 mg ×2", "mg", ("75", "125"), NONE, None),
    ("80 to 120 mg", "mg", ("80", "120"), NONE, None),
    ("80/120 + 40/60 mg", "mg", ("80", "120"), ("40", "60"), None),
    ("125+62.5 mg", "mg", ("125", "125"), ("62.5", "62.5"), None),
    ("at least 80 mg", "mg", ("80", None), NONE, None),
    ("100 µg", "µg", ("100", "100"), NONE, None),
    ("Midomafetamine 120 mg in each of three sessions.", "mg", ("120", "120"), NONE, 3),
    (
        "MDMA 80 mg or 120 mg, then an optional 40 mg or 60 mg half dose.",
        "mg",
        ("80", "120"),
        ("40", "60"),
        None,
    ),
    (
        "80 mg in session 1, then 120 mg in sessions 2 and 3",
        "mg",
        ("80", "120"),
        NONE,
        None,
    ),
    (
        "Inactive placebo in each of three sessions.",
        "",
        NONE,
        NONE,
        3,
    ),
    # Unclear: no number, the text is kept.
    ("MDMA 125 mg followed by 62.5 mg", "", NONE, NONE, None),  # same session? not said
    ("MDMA 80 mg/120 mg", "", NONE, NONE, None),  # a "supplement" larger than the dose
    ("An optional supplemental dose of 62.5 mg may be given after 125 mg", "", NONE, NONE, None),
    ("MDMA 125 mg and propranolol 40 mg", "", NONE, NONE, None),
    ("187.5 mg per session in total", "", NONE, NONE, None),
]
# Real arm and intervention descriptions from ../shared/ctgov/v2 (NCT id, text).
SAMPLE_CASES = [
    ("NCT03418623", "GET73 is administered at the dose of 300 mg...", "mg", ("300", "300")),
    ("NCT03418623", "GET73 300 mg oral capsules...", "mg", ("300", "300")),
    ("NCT02210780", "Dupilumab 300 mg qw", "mg", ("300", "300")),
    ("NCT02552212", "Certolizumab Pegol 200 mg Q2W", "mg", ("200", "200")),
    (
        "NCT00763412",
        "repaglinide 0.5 mg before each meal 3-4 times a day for 2 years. All subjects had "
        "abnormal glucose tolerance.Subjects were randomized to placebo or drug.",
        "mg",
        ("0.5", "0.5"),
    ),
    # "for a total of 600 mg": a sum, not a dose.
    (
        "NCT02210780",
        "Two subcutaneous injections of Dupilumab 300 mg (for a total of 600 mg) as a loading "
        "dose on Day 1, followed by a single 300 mg injection qw from Week 1 to Week 15.",
        "",
        NONE,
    ),
    # A maintenance dose weeks later is not a same-session supplement.
    (
        "NCT02552212",
        "Certolizumab Pegol (CZP) 400 mg subcutaneous (sc) on Weeks 0, 2 and 4, followed by "
        "200 mg CZP sc every 2 weeks (Q2W) from Week 6 onwards.",
        "",
        NONE,
    ),
    # A concentration says what is in the syringe, not what is given.
    (
        "NCT02552212",
        "* Active Substance: Certolizumab Pegol\n* Pharmaceutical Form: Prefilled syringe\n"
        "* Concentration: 200 mg / ml\n* Route of Administration: Subcutaneous injection",
        "",
        NONE,
    ),
    # A daily dose is not a per-session one.
    (
        "NCT02513394",
        "Palbociclib at a dose of 125 mg orally once daily, Day 1 to Day 21 followed by 7 days "
        "off treatment in a 28-day cycle for a total duration of 2 years, in addition to "
        "standard adjuvant endocrine therapy for a duration of at least 5 years.",
        "",
        NONE,
    ),
    (
        "NCT00763412",
        "1 pill before each meal 3-4 times a day for 2 years. All subjects had abnormal glucose "
        "tolerance. Subjects were randomized to placebo or drug.",
        "",
        NONE,
    ),
    ("NCT02299791", "6 study clinics received the ALL intervention starting 6/1/11", "", NONE),
    ("NCT03475563", "(coronary artery disease)", "", NONE),
]


def _arm_and_intervention_texts(record: dict) -> set[str]:
    module = record["protocolSection"]["armsInterventionsModule"]
    items = module.get("armGroups", []) + module.get("interventions", [])
    return {item.get(key, "") for item in items for key in ("label", "name", "description")}


def _decimals(pair):
    return tuple(None if v is None else Decimal(v) for v in pair)


@pytest.mark.parametrize(("text", "unit", "initial", "supplemental", "sessions"), MDMA_CASES)
def test_a_dose_is_read_as_the_text_states_it(text, unit, initial, supplemental, sessions):
    dose = parse_dose(text)
    assert dose.source_text == text
    assert dose.unit == unit
    assert (dose.initial_min, dose.initial_max) == _decimals(initial)
    assert (dose.supplemental_min, dose.supplemental_max) == _decimals(supplemental)
    assert dose.sessions == sessions


@pytest.mark.parametrize(("nct_id", "text", "unit", "initial"), SAMPLE_CASES)
def test_registry_descriptions_from_the_samples(ctgov_samples, nct_id, text, unit, initial):
    (path,) = (ctgov_samples / "v2").glob(f"*{nct_id}.json")
    assert text in _arm_and_intervention_texts(json.loads(path.read_text())), "not a sample"
    dose = parse_dose(text)
    assert (dose.unit, dose.initial_min, dose.initial_max) == (unit, *_decimals(initial))
    assert dose.source_text == text


def test_the_table_covers_at_least_thirty_real_world_strings():
    assert len(MDMA_CASES) + len(SAMPLE_CASES) >= 30


def test_a_weight_based_dose_never_becomes_a_mg_number():
    dose = parse_dose("MDMA 1.5 mg/kg followed by 0.75 mg/kg 2 h later")
    assert dose.unit == "mg/kg"
    assert (dose.initial_min, dose.supplemental_min) == (Decimal("1.5"), Decimal("0.75"))
    mixed = parse_dose("MDMA 1.5 mg/kg (about 100 mg)")
    assert (mixed.unit, mixed.initial_min) == ("", None)


def test_the_first_text_that_states_an_amount_gives_the_dose():
    dose = first_stated_dose(["MDMA-assisted therapy", "", "MDMA 100 mg + 50 mg supplement"])
    assert (dose.initial_min, dose.supplemental_min) == (Decimal("100"), Decimal("50"))
    assert dose.source_text == "MDMA 100 mg + 50 mg supplement"
    unclear = first_stated_dose(["MDMA 125 mg followed by 62.5 mg", "MDMA capsules"])
    assert (unclear.initial_min, unclear.source_text) == (None, "MDMA 125 mg followed by 62.5 mg")
    assert first_stated_dose(["MDMA capsules", ""]).source_text == ""
