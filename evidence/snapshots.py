"""Store a snapshot of each family's default synthesis whenever its pooled inputs change.

Called after any estimate or publication is saved (on commit, so a rolled
back edit leaves no trace; `evidence.signals`) and by `manage.py snapshot_syntheses`. A snapshot
is keyed on a hash of its inputs (each estimate's id and last change, its
value, SE and source's retraction state) and method, so an unchanged family
is never stored twice.
"""

import hashlib
import json

from django.utils import timezone

from evidence.family_synthesis import Synthesis, all_families, synthesise_all
from evidence.models import SynthesisSnapshot

RESULT_FIELDS = ("estimate", "se", "ci_low", "ci_high", "tau2", "tau2_ci_low", "tau2_ci_high",
                 "i2", "i2_tau", "k", "pi_low", "pi_high")  # fmt: skip


def snapshot_inputs(synthesis: Synthesis) -> list[dict]:
    inputs = []
    for row in synthesis.rows:
        e, source = row.estimate, row.estimate.source_publication
        inputs.append({
            "id": e.pk,
            "label": e.label,
            "version": e.updated_at.isoformat() if e.updated_at else "",
            "estimate": row.effect.estimate,
            "se": row.effect.se,
            "source": source.short_citation if source else "",
            "source_retracted": bool(source and source.is_retracted),
        })  # fmt: skip
    return inputs


def _hash(synthesis: Synthesis, inputs: list[dict]) -> str:
    options = synthesis.options
    payload = json.dumps([options.method, options.ci, inputs], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def record_snapshots(now=None) -> int:
    """A new snapshot for each family whose inputs changed since its last one; how many."""
    now = now or timezone.now()
    created = 0
    for synthesis in synthesise_all(all_families()):
        inputs = snapshot_inputs(synthesis)
        r = synthesis.result
        _, new = SynthesisSnapshot.objects.get_or_create(
            family=synthesis.family,
            inputs_hash=_hash(synthesis, inputs),
            defaults={
                "taken_at": now,
                "method": synthesis.options.method,
                "ci_method": synthesis.options.ci,
                "inputs": inputs,
                "result": {f: getattr(r, f) for f in RESULT_FIELDS} if r else {},
                "summary": synthesis.summary,
            },
        )
        created += new
    return created
