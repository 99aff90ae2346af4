"""The editorial roles: "Editors" and "Lead editors", with their permissions over both apps.

Permissions are created here first because on a fresh database Django only creates
them after all migrations have run (post_migrate), too late for this migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
LEAD_EDITORS = "Lead editors"

# (app label, model, actions) an editor gets: add, change and view what they curate,
# view what the import owns, lock and unlock fields; never delete, never users or groups.
EDITOR_PERMISSIONS = [
    ("trials", "trial", ["add", "change", "view"]),
    ("trials", "trialidentifier", ["add", "change", "view"]),
    ("trials", "arm", ["add", "change", "view"]),
    ("trials", "intervention", ["add", "change", "view"]),
    ("trials", "outcomemeasure", ["add", "change", "view"]),
    ("trials", "site", ["add", "change", "view"]),
    ("trials", "condition", ["add", "change", "view"]),
    ("trials", "organization", ["add", "change", "view"]),
    ("trials", "phase", ["view"]),
    ("trials", "resultoutcome", ["view"]),
    ("trials", "importrun", ["view"]),
    ("trials", "trialchange", ["view"]),
    ("trials", "fieldlock", ["add", "change", "view", "delete"]),
    ("evidence", "publication", ["add", "change", "view"]),
    ("evidence", "regulatorymilestone", ["add", "change", "view"]),
    ("evidence", "effectestimate", ["add", "change", "view"]),
    ("evidence", "outcomefamily", ["add", "change", "view"]),
]

# What a lead editor gets on top: publishing (which covers unpublish and withdraw)
# and deleting curated records.
LEAD_EDITOR_PERMISSIONS = [
    ("trials", "trial", ["publish", "delete"]),
    ("trials", "trialidentifier", ["delete"]),
    ("trials", "arm", ["delete"]),
    ("trials", "intervention", ["delete"]),
    ("trials", "outcomemeasure", ["delete"]),
    ("trials", "site", ["delete"]),
    ("evidence", "publication", ["publish", "delete"]),
    ("evidence", "regulatorymilestone", ["publish", "delete"]),
    ("evidence", "effectestimate", ["publish", "delete"]),
    ("evidence", "outcomefamily", ["delete"]),
]


def _permissions(apps, spec):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, model, actions in spec:
        for action in actions:
            found.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{action}_{model}"
                )
            )
    return found


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    editor_perms = _permissions(apps, EDITOR_PERMISSIONS)
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*editor_perms)
    leads, _ = Group.objects.get_or_create(name=LEAD_EDITORS)
    leads.permissions.add(*editor_perms, *_permissions(apps, LEAD_EDITOR_PERMISSIONS))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, LEAD_EDITORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0001_initial"),
        ("trials", "0003_phases"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
