"""Full-text indexes for the case list's search: the words of the code, of the identity's name, and the BSN.

The expressions are `cases.models.CodeWords` and `NameWords`; a query uses the same ones, so
PostgreSQL answers it from these indexes instead of reading every case and identity.
"""

import django.contrib.postgres.indexes
from django.db import migrations, models

import cases.models

# The words of a code (cases.models.CodeWords): its parts, and the number without leading zeros.
# plpgsql, so it is not inlined: its declared cost keeps the planner on the index (three regular
# expressions per code made a sequential scan cost 50 µs a row, which the planner did not know).
CODE_WORDS_SQL = r"""
CREATE FUNCTION ipgar_code_words(code text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
BEGIN
    RETURN to_tsvector('simple'::regconfig,
        regexp_replace(code, '[^0-9A-Za-z]+', ' ', 'g') || ' ' ||
        regexp_replace(regexp_replace(code, '(^|[^0-9])0+([0-9])', '\1\2', 'g'), '[^0-9A-Za-z]+', ' ', 'g'));
END
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_case_last_contact_on'),
    ]

    operations = [
        migrations.RunSQL(CODE_WORDS_SQL, "DROP FUNCTION IF EXISTS ipgar_code_words(text);"),
        migrations.AddIndex(
            model_name='case',
            index=django.contrib.postgres.indexes.GinIndex(cases.models.CodeWords('code'), name='case_code_words_idx'),
        ),
        migrations.AddIndex(
            model_name='caseidentity',
            index=django.contrib.postgres.indexes.GinIndex(cases.models.NameWords('first_name', 'last_name'), name='identity_name_words_idx'),
        ),
        migrations.AddIndex(
            model_name='caseidentity',
            index=models.Index(condition=models.Q(('bsn', ''), _negated=True), fields=['bsn'], name='identity_bsn_idx'),
        ),
    ]
