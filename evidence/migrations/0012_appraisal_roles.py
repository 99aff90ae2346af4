"""Editors curate risk-of-bias judgements and certainty ratings; lead editors publish them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("riskofbias", "certaintyrating")


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return list(Permission.objects.filter(content_type__app_label="evidence", codename__in=codenames))


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    editing = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
    leading = [f"{action}_{model}" for model in MODELS for action in ("publish", "delete")]
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*_permissions(apps, editing))
    leads, _ = Group.objects.get_or_create(name="Lead editors")
    leads.permissions.add(*_permissions(apps, editing + leading))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("evidence", "0011_appraisals_rob2_and_certainty"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
