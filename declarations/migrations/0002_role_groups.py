"""Create the Analysts and Editors groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ANALYST_PERMISSIONS = [
    "add_evidence",
    "view_evidence",
    "add_assessment",
    "view_assessment",
    "view_commitment",
    "view_declaration",
    "view_body",
    "view_deadline",
]
CODEBOOK_MODELS = [
    "declaration",
    "paragraph",
    "body",
    "commitment",
    "commitmentbody",
    "deadline",
]
EDITOR_PERMISSIONS = [
    *ANALYST_PERMISSIONS,
    *(
        f"{action}_{model}"
        for model in CODEBOOK_MODELS
        for action in ("add", "change", "delete", "view")
    ),
    "add_deadlinerevision",
    "view_deadlinerevision",
    *(
        f"view_historical{model}"
        for model in ("declaration", "body", "commitment", "commitmentbody", "deadline")
    ),
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("declarations")
    app_config.models_module = True  # the migration state's stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (
        ("Analysts", ANALYST_PERMISSIONS),
        ("Editors", EDITOR_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="declarations", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions not found: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Analysts", "Editors"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
