"""Demo accounts. Fictitious people; password `ipgar-demo`; refused outside demo mode."""

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


def demo_account(
    *,
    username: str,
    first: str,
    last: str,
    role: str | None,
    organisation: str,
    function: str,
    can_log_in: bool = True,
    is_public_official: bool = False,
) -> User:
    """One fictitious account (the accounts' service for every app's demo step): made once, a
    second call returns it unchanged. `can_log_in=False`: no password (people who left, or who
    only appear in minutes); `role=None`: in no group."""
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
            "is_public_official": is_public_official,
        },
    )
    if created:
        if can_log_in:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
    return user


def deactivate_accounts(*, usernames) -> int:
    """People who have left: their accounts stay (history names them) but cannot act."""
    return User.objects.filter(username__in=usernames, is_active=True).update(is_active=False)


def seed(*, stdout=None) -> dict[str, User]:
    """Create the demo accounts once; a second run changes nothing."""
    return {
        username: demo_account(
            username=username, first=first, last=last, role=role, organisation=organisation, function=function
        )
        for username, first, last, role, organisation, function in ACCOUNTS
    }
