"""Give findings seeded before 0015 the milestone links the fixture names.

Seeding skips findings that already exist, so a database seeded earlier would never
get them. Only findings with no links at all are touched: a link an editor removed
since 0015 stays removed.
"""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "safety_findings.json"


def link(apps, schema_editor):
    SafetyFinding = apps.get_model("evidence", "SafetyFinding")
    RegulatoryMilestone = apps.get_model("evidence", "RegulatoryMilestone")
    if not FIXTURE.exists() or not SafetyFinding.objects.exists():
        return
    milestones = {m.seed_key: m for m in RegulatoryMilestone.objects.exclude(seed_key=None)}
    for record in json.loads(FIXTURE.read_text(encoding="utf-8")):
        keys = record.get("site", {}).get("milestones", [])
        finding = SafetyFinding.objects.filter(seed_key=record["id"]).first()
        if not keys or finding is None or finding.milestones.exists():
            continue
        finding.milestones.set([milestones[key] for key in keys if key in milestones])


class Migration(migrations.Migration):
    dependencies = [("evidence", "0015_finding_milestones")]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
