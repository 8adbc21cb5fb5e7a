"""Bring stored times from before 1900 into the date window (a penetration test's finding).

A registration or grant from 0001-01-01 (Amsterdam) is 0000-12-31 in UTC: PostgreSQL keeps
it, Python cannot read it, so every page and task that loaded the row failed. Such a time
means "long ago"; 1900-01-01 means the same and can be read. Inputs are bounded since
(ipgar.date_window), so this only repairs rows stored before. Not reversed: the old values
were unreadable.
"""

from django.db import migrations

WINDOW_START = "1900-01-01 00:00:00+00"
COLUMNS = {
    "cases_caseaccessgrant": ("valid_from", "valid_until", "revoked_at"),
    "cases_partnerregistration": ("valid_from", "valid_until", "revoked_at"),
}
REPAIR_SQL = "\n".join(
    f"UPDATE {table} SET {column} = '{WINDOW_START}' WHERE {column} < '{WINDOW_START}';"
    for table, columns in COLUMNS.items()
    for column in columns
)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_grant_kind_meeting"),
    ]

    operations = [migrations.RunSQL(REPAIR_SQL, migrations.RunSQL.noop)]
