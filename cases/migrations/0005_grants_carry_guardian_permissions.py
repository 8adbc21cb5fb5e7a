"""Guardian becomes the permission engine (docs/access.md): a grant's guardian permissions
exist from the moment it is made until it ends, and directors also hold
`manage_registrations`. Give the grants not yet ended the rows they now carry."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

PERMISSIONS_BY_KIND = {
    "director": ("view_case", "change_case", "view_identity", "manage_registrations"),
    "substitute": ("view_case", "change_case", "view_identity"),
    "explicit": ("view_case",),
    "partner": ("view_need_to_know",),
}
NAMES = {"manage_registrations": "Can register intervention partners on a case"}


def carry(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Grant = apps.get_model("cases", "CaseAccessGrant")
    Row = apps.get_model("cases", "CaseUserObjectPermission")
    content_type, _ = ContentType.objects.get_or_create(app_label="cases", model="case")
    permission_ids = {}
    for codename in {codename for codenames in PERMISSIONS_BY_KIND.values() for codename in codenames}:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": NAMES.get(codename, codename)}
        )
        permission_ids[codename] = permission.pk
    open_grants = Grant.objects.filter(revoked_at__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now())
    )
    wanted = {
        (user_id, case_id, permission_ids[codename])
        for user_id, case_id, kind in open_grants.values_list("user_id", "case_id", "kind")
        for codename in PERMISSIONS_BY_KIND[kind]
    }
    existing = set(Row.objects.values_list("user_id", "content_object_id", "permission_id"))
    Row.objects.bulk_create(
        [Row(user_id=u, content_object_id=c, permission_id=p) for u, c, p in sorted(wanted - existing)]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_list_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="case",
            options={
                "ordering": ["-reported_on", "-id"],
                "permissions": [
                    ("view_identity", "Can view the identity of a case"),
                    ("view_need_to_know", "Can view the need-to-know summary of a case"),
                    ("manage_registrations", "Can register intervention partners on a case"),
                ],
                "verbose_name": "case",
                "verbose_name_plural": "cases",
            },
        ),
        migrations.RunPython(carry, migrations.RunPython.noop),
    ]
