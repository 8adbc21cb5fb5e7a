"""Demo accounts (issue 2). Fictitious people; password `ipgar-demo`; refused outside demo mode."""

from django.contrib.auth.models import Group

from . import roles
from .models import Organisation, User

DEMO_PASSWORD = "ipgar-demo"

# username, first name, last name, role, organisation code, function
ACCOUNTS = [
    ("pt", "Femke", "de Vries", roles.PROGRAMME_TEAM, "oov", "Functioneel leider programmateam R&E"),
    ("r-oov-1", "Sanne", "Bakker", roles.DIRECTOR, "oov", "Casusregisseur"),
    ("r-oov-2", "Youssef", "El Amrani", roles.DIRECTOR, "oov", "Casusregisseur"),
    ("r-oov-3", "Lotte", "Visser", roles.DIRECTOR, "oov", "Casusregisseur (gedetacheerd vanuit JBRA)"),
    ("r-amstelland", "Pieter", "Jansen", roles.DIRECTOR, "amstelveen", "Casusregisseur Amstelland"),
    ("r-om", "Ingrid", "Smit", roles.DIRECTOR, "om", "Casusregisseur"),
    ("r-rn", "Mohamed", "Bouzid", roles.DIRECTOR, "rn", "Casusregisseur"),
    ("r-wpi", "Esther", "Mulder", roles.DIRECTOR, "wpi", "Casusregisseur"),
    ("r-ggd", "Daan", "Hendriks", roles.DIRECTOR, "ggd", "Casusregisseur"),
    ("ptor-politie", "Karin", "van Dijk", roles.PTO_R_MEMBER, "politie", "PTO-R lid politie"),
    ("do-partner", "Hans", "Meijer", roles.PARTNER, "ggd", "Lid Directeurenoverleg Veiligheid & Zorg"),
    ("sd-west", "Naima", "Ouali", roles.INTERVENTION_PARTNER, "stadsdeel-west", "Gebiedsprojectleider West"),
    ("fg", "Robert", "de Graaf", roles.PRIVACY_OFFICER, "oov", "Functionaris gegevensbescherming"),
    ("admin", "Anouk", "Peters", roles.ADMINISTRATOR, "oov", "Applicatiebeheerder"),
]


def seed(*, stdout=None) -> dict[str, User]:
    """Create the demo accounts once; a second run changes nothing."""
    users = {}
    for username, first, last, role, organisation, function in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.amsterdam.nl",
                "organisation": Organisation.objects.get(code=organisation),
                "function_title": function,
                "is_demo": True,
                "is_staff": role == roles.ADMINISTRATOR,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users
