"""Hand-made ClinicalTrials.gov records for import tests, built from fixtures/ctgov/."""

import copy
import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ctgov"
VERSION = {"apiVersion": "2.0.5", "dataTimestamp": "2099-01-20T09:00:00"}


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
