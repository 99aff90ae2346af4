"""The fact sheet's numbers as readable lines, without changing any of them.

The sheet writes counts three ways: {"n": 5, "N": 53, "pct": 9.4}, [count, percent] lists
(declared by "format": "[count, percent]"), and plain named values. Each becomes one line.
"""

from typing import Any

COUNT_PERCENT = "[count, percent]"


def _label(key: str) -> str:
    return key.replace("_", " ")


def _value(value: Any, count_percent: bool) -> str:
    if isinstance(value, dict) and {"n", "N"} <= set(value):
        pct = f" ({value['pct']}%)" if value.get("pct") is not None else ""
        return f"{value['n']} / {value['N']}{pct}"
    if count_percent and isinstance(value, list) and len(value) == 2:
        return f"{value[0]} ({value[1]}%)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def number_lines(numbers: Any, prefix: str = "", count_percent: bool = False) -> list[str]:
    """One line per number, e.g. "mdma: 5 / 53 (9.4%)" or "nausea · mdma: 14 (30%)"."""
    if numbers is None:
        return []
    if not isinstance(numbers, dict):
        return [f"{prefix}{_value(numbers, count_percent)}"]
    count_percent = count_percent or numbers.get("format") == COUNT_PERCENT
    lines = []
    for key, value in numbers.items():
        if key == "format" and value == COUNT_PERCENT:
            continue
        label = f"{prefix}{_label(key)}"
        if isinstance(value, dict) and not {"n", "N"} <= set(value):
            lines += number_lines(value, f"{label} · ", count_percent)
        else:
            lines.append(f"{label}: {_value(value, count_percent)}")
    return lines
