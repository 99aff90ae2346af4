"""Read a dose from free text as a registry writes it: initial, supplemental, range, unit.

A pure function, no database. The rule is the developer guide's: say what the
source says, and when unsure store no number and keep the text. So
- amounts keep their unit ("0.75 mg/kg" is recorded in mg/kg, never as mg);
- "up to 125 mg" is a range with no lower bound, not a fixed 125 mg;
- "80 mg/40 mg", "120 mg + optional 60 mg", "80 mg followed by 40 mg 1.5-2 h later"
  are an initial and a supplemental dose (a second dose in the same session);
- "80 mg in session 1, then 120 mg" and "80 or 120 mg" are an initial range;
- anything else with several amounts (mixed units, totals, a later dose that is
  not plainly a same-session supplement, a supplement larger than the dose)
  gives no number at all: the text is kept and shown as the registry wrote it.
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

MAX_AMOUNT = Decimal("99999.999")  # the model's DecimalField(8, 3)
# "1,5 mg" is a decimal comma; "1,000 mg" a thousands separator.
NUMBER = r"\d+(?:,\d{3}(?!\d))*(?:[.,]\d+)?"
# Longest spellings first so "mg/kg" is not read as "mg". A slash followed by a
# number ("80 mg/40 mg") is two amounts, not a unit.
UNIT = (
    r"mg\s*/\s*(?:kg|m2|m²|day|d|ml|mL)\b|mg\s+per\s+(?:kg|day)\b|"
    r"(?:µg|μg|mcg|ug)\b|milligrams?\b|mg\b|grams?\b|g\b"
)
AMOUNT = re.compile(
    rf"(?<![\w.,/])(?P<lo>{NUMBER})\s*(?P<lo_unit>{UNIT})?"
    rf"(?:\s*(?P<sep>-|–|—|\bto\b|\bor\b|/)\s*(?P<hi>{NUMBER})\s*(?P<hi_unit>{UNIT})?)?",
    re.I,
)
# "125+62.5 mg", "80/120 + 40/60 mg": a bare number takes the unit of the amount it is added to.
SHARED_UNIT_GAP = re.compile(r"\s*(?:\+|plus)\s*", re.I)
UNIT_NAMES = {
    "mg": "mg",
    "milligram": "mg",
    "milligrams": "mg",
    "mgperkg": "mg/kg",
    "mgperday": "mg/day",
    "mg/kg": "mg/kg",
    "mg/m2": "mg/m²",
    "mg/m²": "mg/m²",
    "mg/day": "mg/day",
    "mg/d": "mg/day",
    "mg/ml": "mg/mL",
    "µg": "µg",
    "μg": "µg",
    "mcg": "µg",
    "ug": "µg",
    "g": "g",
    "gram": "g",
    "grams": "g",
}
# A concentration ("200 mg / ml") says what is in a syringe, not what was given.
CONCENTRATIONS = {"mg/mL"}
SUPPLEMENT_BEFORE = re.compile(
    r"(?:\+|\bplus\b|supplement\w*|\boptional\b|\bbooster\b|\bhalf[- ]dose\b|\btop[- ]up\b)\s*"
    r"(?:\w+\s*){0,3}$",
    re.I,
)
SUPPLEMENT_AFTER = re.compile(
    r"^\s*\(?\s*(?:an?\s+)?(?:optional\s+)?(?:supplement\w*|half[- ]dose|booster|top[- ]up)",
    re.I,
)
LATER_DOSE_BEFORE = re.compile(r"(?:\bfollowed by|\bthen|\bafter)\s*(?:\w+\s*){0,3}$", re.I)
# "... 40 mg 1.5-2 h later": a second dose hours later is a same-session supplement.
HOURS_LATER = re.compile(
    r"^[^.;]{0,30}?\b\d+(?:[.,]\d+)?(?:\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?)?\s*"
    r"(?:h|hrs?|hours?|min|minutes)\b(?:\s+later)?",
    re.I,
)
ALTERNATIVE_GAP = re.compile(r"\W*\b(?:or|and/or)\b\W*", re.I)
UP_TO = re.compile(r"(?:\bup to|\bmax(?:imum)?(?: of)?|≤|<=?)\s*$", re.I)
AT_LEAST = re.compile(r"(?:\bat least|\bminimum(?: of)?|≥|>=?)\s*$", re.I)
INITIAL_BEFORE = re.compile(r"\b(?:initial|first|starting)\b[^.;]{0,20}$", re.I)
UNSURE = re.compile(r"\btotal\b|\bcumulative\b|\bper day\b|\bdaily\b", re.I)
SESSIONS = re.compile(
    r"\b(?P<n>\d+|one|two|three|four|five|six)\s+(?:\w+\s+)?(?:dosing\s+|drug\s+)?sessions?\b",
    re.I,
)
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@dataclass(frozen=True)
class DoseData:
    """A dose as a text states it; every number is in ``unit``, never converted."""

    source_text: str = ""
    unit: str = ""
    initial_min: Decimal | None = None
    initial_max: Decimal | None = None
    supplemental_min: Decimal | None = None
    supplemental_max: Decimal | None = None
    sessions: int | None = None

    @property
    def has_amount(self) -> bool:
        return self.initial_min is not None or self.initial_max is not None


@dataclass(frozen=True)
class _Amount:
    low: Decimal | None
    high: Decimal | None
    unit: str
    start: int
    end: int


def _number(text: str) -> Decimal | None:
    if re.fullmatch(r"\d+(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if 0 < value <= MAX_AMOUNT and value == round(value, 3) else None


def _unit(raw: str | None) -> str:
    return UNIT_NAMES.get(re.sub(r"\s+", "", (raw or "").lower()), "")


def _raw_amounts(text: str) -> list[_Amount]:
    """Every number or range in order, with its unit ("" when it has none)."""
    found = []
    for match in AMOUNT.finditer(text):
        lo, lo_unit, hi_unit = match["lo"], _unit(match["lo_unit"]), _unit(match["hi_unit"])
        if match["hi"] is None or (lo_unit and not hi_unit):
            end = match.end("lo_unit") if lo_unit else match.end("lo")
            found.append(_Amount(_number(lo), _number(lo), lo_unit, match.start(), end))
        elif match["sep"] == "/" and lo_unit:
            # "80 mg/40 mg" is two amounts.
            found.append(
                _Amount(_number(lo), _number(lo), lo_unit, match.start(), match.start("sep"))
            )
            high = _number(match["hi"])
            found.append(_Amount(high, high, hi_unit, match.start("hi"), match.end()))
        elif lo_unit and lo_unit != hi_unit:
            found.append(_Amount(None, None, "?", match.start(), match.end()))
        else:
            low, high = _number(lo), _number(match["hi"])
            found.append(_Amount(low, high, hi_unit, match.start(), match.end()))
    return found


def _amounts(text: str) -> list[_Amount] | None:
    """Every amount with a unit, in order; None when one cannot be read safely."""
    raw, found = _raw_amounts(text), []
    for index in range(len(raw) - 1, -1, -1):
        amount = raw[index]
        following = found[0] if found else None
        if (
            not amount.unit
            and following
            and SHARED_UNIT_GAP.fullmatch(text[amount.end : following.start])
        ):
            amount = replace(amount, unit=following.unit)
        if amount.unit:
            found.insert(0, amount)
    for amount in found:
        if amount.low is None or amount.high is None or amount.low > amount.high:
            return None
    return [a for a in found if a.unit not in CONCENTRATIONS]


def _bounds(amount: _Amount, before: str) -> tuple[Decimal | None, Decimal | None]:
    if amount.low == amount.high and UP_TO.search(before):
        return None, amount.high
    if amount.low == amount.high and AT_LEAST.search(before):
        return amount.low, None
    return amount.low, amount.high


def _is_supplement(text: str, previous: _Amount | None, amount: _Amount) -> bool | None:
    """True for a same-session supplement, False for a dose, None when unsure."""
    gap = text[previous.end if previous else 0 : amount.start]
    after = text[amount.end :]
    if INITIAL_BEFORE.search(gap) and not SUPPLEMENT_BEFORE.search(gap):
        return False
    marked = SUPPLEMENT_BEFORE.search(gap) or SUPPLEMENT_AFTER.search(after)
    if previous is None:
        return None if marked else False  # a supplement named before its dose: unsure
    if marked:
        return True
    if gap.strip() == "/":
        return True if amount.high < previous.low else None
    if LATER_DOSE_BEFORE.search(gap):
        if HOURS_LATER.search(after):
            return True
        # "then 120 mg" in a later session is another dose; "followed by" is unsure.
        return False if re.search(r"\bthen\b", gap, re.I) and "session" in text.lower() else None
    # "80 mg or 120 mg" is a choice of doses; "125 mg and propranolol 40 mg" is not.
    return False if ALTERNATIVE_GAP.fullmatch(gap) else None


def _span(values) -> tuple[Decimal | None, Decimal | None]:
    lows = [low for low, _ in values]
    highs = [high for _, high in values]
    low = None if None in lows else min(lows)
    high = None if None in highs else max(highs)
    return low, high


def _sessions(text: str) -> int | None:
    counts = {
        int(m["n"]) if m["n"].isdigit() else WORD_NUMBERS[m["n"].lower()]
        for m in SESSIONS.finditer(text)
    }
    return counts.pop() if len(counts) == 1 else None


def parse_dose(text: str) -> DoseData:
    """The dose a free text states, or a DoseData with the text and no number."""
    text = (text or "").strip()
    unsure = DoseData(source_text=text, sessions=_sessions(text))
    amounts = _amounts(text)
    if not amounts or len({a.unit for a in amounts}) != 1 or UNSURE.search(text):
        return unsure
    initial, supplemental, previous = [], [], None
    for amount in amounts:
        role = _is_supplement(text, previous, amount)
        if role is None:
            return unsure
        gap = text[previous.end if previous else 0 : amount.start]
        (supplemental if role else initial).append(_bounds(amount, gap))
        previous = amount
    if not initial:
        return unsure
    initial_min, initial_max = _span(initial)
    supp_min, supp_max = _span(supplemental) if supplemental else (None, None)
    top = initial_max if initial_max is not None else initial_min
    if supp_max is not None and top is not None and supp_max > top:
        return unsure  # a "supplement" larger than the dose is not one we understand
    return DoseData(
        source_text=text,
        unit=amounts[0].unit,
        initial_min=initial_min,
        initial_max=initial_max,
        supplemental_min=supp_min,
        supplemental_max=supp_max,
        sessions=unsure.sessions,
    )


def first_stated_dose(texts) -> DoseData:
    """The dose of the first text that states an amount.

    When none does, the first text that mentions one is kept without a number
    (the reader sees the registry's words); with no mention at all, no dose.
    """
    mentioned = None
    for text in texts:
        if not text:
            continue
        dose = parse_dose(text)
        if dose.has_amount:
            return dose
        if mentioned is None and any(a.unit for a in _raw_amounts(text)):
            mentioned = dose
    return mentioned or DoseData()
