"""Append-only logs through our own trigger, which consults nothing (a penetration test's finding).

pgtrigger's Protect trigger honoured the `pgtrigger.ignore` session variable and fired only
in origin mode. `ipgar_append_only()` raises on UPDATE, DELETE and TRUNCATE, always.
"""

import pgtrigger.migrations
from django.db import migrations

from ipgar import append_only

LOGS = ["ipgar_accesslogentry", "ipgar_retentionlogentry", "ipgar_accesslogreview", "ipgar_rolechangelogentry"]


class Migration(migrations.Migration):
    dependencies = [
        ("ipgar", "0005_role_change_log"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="accesslogentry", name="access_log_append_only"),
        pgtrigger.migrations.RemoveTrigger(model_name="retentionlogentry", name="retention_log_append_only"),
        pgtrigger.migrations.RemoveTrigger(model_name="accesslogreview", name="access_log_review_append_only"),
        pgtrigger.migrations.RemoveTrigger(model_name="rolechangelogentry", name="role_change_log_append_only"),
        migrations.RunSQL(append_only.FUNCTION_SQL, append_only.DROP_FUNCTION_SQL),
        *(migrations.RunSQL(append_only.install_sql(table), append_only.uninstall_sql(table)) for table in LOGS),
    ]
