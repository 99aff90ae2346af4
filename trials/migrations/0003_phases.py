"""The phases are ClinicalTrials.gov's fixed vocabulary, so they ship with the schema."""

from django.db import migrations

from trials.choices import PhaseCode


def add_phases(apps, schema_editor):
    Phase = apps.get_model("trials", "Phase")
    for phase in PhaseCode:
        defaults = {"label": phase.label, "order": phase.order}
        Phase.objects.update_or_create(code=phase.value, defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("trials", "0002_search_index")]

    operations = [migrations.RunPython(add_phases, migrations.RunPython.noop)]
