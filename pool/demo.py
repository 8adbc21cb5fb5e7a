"""The pool's demo steps (memo of 26 May 2020, docs/domain.md source S4), run by seed_demo in
order: the eight directors and the former police directors before the cases; the police
handover, absences, reviews, three-way conversations and the directory after them.

Idempotent: every step checks whether it was done before, so seed_demo can run twice.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.models import Area, Case
from ipgar import roles
from ipgar.demo import demo_account
from ipgar.models import Organisation, User

from . import selectors, services
from .models import Absence, CaseloadReview, Contact, Director, ThreeWayConversation

# The two police directors of the memo (S4): in the pool until 30 June 2020, then their
# open cases went to OOV and WPI. Their accounts cannot log in.
POLICE_DIRECTORS = [("r-politie-1", "Kees", "de Proef"), ("r-politie-2", "Anja", "Voorbeeld")]
POLICE_LEFT = dt.date(2020, 6, 30)


def seed_former_police(*, stdout=None) -> dict[str, Director]:
    """The police directors as they were until the handover (active while the demo writes their
    history; `retire_former_police` closes their accounts afterwards)."""
    by = User.objects.get(username="pt")
    directors = {}
    for username, first, last in POLICE_DIRECTORS:
        user = demo_account(
            username=username,
            first=first,
            last=last,
            role=roles.DIRECTOR,
            organisation="politie",
            function="Casusregisseur (politie, tot 30-06-2020)",
            can_log_in=False,
        )
        directors[username] = Director.objects.filter(user=user).first() or services.director_create(
            user=user,
            by=by,
            organisation=Organisation.objects.get(code="politie"),
            fte=Decimal("1.0"),
            line_manager_name="Manager politie",
            active_from=dt.date(2019, 1, 1),
            active_until=POLICE_LEFT,
        )
    return directors


# username, organisation, FTE, seconded from, only Amstelland
POOL = [
    ("r-oov-1", "oov", Decimal("1.0"), None, False),
    ("r-oov-2", "oov", Decimal("1.0"), None, False),
    ("r-oov-3", "oov", Decimal("0.5"), "jbra", False),
    ("r-amstelland", "amstelveen", Decimal("1.0"), None, True),
    ("r-om", "om", Decimal("0.5"), None, False),
    ("r-rn", "rn", Decimal("0.5"), None, False),
    ("r-wpi", "wpi", Decimal("1.0"), None, False),
    ("r-ggd", "ggd", Decimal("0.5"), None, False),
]


def seed(*, stdout=None) -> dict[str, Director]:
    directors = {}
    amstelland = list(Area.objects.filter(region=Area.Region.AMSTELLAND))
    for username, organisation, fte, seconded_from, only_amstelland in POOL:
        director, created = Director.objects.get_or_create(
            user=User.objects.get(username=username),
            defaults={
                "organisation": Organisation.objects.get(code=organisation),
                "seconded_from": Organisation.objects.get(code=seconded_from) if seconded_from else None,
                "fte": fte,
                "line_manager_name": "Manager moederorganisatie",
                "active_from": dt.date(2019, 1, 1),
            },
        )
        if created and only_amstelland:
            director.restricted_to_areas.set(amstelland)
        directors[username] = director
    return directors


HANDOVER_ON = dt.date(2020, 6, 1)
HANDOVER_REASON = "Notitie regisseurspool 26 mei 2020: casussen van politie naar OOV en WPI"
# The memo's last column: how many former police cases each director takes over, in this order.
HANDOVER = [("r-oov-1", 2), ("r-oov-2", 2), ("r-wpi", 3)]
FORMER_POLICE = ("r-politie-1", "r-politie-2")
DEMO_NOTE = "demo"

# Fictitious contacts (docs/domain.md source S1: attention officers' details are shared with the directors).
CONTACTS = [
    ("politie", "attention_officer", "Rob Verbeek", "IPGA-lid politie, basisteam Centrum-Jordaan"),
    ("politie", "attention_officer", "Samira Haddou", "IPGA-lid politie, basisteam Nieuw-West"),
    ("om", "attention_officer", "Erik Brouwer", "Officier van justitie, portefeuille radicalisering"),
    ("rn", "attention_officer", "Mirjam de Boer", "Aandachtsfunctionaris extremisme, Reclassering"),
    ("ggd", "attention_officer", "Joost Kramer", "Aandachtsfunctionaris GGD, bereikbaar ma-do"),
    ("wpi", "attention_officer", "Hatice Yilmaz", "Aandachtsfunctionaris WPI, schulden en inkomen"),
    ("rvdk", "attention_officer", "Marloes Dekker", "Aandachtsfunctionaris Raad voor de Kinderbescherming"),
    ("jbra", "attention_officer", "Tom Huisman", "Aandachtsfunctionaris JBRA, jeugdbescherming"),
    ("oov", "other", "Femke de Vries", "Functioneel leider programmateam R&E"),
    ("stadsdeel-centrum", "district_project_leader", "Wouter Bos", "Gebiedsprojectleider Centrum"),
    ("stadsdeel-nieuw-west", "district_project_leader", "Leila Amrani", "Gebiedsprojectleider Nieuw-West"),
    ("stadsdeel-noord", "district_project_leader", "Gert Mol", "Gebiedsprojectleider Noord"),
    ("stadsdeel-oost", "district_project_leader", "Ilse Schouten", "Gebiedsprojectleider Oost"),
    ("stadsdeel-west", "district_project_leader", "Naima Ouali", "Gebiedsprojectleider West"),
    ("stadsdeel-west", "district_project_leader", "Bas Koning", "Collega van Naima Ouali, vervangt bij afwezigheid"),
    ("stadsdeel-zuid", "district_project_leader", "Anouk Willems", "Gebiedsprojectleider Zuid"),
    ("stadsdeel-zuidoost", "district_project_leader", "Kwame Mensah", "Gebiedsprojectleider Zuidoost"),
    ("stadsdeel-weesp", "district_project_leader", "Petra Zwart", "Gebiedsprojectleider Weesp"),
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def hand_over_police_cases(*, by: User) -> int:
    """The memo's handover: the open police cases go to r-oov-1, r-oov-2 and r-wpi."""
    open_police = list(
        Case.objects.filter(director__user__username__in=FORMER_POLICE, status__in=Case.CASELOAD_STATUSES)
        .select_related("director")
        .order_by("code")
    )
    if not open_police:
        return 0  # done before (or cases.demo left none)
    receivers = {d.user.username: d for d in Director.objects.filter(user__username__in=[u for u, _n in HANDOVER])}
    moves, queue = [], iter(open_police)
    for username, count in HANDOVER:
        for case in [next(queue, None) for _i in range(count)]:
            if case is not None:
                moves.append((case, receivers[username]))
    # A handover of 2020 in the demo's history: nobody is e-mailed about it today.
    services.cases_hand_over(moves=moves, by=by, reason=HANDOVER_REASON, on=HANDOVER_ON, notify=False)
    return len(moves)


