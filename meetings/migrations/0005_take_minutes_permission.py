"""Taking minutes becomes guardian's per-object permission `meetings.take_minutes` on the
meeting (docs/access.md, "Taking minutes"): held by the meeting's secretary and by the
programme team's group, who took minutes by role and secretary before. Existing meetings get
those rows, and a meeting without minutes gets its (draft) minutes, so reading never creates
them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PROGRAMME_TEAM = "programme_team"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Meeting = apps.get_model("meetings", "Meeting")
    Minutes = apps.get_model("meetings", "Minutes")
    UserRow = apps.get_model("meetings", "MeetingUserObjectPermission")
    GroupRow = apps.get_model("meetings", "MeetingGroupObjectPermission")
    content_type, _ = ContentType.objects.get_or_create(app_label="meetings", model="meeting")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="take_minutes", defaults={"name": "Can take the minutes of the meeting"}
    )
    programme_team, _ = Group.objects.get_or_create(name=PROGRAMME_TEAM)
    Minutes.objects.bulk_create(
        [Minutes(meeting_id=pk) for pk in Meeting.objects.filter(minutes__isnull=True).values_list("pk", flat=True)]
    )
    meetings = list(Meeting.objects.values_list("pk", "secretary_id"))
    GroupRow.objects.bulk_create(
        [GroupRow(group=programme_team, permission=permission, content_object_id=pk) for pk, _ in meetings],
        ignore_conflicts=True,
    )
    UserRow.objects.bulk_create(
        [UserRow(user_id=s, permission=permission, content_object_id=pk) for pk, s in meetings if s is not None],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("meetings", "0004_woo_release"),
        ("ipgar", "0002_roles_and_organisations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="meeting",
            options={
                "ordering": ["-date", "-id"],
                "permissions": [("take_minutes", "Can take the minutes of the meeting")],
                "verbose_name": "meeting",
                "verbose_name_plural": "meetings",
            },
        ),
        migrations.CreateModel(
            name="MeetingGroupObjectPermission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "content_object",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="meetings.meeting"),
                ),
                ("group", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.group")),
                ("permission", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.permission")),
            ],
            options={
                "abstract": False,
                "unique_together": {("group", "permission", "content_object")},
            },
        ),
        migrations.CreateModel(
            name="MeetingUserObjectPermission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "content_object",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="meetings.meeting"),
                ),
                ("permission", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="auth.permission")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "abstract": False,
                "unique_together": {("user", "permission", "content_object")},
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
