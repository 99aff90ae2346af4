"""Hand-made ClinicalTrials.gov records for import tests, built from fixtures/ctgov/."""

import copy
import json
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from tests.ctgov_server import CtgovServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ctgov"
VERSION = {"apiVersion": "2.0.5", "dataTimestamp": "2099-01-20T09:00:00"}


@contextmanager
def stub_api(settings, **more):
    """A local ClinicalTrials.gov the importer talks to: no pacing, quick retries; `more`
    sets other CTGOV_* settings (CTGOV_RETRIES=2, …)."""
    with CtgovServer() as server:
        settings.CTGOV_API_URL = server.url
        settings.CTGOV_MIN_INTERVAL = 0
        settings.CTGOV_BACKOFF = 0.01
        for name, value in more.items():
            setattr(settings, name, value)
        server.add("/version", json=VERSION, repeat=True)
        yield server


def mdma_study(nct_id: str = "NCT09900001", **changes) -> dict:
    """The hand-made MDMA record with a new NCT id and optional changes.

    changes: title, status, enrollment, aliases, and results=False to drop results.
    """
    record = copy.deepcopy(json.loads((FIXTURES / "mdma_phase3.json").read_text()))
    section = record["protocolSection"]
    ident = section["identificationModule"]
    ident["nctId"] = nct_id
    ident["nctIdAliases"] = changes.get("aliases", [])
    if "title" in changes:
        ident["briefTitle"] = changes["title"]
    if "status" in changes:
        section["statusModule"]["overallStatus"] = changes["status"]
    if "enrollment" in changes:
        section["designModule"]["enrollmentInfo"]["count"] = changes["enrollment"]
    if changes.get("results") is False:
        del record["resultsSection"]
        record["hasResults"] = False
    return record


def run_import(*args, **options) -> tuple[str, str]:
    """Run the real management command; return (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("import_ctgov", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()
