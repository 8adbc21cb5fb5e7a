"""The label index of the access log also orders by time (docs/decisions.md D16).

The case filter and the per-person view read one case code's entries newest first
(ipgar.access_log_query). With (record_label) alone every partition had to sort all of that
code's rows before the first could be merged: for the most-read case hundreds of thousands.
(record_label, at DESC) hands them over in order, so a page reads about 50 rows. It replaces
the old index (same leading column, still used for equality); the log keeps its number of
indexes, so writing a row costs the same. On the partitioned table PostgreSQL builds it on
every month.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ipgar", "0009_partition_access_log"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["record_label", "-at"], name="ipgar_acclog_label_at"),
        ),
        migrations.RemoveIndex(
            model_name="accesslogentry",
            name="ipgar_acclog_label",
        ),
    ]
