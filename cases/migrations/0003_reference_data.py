"""Reference data of the sources (docs/domain.md, S3 and S4): managed in the admin afterwards."""

from django.db import migrations

RISK_CATEGORIES = [
    ("potential-travellers", "(Potentiële) uitreizigers", "(Potential) travellers"),
    ("thwarted-travellers", "Verhinderde uitreizigers", "Thwarted travellers"),
    ("recruiters", "Ronselaars / aanjagers", "Recruiters / instigators"),
    ("returnees", "Terugkeerders", "Returnees"),
    ("lone-actors", "Gewelddadige eenlingen", "Violent lone actors"),
]
IDEOLOGIES = [
    ("jihadist", "Jihadistisch", "Jihadist"),
    ("right-wing", "Rechts-extremistisch", "Right-wing extremist"),
    ("left-wing", "Links-extremistisch", "Left-wing extremist"),
    ("single-issue", "Dierenrechten / milieu (single issue)", "Animal rights / environment (single issue)"),
    ("anti-government", "Anti-overheid", "Anti-government"),
    ("other", "Overig", "Other"),
]
# Zelfredzaamheid-Matrix (ZRM) domains.
LIFE_DOMAINS = [
    ("income", "Financiën", "Income"),
    ("daytime", "Dagbesteding", "Daytime activity"),
    ("housing", "Huisvesting", "Housing"),
    ("domestic", "Huiselijke relaties", "Domestic relations"),
    ("mental-health", "Geestelijke gezondheid", "Mental health"),
    ("physical-health", "Lichamelijke gezondheid", "Physical health"),
    ("addiction", "Verslaving", "Addiction"),
    ("adl", "Algemene dagelijkse levensverrichtingen", "Activities of daily living"),
    ("social-network", "Sociaal netwerk", "Social network"),
    ("participation", "Maatschappelijke participatie", "Social participation"),
    ("justice", "Justitie", "Justice"),
]
REPORT_SOURCES = [
    ("map", "Meldpunt MAP", "MAP reporting point"),
    ("cter", "CTER (politie)", "CTER (police)"),
    ("steunpunt", "Steunpunt Radicalisering", "Radicalisation support point"),
    ("politie", "Politie", "Police"),
    ("partner", "Partner", "Partner"),
]
OUTFLOW_REASONS = [
    ("risk-reduced", "Risico afgenomen", "Risk reduced"),
    ("moved", "Verhuisd", "Moved away"),
    ("long-detention", "Langdurige detentie", "Long detention"),
    ("other-approach", "Overgedragen aan andere aanpak (Top600)", "Transferred to another approach (Top600)"),
    ("deceased", "Overleden", "Deceased"),
]
AREAS = [
    ("centrum", "Centrum", "amsterdam"),
    ("nieuw-west", "Nieuw-West", "amsterdam"),
    ("noord", "Noord", "amsterdam"),
    ("oost", "Oost", "amsterdam"),
    ("west", "West", "amsterdam"),
    ("zuid", "Zuid", "amsterdam"),
    ("zuidoost", "Zuidoost", "amsterdam"),
    ("weesp", "Weesp", "amsterdam"),
    ("aalsmeer", "Aalsmeer", "amstelland"),
    ("amstelveen", "Amstelveen", "amstelland"),
    ("diemen", "Diemen", "amstelland"),
    ("ouder-amstel", "Ouder-Amstel", "amstelland"),
    ("uithoorn", "Uithoorn", "amstelland"),
]
# code, name (nl), name (en), usual partner code
INTERVENTIONS = [
    ("persoonsgerichte-gesprekken", "Persoonsgerichte gesprekken", "Person-centred talks", "oov"),
    ("mentor", "Mentor / maatje", "Mentor", "oov"),
    ("exit-begeleiding", "Exit-begeleiding", "Exit coaching", "rn"),
    ("toezicht", "Reclasseringstoezicht", "Probation supervision", "rn"),
    ("ggz-behandeling", "GGZ-behandeling", "Mental-health treatment", "ggd"),
    ("ggd-screening", "Screening door GGD", "GGD screening", "ggd"),
    ("schulden", "Schuldhulpverlening", "Debt counselling", "wpi"),
    ("werk-dagbesteding", "Traject werk of dagbesteding", "Work or daytime-activity track", "wpi"),
    ("uitkering", "Inkomensondersteuning", "Income support", "wpi"),
    ("stopgesprek", "Stopgesprek / waarschuwingsgesprek", "Warning talk", "politie"),
    ("gebiedsverbod", "Gebiedsverbod", "Area ban", "om"),
    ("strafrechtelijk", "Strafrechtelijke interventie", "Criminal-law intervention", "om"),
    ("jeugdbescherming", "Jeugdbeschermingsmaatregel", "Child-protection measure", "rvdk"),
    ("religieus-mentor", "Theologisch mentoraat", "Theological mentoring", "oov"),
    ("familiebegeleiding", "Familiebegeleiding", "Family support", "oov"),
    ("paspoortmaatregel", "Paspoortmaatregel", "Passport measure", "nctv"),
]


def forwards(apps, schema_editor):
    simple = [
        ("RiskCategory", RISK_CATEGORIES),
        ("Ideology", IDEOLOGIES),
        ("LifeDomain", LIFE_DOMAINS),
        ("ReportSource", REPORT_SOURCES),
        ("OutflowReason", OUTFLOW_REASONS),
    ]
    for model_name, rows in simple:
        model = apps.get_model("cases", model_name)
        for order, (code, name, name_en) in enumerate(rows, start=1):
            model.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "order": order})
    Area = apps.get_model("cases", "Area")
    for order, (code, name, region) in enumerate(AREAS, start=1):
        Area.objects.update_or_create(code=code, defaults={"name": name, "region": region, "order": order})
    Organisation = apps.get_model("ipgar", "Organisation")
    InterventionType = apps.get_model("cases", "InterventionType")
    for order, (code, name, name_en, partner) in enumerate(INTERVENTIONS, start=1):
        InterventionType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "order": order,
                "default_partner": Organisation.objects.get(code=partner),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial"), ("ipgar", "0002_roles_and_organisations")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
