"""Correct the seeded arms that held one fixed dose where the fact sheet gives a range.

The seed only adds missing records, so a database seeded before doses were
ranges keeps MAPP1, MAPP2, MP-16, MP18, the extension study and the autism trial
at 120 + 60 mg (or 125 mg). Each arm is corrected only while it still holds
exactly the old seeded dose, so an editor's change is never overwritten.
"""

from decimal import Decimal

from django.db import migrations

FLEXIBLE = {
    "dose_initial_min": Decimal(80),
    "dose_initial_max": Decimal(120),
    "dose_supplemental_min": Decimal(40),
    "dose_supplemental_max": Decimal(60),
}
OLD_FLEXIBLE = (Decimal(120), Decimal(120), Decimal(60), Decimal(60))
# (trial slug, arm label): (old initial min, max, supplemental min, max), new values.
CORRECTIONS = {
    ("mp-16", "MDMA-assisted psychotherapy (open label)"): (
        OLD_FLEXIBLE,
        {**FLEXIBLE, "dose_source_text": "80 or 120 mg + half"},
    ),
    ("mapp1", "MDMA-assisted therapy"): (
        OLD_FLEXIBLE,
        {**FLEXIBLE, "dose_source_text": "80+40, then 120+60 ×2 (80–180 mg)"},
    ),
    ("mapp2", "MDMA-assisted therapy"): (
        OLD_FLEXIBLE,
        {**FLEXIBLE, "dose_source_text": "80/120 + 40/60 mg ×3"},
    ),
    ("mappusx", "MDMA-assisted therapy (open label)"): (
        OLD_FLEXIBLE,
        {**FLEXIBLE, "dose_source_text": "80/120 + 40/60 ×3"},
    ),
    ("mp18", "MDMA-assisted therapy (open label)"): (
        OLD_FLEXIBLE,
        {**FLEXIBLE, "dose_source_text": "80/120 + 40/60 mg"},
    ),
    ("autism-social-anxiety", "MDMA"): (
        (Decimal(125), Decimal(125), None, None),
        {
            "dose_initial_min": Decimal(75),
            "dose_initial_max": Decimal(125),
            "dose_source_text": "75–125 mg ×2",
        },
    ),
}


def correct(apps, schema_editor):
    Arm = apps.get_model("trials", "Arm")
    for (slug, label), (old, new) in CORRECTIONS.items():
        arm = Arm.objects.filter(trial__slug=slug, label=label, record_source="curated").first()
        held = arm and (
            arm.dose_initial_min,
            arm.dose_initial_max,
            arm.dose_supplemental_min,
            arm.dose_supplemental_max,
        )
        if arm is None or held != old or arm.dose_unit != "mg":
            continue
        for name, value in new.items():
            setattr(arm, name, value)
        arm.save(update_fields=list(new))


class Migration(migrations.Migration):
    dependencies = [("trials", "0006_arm_dose_ranges")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
