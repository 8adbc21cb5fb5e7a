"""The meeting bodies of the seeds with their rhythm (memo 004: team 4 weeks, intervision 8)."""

from django.db import migrations

BODIES = [
    # kind, name, rhythm in weeks, member organisation codes
    ("pto_r", "PTO-R", 4, ["oov", "politie", "om", "rn", "ggd", "wpi", "rvdk"]),
    ("directors", "Directeurenoverleg Veiligheid & Zorg", 8, ["oov", "politie", "om", "rn", "ggd", "wpi", "rvdk"]),
    ("team", "iPGA-R teamoverleg", 4, ["oov"]),
    ("itat_r", "ITAT-R", None, ["oov", "politie", "om", "rn", "ggd"]),
    ("itat_r_plus", "ITAT-R+", None, ["oov", "politie", "om", "rn", "ggd"]),
    ("ivg_r", "IVG-R", 2, ["oov", "politie", "ggd"]),
    ("intervision", "Intervisie", 8, ["oov"]),
    ("steering_group", "Stuurgroep", 13, ["oov", "politie", "om"]),
]


def forwards(apps, schema_editor):
    MeetingBody = apps.get_model("meetings", "MeetingBody")
    Organisation = apps.get_model("ipgar", "Organisation")
    for kind, name, rhythm, organisations in BODIES:
        body, _ = MeetingBody.objects.update_or_create(kind=kind, defaults={"name": name, "rhythm_weeks": rhythm})
        body.member_organisations.set(Organisation.objects.filter(code__in=organisations))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial"), ("ipgar", "0002_roles_and_organisations")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
