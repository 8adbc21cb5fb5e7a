"""A version of the users' names, kept by the database (the Woo redaction's cache key).

The Woo redaction withholds every user's name and e-mail and keeps officials' full names; its
patterns are compiled once per state of the users table. That state was an MD5 over every
user, read on each Woo page: 3-5 ms at 5,000 users, growing with them. Now a one-row table
holds a number that a statement-level trigger sets from a sequence whenever users are added,
removed, or their names, e-mail or official flag change (not on a login's last_login).

- The row is written in the writer's transaction: readers see the new number when they see
  the new names, never before (a bare sequence would show it before the commit).
- Numbers come from a sequence, so a rolled-back change never leaves a number that a later
  change reuses.
- Readers read the version before the users (meetings.redaction): a change committed between
  the two reads costs one more build, never a stale one.
"""

from django.db import migrations

INSTALL = """
CREATE SEQUENCE ipgar_users_version_seq;
CREATE TABLE ipgar_users_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO ipgar_users_version VALUES (1, nextval('ipgar_users_version_seq'));
CREATE FUNCTION ipgar_users_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ipgar_users_version VALUES (1, nextval('ipgar_users_version_seq'))
        ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END
$$;
CREATE TRIGGER ipgar_users_added_or_removed AFTER INSERT OR DELETE OR TRUNCATE ON ipgar_user
    FOR EACH STATEMENT EXECUTE FUNCTION ipgar_users_changed();
CREATE TRIGGER ipgar_users_renamed AFTER UPDATE OF first_name, last_name, email, is_public_official ON ipgar_user
    FOR EACH STATEMENT EXECUTE FUNCTION ipgar_users_changed();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS ipgar_users_added_or_removed ON ipgar_user;
DROP TRIGGER IF EXISTS ipgar_users_renamed ON ipgar_user;
DROP FUNCTION IF EXISTS ipgar_users_changed();
DROP TABLE IF EXISTS ipgar_users_version;
DROP SEQUENCE IF EXISTS ipgar_users_version_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("ipgar", "0010_access_log_label_by_time")]

    operations = [migrations.RunSQL(INSTALL, UNINSTALL)]