def absences(*, by: User, today: dt.date) -> None:
    """One past absence and one coming one, each with substitution."""
    directors = {d.user.username: d for d in Director.objects.select_related("user")}
    if not Absence.objects.filter(director=directors["r-oov-2"], note=DEMO_NOTE).exists():
        services.absence_register(
            director=directors["r-oov-2"],
            kind=Absence.Kind.LEAVE,
            starts_on=dt.date(2026, 7, 13),
            ends_on=dt.date(2026, 7, 31),
            note=DEMO_NOTE,
            substitute=directors["r-oov-1"],
            by=by,
        )
    if not Absence.objects.filter(director=directors["r-wpi"], note=DEMO_NOTE).exists():
        cases = list(selectors.director_caseload(director=directors["r-wpi"]))
        services.absence_register(
            director=directors["r-wpi"],
            kind=Absence.Kind.LEAVE,
            starts_on=today + dt.timedelta(days=21),
            ends_on=today + dt.timedelta(days=35),
            note=DEMO_NOTE,
            substitute=directors["r-oov-3"],
            # One case goes to the GGD director, who knows the care side of it.
            per_case={cases[0]: directors["r-ggd"]} if cases else None,
            by=by,
        )


def reviews(*, by: User, today: dt.date) -> None:
    """The last caseload review per director (two overdue), some with open instructions."""
    in_pool = selectors.director_figures(on=today).filter(in_pool=True)
    for index, director in enumerate(in_pool):
        if CaseloadReview.objects.filter(director=director).exists():
            continue
        # Two directors are overdue, so the overview has something to flag.
        held_on = today - dt.timedelta(days=110 if index in (2, 5) else 20 + 7 * index)
        cases = list(selectors.director_caseload(director=director)[:3])
        items = []
        for number, case in enumerate(cases):
            item = {
                "case": case,
                "progress": "Plan van aanpak loopt; contact is regelmatig.",
                "content": "Interventies sluiten aan op de leefgebieden.",
                "registration": "Laatste contacten nog niet vastgelegd." if number == 0 else "",
            }
            if number == 0:
                item["instruction"] = "Contacten van de afgelopen maand registreren."
                item["instruction_due_on"] = held_on + dt.timedelta(days=14)
            items.append(item)
        review = services.review_record(
            director=director,
            held_on=held_on,
            by=by,
            summary="Caseloadbespreking op voortgang, inhoud en registratie.",
            items=items,
        )
        # Half the instructions were carried out; the rest stay open on the overview.
        if index % 2 == 0:
            for instruction in review.instructions.all():
                services.instruction_complete(instruction=instruction, by=by, on=held_on + dt.timedelta(days=10))


def three_way_conversations(*, by: User, today: dt.date) -> None:
    for index, director in enumerate(selectors.director_figures(on=today).filter(in_pool=True)):
        if ThreeWayConversation.objects.filter(director=director).exists():
            continue
        services.three_way_record(
            director=director,
            held_on=today - dt.timedelta(days=60 + 30 * index),
            oov_participant=by,
            line_manager_name=director.line_manager_name or "Manager moederorganisatie",
            notes="Functioneren en ontwikkeling besproken; geen bijzonderheden.",
            by=by,
        )


def directory() -> None:
    organisations = {o.code: o for o in Organisation.objects.all()}
    for code, role, name, remarks in CONTACTS:
        slug = name.lower().replace(" ", ".")
        Contact.objects.get_or_create(
            organisation=organisations[code],
            role=role,
            name=name,
            defaults={"email": f"{slug}@example.amsterdam.nl", "phone": "020 555 01 00", "remarks": remarks},
        )


@transaction.atomic
def seed_after_cases(*, stdout=None) -> None:
    """After the cases exist: handover, absences, reviews, three-way conversations, directory."""
    by = User.objects.get(username="pt")
    today = timezone.localdate()
    moved = hand_over_police_cases(by=by)
    absences(by=by, today=today)
    reviews(by=by, today=today)
    three_way_conversations(by=by, today=today)
    directory()
    _say(stdout, f"pool: {moved} police cases handed over; {Contact.objects.count()} directory contacts")
