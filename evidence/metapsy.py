"""Import the living Metapsy / Sypres dataset: fetch, parse, compute effects, upsert.

`parse_rows` is pure (text in, plain dicts out); `compute_effect` applies the
standard formulas (Hedges' g from means/SDs or change scores, Borenstein et
al. 2009 ch. 4; log risk ratio from events); `upsert` stores each row keyed
on the dataset's `.id`, saving (and so versioning) only rows that changed.
"""

from __future__ import annotations

import csv
import io
import urllib.request
from dataclasses import dataclass, field

from django.db import transaction

from evidence.meta_analysis import SynthesisError, log_risk_ratio, smd_from_means
from evidence.models import MetapsyEstimate, Publication
from trials.models import Trial

DEFAULT_URL = "https://raw.githubusercontent.com/metapsy-project/data-ptsd-mdmactr/HEAD/data.csv"
FETCH_TIMEOUT = 60
MISSING = {"", "NA", "N/A", "NaN"}
REQUIRED_COLUMNS = {".id", "study", "outcome_type", "instrument", "registration_number", "doi"}


class MetapsyError(ValueError):
    """A dataset that cannot be read; the message says why."""


def read_source(path_or_url: str) -> str:
    """The dataset's text from a local path or an http(s) URL."""
    if path_or_url.startswith(("http://", "https://")):
        with urllib.request.urlopen(path_or_url, timeout=FETCH_TIMEOUT) as response:
            return response.read().decode("utf-8-sig")
    with open(path_or_url, encoding="utf-8-sig") as handle:
        return handle.read()


def parse_rows(text: str) -> list[dict[str, str]]:
    """Rows as dicts of text; semicolon or comma delimited (sniffed from the header)."""
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    missing = REQUIRED_COLUMNS - set(rows[0] if rows else ())
    if missing:
        raise MetapsyError(f"the dataset lacks the columns {', '.join(sorted(missing))}")
    return rows


def number(raw: str | None) -> float | None:
    """A decimal number written with a comma or a point; None for NA or blank."""
    if raw is None or raw.strip() in MISSING:
        return None
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        raise MetapsyError(f"{raw!r} is not a number") from None


def _count(raw: str | None) -> int | None:
    value = number(raw)
    return None if value is None else int(value)


def _flag(raw: str | None) -> bool | None:
    value = number(raw)
    return None if value is None else value == 1


def _arm_args(row: dict, prefix: str) -> tuple | None:
    """(mean1, sd1, n1, mean2, sd2, n2) for endpoint ("") or change ("change_") scores."""
    names = [f"{k}_{prefix}arm{a}" for a in (1, 2) for k in ("mean", "sd", "n")]
    values = [number(row.get(n)) for n in names]
    return None if None in values else tuple(values)


def compute_effect(row: dict) -> dict:
    """metric, effect, se, arm sizes and what they came from; a note when not computable."""
    kind = row["outcome_type"]
    try:
        if kind in ("msd", "change"):
            args = _arm_args(row, "" if kind == "msd" else "change_")
            if args is None:
                return {"note": "means, SDs or group sizes missing"}
            m1, s1, n1, m2, s2, n2 = args
            effect = smd_from_means(m1, s1, int(n1), m2, s2, int(n2))
            basis = "means and SDs" if kind == "msd" else "change scores"
            return _effect("hedges_g", effect, int(n1), int(n2), basis)
        events = [
            _count(row.get(c)) for c in ("event_arm1", "totaln_arm1", "event_arm2", "totaln_arm2")
        ]
        if None in events:
            return {"note": "events or totals missing"}
        e1, t1, e2, t2 = events
        return _effect("log_rr", log_risk_ratio(e1, t1 - e1, e2, t2 - e2), t1, t2, "events")
    except SynthesisError as error:
        return {"note": str(error)[:300]}


def _effect(metric, effect, n1, n2, basis) -> dict:
    return {
        "metric": metric,
        "effect": effect.estimate,
        "se": effect.se,
        "n_arm1": n1,
        "n_arm2": n2,
        "computed_from": basis,
    }


def _arm(row: dict, index: int) -> str:
    condition, multi = row[f"condition_arm{index}"], row.get(f"multi_arm{index}", "")
    return condition if multi in MISSING else f"{condition} {multi}"


def fields_of(row: dict) -> dict:
    """The model fields of one dataset row (pure), raw text kept whole in `raw`."""
    values = {
        "study": row["study"],
        "registration_number": row["registration_number"].strip(),
        "doi": row["doi"].strip(),
        "outcome_type": row["outcome_type"],
        "instrument": row["instrument"],
        "primary_instrument": _flag(row.get("primary_instrument")),
        "primary_timepoint": _flag(row.get("primary_timepoint")),
        "time_point": row.get("study_time_point", ""),
        "arm1": _arm(row, 1),
        "arm2": _arm(row, 2),
        "dose_arm2": row.get("dose_arm2", ""),
        "rob_overall": "" if row.get("rob", "") in MISSING else row["rob"],
        "raw": dict(row),
        "metric": "",
        "effect": None,
        "se": None,
        "n_arm1": None,
        "n_arm2": None,
        "computed_from": "",
        "note": "",
    }
    values.update(compute_effect(row))
    return values


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unlinked: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.unlinked:
            text += f"; no trial found for {', '.join(sorted(set(self.unlinked)))}"
        return text


@transaction.atomic
def upsert(rows: list[dict]) -> ImportReport:
    """Store every row keyed on its .id; a row is saved (a new version) only when it changed."""
    report = ImportReport()
    existing = {r.row_id: r for r in MetapsyEstimate.objects.all()}
    trials = {
        t.nct_id: t
        for t in Trial.objects.filter(nct_id__in={r["registration_number"].strip() for r in rows})
    }
    publications = {
        p.doi.lower(): p for p in Publication.objects.filter(doi__isnull=False) if p.doi
    }
    for row in rows:
        values = fields_of(row)
        trial = trials.get(values["registration_number"])
        publication = publications.get(values["doi"].lower())
        values["trial_id"] = trial.pk if trial else None
        values["publication_id"] = publication.pk if publication else None
        if trial is None:
            report.unlinked.append(values["registration_number"] or row["study"])
        record = existing.get(row[".id"])
        if record is None:
            MetapsyEstimate.objects.create(row_id=row[".id"], **values)
            report.created += 1
        elif any(getattr(record, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(record, key, value)
            record.save()
            report.updated += 1
        else:
            report.unchanged += 1
    return report
