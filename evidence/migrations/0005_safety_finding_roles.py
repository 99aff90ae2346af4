"""Editors curate safety findings; lead editors also publish and delete them (as for the
other curated records in 0002_editorial_roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_ACTIONS = ["add", "change", "view"]
LEAD_ACTIONS = ["publish", "delete"]


def _permissions(apps, actions):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(
            content_type__app_label="evidence", codename=f"{action}_safetyfinding"
        )
        for action in actions
    ]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("evidence")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*_permissions(apps, EDITOR_ACTIONS))
    leads, _ = Group.objects.get_or_create(name="Lead editors")
    leads.permissions.add(*_permissions(apps, EDITOR_ACTIONS + LEAD_ACTIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    perms = _permissions(apps, EDITOR_ACTIONS + LEAD_ACTIONS)
    for group in Group.objects.filter(name__in=["Editors", "Lead editors"]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0004_safety_findings")]

    operations = [migrations.RunPython(grant, revoke)]
