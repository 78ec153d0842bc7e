from django.contrib.auth.management import create_permissions
from django.db import migrations

REDACTION_PERMISSIONS = ("add_redaction", "view_redaction")


def let_administrators_redact(apps, schema_editor):
    # Permissions are normally created after all migrations run; create them now so the group can hold them.
    app_config = apps.get_app_config("civicspace")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    administrators, _ = Group.objects.get_or_create(name="Administrators")
    administrators.permissions.add(
        *Permission.objects.filter(content_type__app_label="civicspace", codename__in=REDACTION_PERMISSIONS)
    )


def forget(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Administrators"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="civicspace", codename__in=REDACTION_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("civicspace", "0001_initial"),
        ("events", "0004_roles"),
    ]

    operations = [migrations.RunPython(let_administrators_redact, forget)]
