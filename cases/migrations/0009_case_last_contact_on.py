"""`Case.last_contact_on`: the date of the case's last real contact, kept by the database.

The case list sorted by last contact used to evaluate a subquery for every filtered case
before it could choose a page (issue 17: 0.1 s at 20,000 cases, growing with the data). The
column is kept by triggers, so every way a contact changes keeps it right - the services,
the partner's progress, bulk loads, a cascade or a retention delete:

- after INSERT, UPDATE or DELETE on contacts (once per statement, over the transition
  tables): the affected cases (a moved contact: both) get the latest date of their contacts
  that are not attempts;
- before INSERT or UPDATE on cases: a value that is not what the contacts say is replaced by
  what they say, so a case saved from an instance read before a contact was recorded cannot
  write back a stale date (Django's save writes every column).
"""

from django.db import migrations, models

LATEST = "(SELECT max(ct.date) FROM cases_contact ct WHERE ct.case_id = {case} AND ct.kind <> 'attempt')"


def _touch(cases: str) -> str:
    """Set the last contact of the cases `cases` selects; only rows whose date changes are written
    (a contact older than the last one, an attempt or a changed note writes no case row)."""
    return f"""
        UPDATE cases_case c SET last_contact_on = touched.latest
        FROM (
            SELECT ids.case_id, {LATEST.format(case="ids.case_id")} AS latest
            FROM ({cases}) ids
        ) touched
        WHERE c.id = touched.case_id AND c.last_contact_on IS DISTINCT FROM touched.latest;"""


INSTALL = f"""
CREATE FUNCTION ipgar_contacts_touch_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_touch("SELECT DISTINCT case_id FROM new_contacts")}
    ELSIF TG_OP = 'UPDATE' THEN
        {_touch("SELECT case_id FROM old_contacts UNION SELECT case_id FROM new_contacts")}
    ELSE
        {_touch("SELECT DISTINCT case_id FROM old_contacts")}
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER ipgar_contacts_insert AFTER INSERT ON cases_contact
    REFERENCING NEW TABLE AS new_contacts FOR EACH STATEMENT EXECUTE FUNCTION ipgar_contacts_touch_cases();
CREATE TRIGGER ipgar_contacts_update AFTER UPDATE ON cases_contact
    REFERENCING OLD TABLE AS old_contacts NEW TABLE AS new_contacts
    FOR EACH STATEMENT EXECUTE FUNCTION ipgar_contacts_touch_cases();
CREATE TRIGGER ipgar_contacts_delete AFTER DELETE ON cases_contact
    REFERENCING OLD TABLE AS old_contacts FOR EACH STATEMENT EXECUTE FUNCTION ipgar_contacts_touch_cases();

CREATE FUNCTION ipgar_case_last_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.last_contact_on := {LATEST.format(case="NEW.id")};
    RETURN NEW;
END
$$;
CREATE TRIGGER ipgar_case_last_contact_insert BEFORE INSERT ON cases_case
    FOR EACH ROW WHEN (NEW.last_contact_on IS NOT NULL) EXECUTE FUNCTION ipgar_case_last_contact();
CREATE TRIGGER ipgar_case_last_contact_update BEFORE UPDATE ON cases_case
    FOR EACH ROW WHEN (NEW.last_contact_on IS DISTINCT FROM OLD.last_contact_on)
    EXECUTE FUNCTION ipgar_case_last_contact();

UPDATE cases_case c SET last_contact_on = {LATEST.format(case="c.id")};
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS ipgar_contacts_insert ON cases_contact;
DROP TRIGGER IF EXISTS ipgar_contacts_update ON cases_contact;
DROP TRIGGER IF EXISTS ipgar_contacts_delete ON cases_contact;
DROP TRIGGER IF EXISTS ipgar_case_last_contact_insert ON cases_case;
DROP TRIGGER IF EXISTS ipgar_case_last_contact_update ON cases_case;
DROP FUNCTION IF EXISTS ipgar_contacts_touch_cases();
DROP FUNCTION IF EXISTS ipgar_case_last_contact();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_dates_into_window"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="last_contact_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="last contact"),
        ),
        migrations.RunSQL(INSTALL, UNINSTALL),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                models.F("status"),
                models.OrderBy(models.F("last_contact_on"), descending=True, nulls_last=True),
                models.OrderBy(models.F("reported_on"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="case_status_last_contact_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                models.OrderBy(models.F("last_contact_on"), descending=True, nulls_last=True),
                models.OrderBy(models.F("reported_on"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="case_last_contact_idx",
            ),
        ),
    ]
