"""Create the Writers and Editors groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def make_groups(apps, schema_editor):
    from articles.roles import ensure_groups

    # Permissions are normally created after all migrations have run; the
    # groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    # Apps added later (newsletter) grant their permissions in their own
    # migrations.
    ensure_groups(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        apps_ready={"articles", "companies", "taggit"},
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Writers", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("companies", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_groups, remove_groups)]
