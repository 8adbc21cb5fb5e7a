"""Roles (docs/access.md) and the covenant's organisations, as data."""

from django.db import migrations

ROLES = [
    "programme_team",
    "director",
    "pto_r_member",
    "partner",
    "intervention_partner",
    "privacy_officer",
    "administrator",
]

ORGANISATIONS = [
    # code, name, kind
    ("oov", "OOV (Openbare Orde en Veiligheid, gemeente Amsterdam)", "core_partner"),
    ("politie", "Politie", "core_partner"),
    ("om", "Openbaar Ministerie (OM)", "core_partner"),
    ("rn", "Reclassering Nederland (RN)", "core_partner"),
    ("ggd", "GGD Amsterdam", "core_partner"),
    ("wpi", "Werk, Participatie en Inkomen (WPI)", "core_partner"),
    ("rvdk", "Raad voor de Kinderbescherming (RvdK)", "core_partner"),
    ("nctv", "NCTV", "national"),
    ("jbra", "Jeugdbescherming Regio Amsterdam (JBRA)", "other"),
    ("id", "Informatiedienst (ID)", "other"),
    ("aalsmeer", "Gemeente Aalsmeer", "municipality"),
    ("amstelveen", "Gemeente Amstelveen", "municipality"),
    ("diemen", "Gemeente Diemen", "municipality"),
    ("ouder-amstel", "Gemeente Ouder-Amstel", "municipality"),
    ("uithoorn", "Gemeente Uithoorn", "municipality"),
    ("stadsdeel-centrum", "Stadsdeel Centrum", "district"),
    ("stadsdeel-nieuw-west", "Stadsdeel Nieuw-West", "district"),
    ("stadsdeel-noord", "Stadsdeel Noord", "district"),
    ("stadsdeel-oost", "Stadsdeel Oost", "district"),
    ("stadsdeel-west", "Stadsdeel West", "district"),
    ("stadsdeel-zuid", "Stadsdeel Zuid", "district"),
    ("stadsdeel-zuidoost", "Stadsdeel Zuidoost", "district"),
    ("stadsdeel-weesp", "Stadsdeel Weesp", "district"),
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Organisation = apps.get_model("ipgar", "Organisation")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, kind in ORGANISATIONS:
        Organisation.objects.update_or_create(code=code, defaults={"name": name, "kind": kind})


class Migration(migrations.Migration):
    dependencies = [("ipgar", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
