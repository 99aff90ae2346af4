"""Every seeded arm dose says what the fact sheet says (../shared/facts/mdma_facts.md, table A).

The expected doses are written out below, one row per curated arm, and checked
both ways: against the sheet (the source words are in the trial's row, every
number is in that row or is the "half-dose" supplement the row names, the
session count is in the row) and against the seeded database, field by field.
A curated arm missing here, or a sheet row that changes, fails the test.
"""

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from trials.choices import RecordSource
from trials.models import Arm

DEFAULT_FACTS_DIR = Path(__file__).resolve().parents[2] / "shared" / "facts"
# Fixture key -> the first cell of the trial's row in table A (bold marks removed).
SHEET_ROWS = {
    "mp-1": "MP-1",
    "mp-2": "MP-2",
    "mp-4": "MP-4",
    "mp-8": "MP-8",
    "mp-9": "MP-9",
    "mp-12": "MP-12",
    "mp-16": "MP-16 (US open-label lead-in)",
    "mapp1": "MAPP1",
    "mapp2": "MAPP2",
    "mappusx": 'Open-label extension ("MAPPUSX" label from a secondary source)',
    "mp18": "MP18, Europe (includes Østfold, Norway)",
    "ostfold-mdd": "Østfold, MDD (not PTSD)",
    "autism-social-anxiety": "Autism, social anxiety",
    "lti-anxiety": "Life-threatening illness (LTI), anxiety",
    "bima": "BIMA, alcohol use disorder",
    "cbct-couples": "Couples (CBCT + MDMA)",
}
FLEXIBLE = ("mg", "80", "120", "40", "60")
NO_DOSE = ("", None, None, None, None)
# (key, arm label): (unit, initial min, max, supplemental min, max), sessions and the
# words in the row that give them, source text (verbatim from the row).
EXPECTED = {
    ("mp-1", "MDMA 125 mg"): (
        ("mg", "125", "125", None, None),
        (2, "2 sessions"),
        "125 mg (supplement UNVERIFIED)",
    ),
    ("mp-1", "Inactive placebo"): (NO_DOSE, (2, "2 sessions"), ""),
    ("mp-2", "Full dose MDMA"): (
        ("mg", "125", "125", "62.5", "62.5"),
        (3, "3 sessions"),
        "125+62.5 vs 25+12.5 mg",
    ),
    ("mp-2", "Active placebo (low-dose MDMA)"): (
        ("mg", "25", "25", "12.5", "12.5"),
        (3, "3 sessions"),
        "125+62.5 vs 25+12.5 mg",
    ),
    ("mp-4", "Full dose MDMA"): (NO_DOSE, (None, ""), "full dose (mg UNVERIFIED)"),
    **{
        ("mp-8", f"MDMA {dose} mg"): (
            ("mg", dose, dose, half, half),
            (2, "2 blinded sessions"),
            "+half-dose supplement; 2 blinded sessions, then open-label crossover",
        )
        for dose, half in (("30", "15"), ("75", "37.5"), ("125", "62.5"))
    },
    ("mp-9", "Full dose MDMA"): (
        ("mg", "125", "125", "62.5", "62.5"),
        (None, ""),
        "125+62.5 vs 25+12.5 mg",
    ),
    ("mp-9", "Low dose MDMA"): (
        ("mg", "25", "25", "12.5", "12.5"),
        (None, ""),
        "125+62.5 vs 25+12.5 mg",
    ),
    **{
        ("mp-12", f"MDMA {dose} mg"): (
            ("mg", dose, dose, half, half),
            (2, "2 sessions"),
            "+half-dose supplement",
        )
        for dose, half in (("40", "20"), ("100", "50"), ("125", "62.5"))
    },
    ("mp-16", "MDMA-assisted psychotherapy (open label)"): (
        FLEXIBLE,
        (3, "3 sessions"),
        "80 or 120 mg + half",
    ),
    # "80+40, then 120+60 ×2": one session, then two more.
    ("mapp1", "MDMA-assisted therapy"): (
        FLEXIBLE,
        (3, "then 120+60 ×2"),
        "80+40, then 120+60 ×2 (80–180 mg)",
    ),
    ("mapp1", "Placebo with therapy"): (NO_DOSE, (3, "then 120+60 ×2"), ""),
    ("mapp2", "MDMA-assisted therapy"): (FLEXIBLE, (3, "×3"), "80/120 + 40/60 mg ×3"),
    ("mapp2", "Placebo with therapy"): (NO_DOSE, (3, "×3"), ""),
    ("mappusx", "MDMA-assisted therapy (open label)"): (
        FLEXIBLE,
        (3, "×3"),
        "80/120 + 40/60 ×3",
    ),
    ("mp18", "MDMA-assisted therapy (open label)"): (
        FLEXIBLE,
        (2, "2 sessions"),
        "80/120 + 40/60 mg",
    ),
    ("ostfold-mdd", "MDMA-assisted psychotherapy (open label)"): (
        ("mg", "80", "120", None, None),
        (2, "2 sessions"),
        "2 sessions (80–120 mg per secondary source)",
    ),
    ("autism-social-anxiety", "MDMA"): (
        ("mg", "75", "125", None, None),
        (2, "×2"),
        "75–125 mg ×2",
    ),
    ("autism-social-anxiety", "Placebo"): (NO_DOSE, (2, "×2"), ""),
    ("lti-anxiety", "MDMA 125 mg"): (("mg", "125", "125", None, None), (2, "×2"), "125 mg ×2"),
    ("lti-anxiety", "Placebo"): (NO_DOSE, (2, "×2"), ""),
    # "187.5 mg per session" is a total: how it splits into doses is not given.
    ("bima", "MDMA-assisted therapy after detoxification (open label)"): (
        NO_DOSE,
        (2, "×2"),
        "187.5 mg per session ×2",
    ),
    ("cbct-couples", "CBCT with MDMA for both partners"): (
        NO_DOSE,
        (2, "×2"),
        "both partners dosed ×2",
    ),
}
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def sheet_rows() -> dict[str, str]:
    """Table A of the fact sheet: each trial's row text by its first cell."""
    path = Path(os.environ.get("FACTS_DIR") or DEFAULT_FACTS_DIR) / "mdma_facts.md"
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"fact sheet not found at {path}")
        pytest.skip(f"fact sheet not found at {path} (set FACTS_DIR)")
    text = path.read_text(encoding="utf-8").replace("**", "")
    table = text.split("## A. Trials", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 3 and cells[0] not in ("Trial", "---"):
            rows[cells[0]] = line
    return rows


def _session_count(words: str) -> int:
    """'2 sessions' or '×3'; 'then … ×2' follows a first session, so it counts one more."""
    match = re.search(r"(\d+) (?:blinded )?sessions|×(\d+)", words)
    count = int(match[1] or match[2])
    return count + 1 if words.startswith("then") else count


def _decimal(value):
    return None if value is None else Decimal(value)


def test_every_expected_dose_is_what_the_sheet_row_says(sheet_rows):
    problems = []
    for (key, label), (dose, (sessions, session_words), source) in EXPECTED.items():
        row = sheet_rows[SHEET_ROWS[key]]
        if source and source not in row:
            problems.append(f"{key} {label}: source text {source!r} not in the sheet")
        if session_words and session_words not in row:
            problems.append(f"{key} {label}: {session_words!r} not in the sheet")
        if session_words and _session_count(session_words) != sessions:
            problems.append(f"{key} {label}: {session_words!r} is not {sessions} sessions")
        numbers = {Decimal(n) for n in NUMBER.findall(row)}
        unit, *amounts = dose
        initial, supplemental = amounts[:2], amounts[2:]
        for value in filter(None, initial):
            if Decimal(value) not in numbers:
                problems.append(f"{key} {label}: {value} mg not in the sheet")
        for value, dose_value in zip(supplemental, initial, strict=True):
            if value is None or Decimal(value) in numbers:
                continue
            if not ("half" in row and Decimal(value) * 2 == Decimal(dose_value)):
                problems.append(f"{key} {label}: supplement {value} mg not in the sheet")
    assert problems == []


def test_every_seeded_arm_dose_matches_the_fact_sheet(seeded):
    arms = Arm.objects.filter(record_source=RecordSource.CURATED).select_related("trial")
    seeded_doses = {
        (arm.trial.slug, arm.label): (
            (
                arm.dose_unit,
                arm.dose_initial_min,
                arm.dose_initial_max,
                arm.dose_supplemental_min,
                arm.dose_supplemental_max,
            ),
            arm.dosing_sessions,
            arm.dose_source_text,
        )
        for arm in arms
    }
    expected = {
        arm: ((dose[0], *map(_decimal, dose[1:])), sessions, source)
        for arm, (dose, (sessions, _), source) in EXPECTED.items()
    }
    assert seeded_doses == expected


def test_flexible_and_ranged_doses_read_as_the_sheet_states_them(seeded):
    def dose(key, label):
        return Arm.objects.get(trial__slug=key, label=label).dose_text

    assert dose("mapp1", "MDMA-assisted therapy") == "80–120 mg + 40–60 mg, 3 sessions"
    assert dose("mp18", "MDMA-assisted therapy (open label)") == "80–120 mg + 40–60 mg, 2 sessions"
    assert dose("autism-social-anxiety", "MDMA") == "75–125 mg, 2 sessions"
    assert dose("mp-2", "Full dose MDMA") == "125 mg + 62.5 mg, 3 sessions"
    # No number where the sheet gives none: the schedule in words instead.
    assert dose("mp-4", "Full dose MDMA") == "full dose (mg unverified)"
    assert dose("bima", "MDMA-assisted therapy after detoxification (open label)").startswith(
        "187.5 mg per session in total"
    )
