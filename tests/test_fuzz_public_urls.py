"""Fuzzing: ≥ 10,000 generated requests over every public URL and parameter, never a 5xx.

Hypothesis draws each request from real values (seed keys, choices ClinicalTrials.gov
uses) mixed with hostile ones (NUL and control characters, Unicode digits, huge
numbers, very long text, quotes). Seeded, so a run is repeatable; the count comes from
FUZZ_REQUESTS (default 10,000), split into SHARDS with a seed each so that parallel
workers share the work (tests/conftest.py schedules shards one by one). Every export
that answers 200 is read to its end and parsed, so a body cut short behind a 200 fails
the test.
"""

import csv
import io
import json
import os

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from public.exports import COLUMNS

pytestmark = pytest.mark.django_db

REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "10000"))
SHARDS = 8
PER_SHARD = -(-REQUESTS // SHARDS)
# Requests drawn per Hypothesis example: its engine's cost per example, about as much
# as a request's, is shared by ten. A failing batch still shrinks to one request.
BATCH = 10

HOSTILE = [
    "\x00",
    "a\x00",
    "%00",
    "\x1b[31m",
    "\t",
    "\r\n",
    "\x7f",
    "\x85",
    "²",
    "³",
    "①",
    "١٢",
    "٣",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "-0",
    "0x10",
    "1.5",
    "2020-02-30",
    "0000-00-00",
    "9999-12-31",
    "2020-13",
    "'; DROP TABLE trials_trial; --",
    '"unbalanced',
    "-",
    "OR",
    "<script>alert(1)</script>",
    "x" * 600,
    "🧪",
    " ",
    "",
    "=cmd|' /C calc'!A0",
]
# Values the pages accept, so the fuzzer also reaches the code past validation.
VALID = {
    "q": ["PTSD", "MDMA -alcohol", '"open label"', "PTSD OR anxiety"],
    "condition": ["Post-Traumatic Stress Disorder", "PTSD"],
    "phase": ["PHASE2", "PHASE3", "phase3", "NA", "EARLY_PHASE1"],
    "status": ["COMPLETED", "RECRUITING", "withdrawn"],
    "study_type": ["INTERVENTIONAL", "OBSERVATIONAL"],
    "country": ["US", "no", "IL", "CA"],
    "sponsor": ["Multidisciplinary Association for Psychedelic Studies", "Lykos Therapeutics"],
    "intervention": ["MDMA", "Placebo"],
    "has_results": ["true", "false"],
    "start_after": ["2010", "2018-05", "2019-11-01"],
    "start_before": ["2025", "2020-01"],
    "min_enrollment": ["0", "10", "100"],
    "max_enrollment": ["50", "1000"],
    "min_dose_mg": ["0", "75", "80.5"],
    "max_dose_mg": ["180", "125"],
    "sort": ["relevance", "-start", "start", "-enrollment", "-updated", "title"],
    "page": ["1", "2"],
    # A position from a Next link (public/keyset.py), and one of another order.
    "after": ["WyItc3RhcnQiLDEsIjIwMTgtMDYtMDEiLDVd", "WyJ0aXRsZSIsMSwiTUFQUDEiLDJd"],
    "page_size": ["1", "10", "100"],
    "format": ["", "html", "csv", "json"],
    "agency": ["FDA", "EMA", "TGA"],
    "jurisdiction": ["US", "EU", "AU"],
    "kind": ["approval", "paper", "rct"],
    "retraction": ["retracted", "none"],
    "family": ["ptsd-severity", "caps"],
    "method": ["FE", "DL", "PM", "dl", "REML"],
    "include_retracted": ["1", "true", "off"],
    "phase3_only": ["1", "false"],
    "rct_only": ["on", "0"],
    "verified_only": ["true", "no"],
}
KEYS = ["NCT03537014", "nct04077437", "NCT00000000", "mapp1", "no-such-trial", "1", "%00"]
PARAMS = sorted(VALID)


def public_routes() -> list[str]:
    """Every URL pattern outside the admin, with {} where a path argument goes."""
    routes = []

    def walk(patterns, prefix):
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if text.startswith("admin/"):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, text)
            elif isinstance(pattern, URLPattern):
                routes.append("/" + _placeholders(text))

    walk(get_resolver().url_patterns, "")
    return sorted(set(routes))


def _placeholders(route: str) -> str:
    import re

    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    return re.sub(r"<[^>]+>|\(\?P<[^>]+>[^)]+\)", "{}", route)


def text_values():
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=20),
        # Every code point UTF-8 can encode: all but the surrogates. Spelled as a category,
        # Hypothesis skips probing the codec over all of Unicode in every process.
        st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=8),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
    )


@st.composite
def requests(draw, routes):
    route = draw(st.sampled_from(routes))
    if "{}" in route:
        key = draw(st.one_of(st.sampled_from(KEYS), st.integers(0, 10**12).map(str), text_values()))
        route = route.replace("{}", _path_safe(key), 1)
    names = draw(st.lists(st.sampled_from(PARAMS + ["unknown", "x\x00"]), max_size=4))
    params = []
    for name in names:
        valid = VALID.get(name, [])
        choices = [st.sampled_from(valid)] if valid else []
        params.append((name, draw(st.one_of(*choices, text_values()))))
    return route.replace("{}", "1"), params


def _path_safe(key: str) -> str:
    from urllib.parse import quote

    return quote(key, safe="") or "x"


def check_export_complete(response) -> None:
    body = b"".join(response.streaming_content).decode("utf-8")
    content_type = response["Content-Type"]
    if content_type.startswith("application/json"):
        json.loads(body)
    elif content_type.startswith("text/csv"):
        assert body.endswith("\n"), "CSV cut short"
        rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
        if rows and rows[0] == COLUMNS:
            assert all(len(row) == len(COLUMNS) for row in rows), "CSV row cut short"


@pytest.mark.parametrize("shard", range(SHARDS), ids=lambda shard: f"shard{shard}")
def test_no_generated_request_gets_a_server_error(client, seeded, shard):
    routes = public_routes()
    assert {"/trials/", "/evidence/rows.csv", "/healthz"} - set(routes) <= {"/healthz"}
    routes.append("/healthz")
    statuses = {}

    @seed(shard)
    @settings(
        max_examples=-(-PER_SHARD // BATCH),
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(batch=st.lists(requests(routes), min_size=BATCH, max_size=BATCH))
    def send(batch):
        for path, params in batch:
            data = {}
            for name, value in params:
                data.setdefault(name, []).append(value)
            response = client.get(path, data)
            assert response.status_code < 500, (path, params)
            if response.status_code == 200 and response.streaming:
                check_export_complete(response)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    send()
    assert sum(statuses.values()) >= PER_SHARD
    # The fuzzer reached past validation as well as into it.
    assert statuses.get(200, 0) > PER_SHARD // 10 and statuses.get(400, 0) > PER_SHARD // 10
