from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_APPS = ("events", "organisations")
# Contributors may delete a draft event and the rows inside it; EventAdmin.has_delete_permission keeps it to drafts.
CONTRIBUTOR_DELETES = (
    "delete_event",
    "delete_citation",
    "delete_eventorganisation",
    "delete_eventperson",
    "delete_affiliation",
)


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations run; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    in_apps = Permission.objects.filter(content_type__app_label__in=EDITOR_APPS)
    # History is written by the models and never edited by hand: editors may only view it.
    history_views = in_apps.filter(content_type__model__startswith="historical", codename__startswith="view_")
    editor_permissions = in_apps.exclude(content_type__model__startswith="historical") | history_views

    reviewers = Group.objects.filter(name="Editors").first() or Group(name="Reviewers")
    reviewers.name = "Reviewers"
    reviewers.save()
    reviewers.permissions.set(editor_permissions)

    contributors, _ = Group.objects.get_or_create(name="Contributors")
    contributors.permissions.set(
        editor_permissions.filter(codename__regex=r"^(add|change|view)_")
        | editor_permissions.filter(codename__in=CONTRIBUTOR_DELETES)
    )

    administrators, _ = Group.objects.get_or_create(name="Administrators")
    administrators.permissions.set(
        Permission.objects.filter(content_type__app_label="auth", content_type__model__in=["user", "group"])
    )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=["Contributors", "Administrators"]).delete()
    Group.objects.filter(name="Reviewers").update(name="Editors")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_history_versions_withdrawal"),
        ("organisations", "0002_history_versions"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
