"""The phases are ClinicalTrials.gov's fixed vocabulary, so they ship with the schema."""

from django.db import migrations

PHASES = [
    ("EARLY_PHASE1", "Early phase 1", 0),
    ("PHASE1", "Phase 1", 1),
    ("PHASE2", "Phase 2", 2),
    ("PHASE3", "Phase 3", 3),
    ("PHASE4", "Phase 4", 4),
    ("NA", "Not applicable", 9),
]


def add_phases(apps, schema_editor):
    Phase = apps.get_model("trials", "Phase")
    for code, label, order in PHASES:
        Phase.objects.update_or_create(code=code, defaults={"label": label, "order": order})


class Migration(migrations.Migration):
    dependencies = [("trials", "0002_search_index")]

    operations = [migrations.RunPython(add_phases, migrations.RunPython.noop)]
