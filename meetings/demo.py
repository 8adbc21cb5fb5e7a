# ruff: noqa: E501  (demo prose from the seed minutes reads better unbroken)
"""Demo meetings: the three seed meetings rebuilt with fictitious names, minutes for the
PTO-R meetings that cases.demo made for its decisions, and a year of team meetings.

Every person here is fictitious. Runs after cases.demo; a second run changes nothing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ipgar.demo import demo_account
from ipgar.models import Organisation, User

from . import grounds, services
from .models import AgendaItem, Invitation, Meeting, MeetingBody, MinuteEntry, Minutes, WooMark

K = MeetingBody.Kind
A = Invitation.Attendance
E = MinuteEntry.Kind

# username, first name, last name, organisation, function, public official
PEOPLE = [
    ("demo-ptor-om", "Marloes", "Kuipers", "om", "PTO-R lid OM", False),
    ("demo-ptor-rn", "Sjoerd", "Brouwer", "rn", "PTO-R lid RN", False),
    ("demo-ptor-ggd", "Anouk", "Verbeek", "ggd", "PTO-R lid GGD", False),
    ("demo-ptor-wpi", "Rachid", "Amrani", "wpi", "PTO-R lid WPI", False),
    ("demo-ptor-rvdk", "Ilse", "Dekker", "rvdk", "PTO-R lid RvdK", False),
    ("demo-id", "Joost", "Willems", "id", "Informatiedienst", False),
    ("demo-id-gast", "Merel", "Schouten", "id", "Informatiedienst", False),
    ("demo-nctv", "Bart", "Hoekstra", "nctv", "NCTV", False),
    ("demo-pt-analist", "Sophie", "Koster", "oov", "Analist programmateam", False),
    # The directors' meeting of 28 October 2019 (docs/domain.md source S2).
    ("demo-do-acvz", "Gerard", "Lammers", "oov", "Voorzitter AcVZ", False),
    ("demo-do-oov", "Willem", "Haverkamp", "oov", "Directeur OOV", True),
    ("demo-do-politie", "Erik", "Postma", "politie", "Lid Directeurenoverleg", False),
    ("demo-do-om", "Carla", "Timmer", "om", "Lid Directeurenoverleg", False),
    ("demo-do-wpi", "Henk", "Vos", "wpi", "Lid Directeurenoverleg", False),
    ("demo-do-rvdk", "Judith", "Sanders", "rvdk", "Lid Directeurenoverleg", False),
    ("demo-do-rn", "Arjen", "Bosman", "rn", "Lid Directeurenoverleg", False),
    ("demo-do-ggd", "Jacob", "Wolters", "ggd", "Directeur GGD", True),
    ("demo-do-3ro", "Paul", "Kramer", "oov", "namens 3Ro", False),
    ("demo-do-secretaris", "Linda", "Groen", "oov", "Secretaris Directeurenoverleg", False),
    # District project leaders at the team meeting of 15 June 2021 (docs/domain.md source S1); sd-west is Naima Ouali.
    ("demo-sd-centrum", "Tessa", "Smeets", "stadsdeel-centrum", "Gebiedsprojectleider Centrum", False),
    ("demo-sd-nieuw-west", "Hamza", "Yilmaz", "stadsdeel-nieuw-west", "Gebiedsprojectleider Nieuw-West", False),
    ("demo-sd-noord", "Roos", "Prins", "stadsdeel-noord", "Gebiedsprojectleider Noord", False),
    ("demo-sd-zuidoost", "Kofi", "Mensah", "stadsdeel-zuidoost", "Gebiedsprojectleider Zuidoost", False),
    ("demo-sd-zuid", "Evelien", "Bos", "stadsdeel-zuid", "Gebiedsprojectleider Zuid", False),
    ("demo-oov-af", "Nadia", "Bennani", "oov", "Coördinator aandachtsfunctionarissen", False),
]
SEED_PTO_R = dt.date(2020, 3, 9)
SEED_DIRECTORS = dt.date(2019, 10, 28)
DIRECTORS = ["r-oov-1", "r-oov-2", "r-oov-3", "r-amstelland", "r-om", "r-rn", "r-wpi", "r-ggd"]


def _people() -> dict[str, User]:
    people = {
        u.username: u
        for u in User.objects.filter(username__in=[*DIRECTORS, "pt", "ptor-politie", "do-partner", "sd-west"])
    }
    for username, first, last, org, function, official in PEOPLE:
        # Attendees in the minutes only: in no role, they never log in.
        people[username] = demo_account(
            username=username,
            first=first,
            last=last,
            role=None,
            organisation=org,
            function=function,
            can_log_in=False,
            is_public_official=official,
        )
    return people


def _woo_coordinator() -> User:
    """A second programme-team member with the right to approve Woo releases (four eyes)."""
    from django.contrib.auth.models import Permission

    from ipgar import roles

    user = demo_account(
        username="pt-woo",
        first="Jasper",
        last="Meulenbelt",
        role=roles.PROGRAMME_TEAM,
        organisation="oov",
        function="Woo-coördinator programmateam",
    )
    user.user_permissions.add(Permission.objects.get(codename="approve_woo_release"))
    return user


def _memberships(p: dict[str, User]) -> None:
    pt = p["pt"]
    body = MeetingBody.objects.get
    pto_r = body(kind=K.PTO_R)
    pto_r.members.add(pt, p["ptor-politie"], *(p[u] for u in p if u.startswith("demo-ptor-")))
    body(kind=K.DIRECTORS).members.add(p["do-partner"], *(p[u] for u in p if u.startswith("demo-do-")))
    body(kind=K.TEAM).members.add(pt, *(p[u] for u in DIRECTORS))
    body(kind=K.INTERVISION).members.add(*(p[u] for u in DIRECTORS))


def _meeting(body_kind: str, date: dt.date, *, by, **kwargs) -> Meeting:
    existing = Meeting.objects.filter(body__kind=body_kind, date=date).first()
    if existing is not None:
        return existing
    return services.meeting_create(body=MeetingBody.objects.get(kind=body_kind), date=date, by=by, **kwargs)


def _item(meeting: Meeting, order: int) -> AgendaItem:
    return meeting.agenda_items.filter(order=order).first()


def _say(item, text, *, by, kind=E.STATEMENT, org=None, person=None):
    organisation = Organisation.objects.get(code=org) if org else None
    return services.entry_add(agenda_item=item, kind=kind, text=text, organisation=organisation, person=person, by=by)


def _attend(meeting, p, *, by, present=(), absent=(), by_email=(), guests=(), admitted=()):
    for username, attendance in (
        *((u, A.PRESENT) for u in present),
        *((u, A.ABSENT) for u in absent),
        *((u, A.COMMENTS_BY_EMAIL) for u in by_email),
        *((u, A.GUEST) for u in guests),
    ):
        user = p.get(username)
        if user is not None:
            services.invitation_save(
                meeting=meeting, user=user, attendance=attendance, admitted_to_closed_part=username in admitted, by=by
            )
        else:  # an organisation code: attendance per organisation, as docs/domain.md source S0 records it
            services.invitation_save(
                meeting=meeting, organisation=Organisation.objects.get(code=username), attendance=attendance, by=by
            )


def _minute(item, p, rows, *, by, kind=E.STATEMENT) -> None:
    """Minute entries in order, from rows of (organisation code or None, username or None, text)."""
    for org, person, text in rows:
        _say(item, text, kind=kind, org=org, person=p[person] if person else None, by=by)


# Seed 000, the PTO-R of 9 March 2020 (docs/domain.md source S0).
SEED_000_ATTENDANCE = {
    "present": ["pt", "ptor-politie", "demo-ptor-ggd", "demo-ptor-rn", "demo-id", "demo-nctv"],
    "absent": ["demo-ptor-rvdk", "demo-ptor-wpi"],
    "by_email": ["demo-ptor-om"],
    "guests": ["demo-id-gast"],
}
SEED_000_OPENING_NOTES = [
    (None, None, "WPI, OM en RvdK zijn afwezig. OM heeft opmerkingen per mail doorgegeven."),
    (None, None, "Als gast is aangeschoven: Merel Schouten vanuit de ID."),
]
SEED_000_ANNOUNCEMENTS = [
    ("nctv", None, "deelt mede dat hij binnenkort vertrekt bij de NCTV."),
    ("rn", None, "deelt mede dat regisseur Mohamed Bouzid per 1 april een andere functie krijgt."),
    (
        "id",
        None,
        "deelt mede dat de analist is vertrokken en dat hij de taken tijdelijk (tot september) zal waarnemen.",
    ),
    (
        None,
        "pt",
        "deelt mede dat Sophie Koster de interventies binnen de iPGA-R in kaart zal brengen: wat is er in huis aan "
        "interventies, wat missen we nog? De bevindingen zijn uitsluitend bedoeld voor interne sturing ('bruto' "
        "kwartaalmonitor); de overige partners ontvangen een 'netto' kwartaalmonitor.",
    ),
    (
        None,
        "pt",
        "deelt mede dat er op 20 maart een brainstorm is georganiseerd met de leden van de werkgroep Beleidskader, de "
        "overige PTO-R leden en een tweetal mensen uit de wetenschappelijke hoek, over visie, missie en doelgroepen van "
        "de aanpak.",
    ),
    (
        None,
        "pt",
        "deelt mede dat er op 23 maart een Benen-Op-Tafel overleg is georganiseerd voor het PTO-R: waar staan we, wat "
        "loopt goed, wat niet en hoe kunnen wij elkaar beter vinden?",
    ),
]
SEED_000_POOL = [
    (
        "id",
        None,
        "geeft aan dat de regisseurs momenteel nog teveel denken vanuit hun eigen koker; aansturing vanuit een centraal punt (het programmateam) lijkt goed.",
    ),
    (
        "politie",
        None,
        "is van mening dat de expertise vanuit de moederorganisatie een andere expertise is dan de regisseurs-expertise (regievoering zonder macht) en blijft voorstander van verdelen naar 'wie heeft de beste kaarten'.",
    ),
    (
        "nctv",
        None,
        "geeft aan dat de meeste gemeenten in het land werken met een centrale pool van regisseurs, gecoördineerd door de gemeenten of de veiligheidshuizen.",
    ),
    (
        "rn",
        None,
        "geeft aan dat de discussie onderdeel uitmaakt van de evaluatie en is voorstander van centrale aansturing van de regisseurs.",
    ),
    ("ggd", None, "sluit zich hierbij aan."),
]


def _seed_000_minutes_item(m: Meeting) -> AgendaItem:
    """The standard agenda's adoption of the previous PTO-R minutes (meeting_create put it on)."""
    return m.agenda_items.get(kind=AgendaItem.Kind.PREVIOUS_MINUTES)


def _seed_000_case_item(m: Meeting, *, by) -> None:
    """Seed 000 discusses one case (withheld on "4.1.4"): a demo case that was running then."""
    from cases.models import Case

    running = Case.objects.filter(included_on__lt=SEED_PTO_R, closed_on__isnull=True).order_by("code").first()
    if running is not None and not m.agenda_items.filter(case=running).exists():
        case_item = services.agenda_item_add(
            meeting=m, title="", case=running, description="Voortgang van de casus.", by=by
        )
        _say(case_item, "De regisseur licht de voortgang toe; de interventies lopen volgens plan.", kind=E.NOTE, by=by)
        services.agenda_item_set_ground(item=case_item, ground="4.1.4", by=by)


def _pto_r_2020(p, pt) -> Meeting:
    """Seed 000: the PTO-R of 9 March 2020 (cases.demo may already have decided cases there)."""
    previous = _meeting(K.PTO_R, dt.date(2020, 2, 10), by=pt)
    m = _meeting(K.PTO_R, SEED_PTO_R, by=pt, start_time=dt.time(10, 0), place="Stadhuis, Amstel 1")
    _attend(m, p, by=pt, **SEED_000_ATTENDANCE)
    opening = m.agenda_items.filter(order=1).first() or services.agenda_item_add(
        meeting=m, title="Opening, agenda en mededelingen", by=pt
    )
    _minute(opening, p, SEED_000_OPENING_NOTES, kind=E.NOTE, by=pt)
    services.decision_create(meeting=m, agenda_item=opening, text="De agenda wordt vastgesteld.", by=pt)
    _minute(opening, p, SEED_000_ANNOUNCEMENTS, kind=E.ANNOUNCEMENT, by=pt)
    _minute(_seed_000_minutes_item(m), p, SEED_000_POOL, by=pt)
    _seed_000_case_item(m, by=pt)
    expect = services.agenda_item_add(
        meeting=m, title="Wat verwachten wij van de regisseurs en wat moeten zij kennen en kunnen?", by=pt
    )
    _say(expect, "Dit punt is nog niet besproken en wordt meegenomen in het volgende PTO-R.", kind=E.NOTE, by=pt)
    services.minutes_circulate(minutes=m.minutes, by=pt)
    if Minutes.objects.filter(meeting=previous, status=Minutes.Status.DRAFT).exists():
        services.minutes_circulate(minutes=previous.minutes, by=pt)
    return m


# Seed 001, the team meeting of 15 June 2021 (docs/domain.md source S1).
# Its action list: agreed at, subject, action(s), owner's username, completion as agreed.
SEED_001_ACTIONS = [
    (
        dt.date(2021, 3, 23),
        "Bijeenkomst over kwetsbaarheid regisseurs bij casuïstiek in de media",
        "Femke de Vries plant bijeenkomst en vraagt ook iemand van Woordvoering BM om aan te sluiten",
        "pt",
        "27 mei",
    ),
    (
        dt.date(2021, 3, 23),
        "Teamuitstapje in Westerpark",
        "Sanne Bakker plant, in samenspraak met Lotte Visser, een BBQ in Landsmeer",
        "r-oov-1",
        "Voor de zomervakantie",
    ),
    (
        dt.date(2021, 3, 23),
        "Familiebijeenkomst(en) met BM",
        "Regisseurs gaan binnen de caseload na welke casussen hieraan behoefte hebben en koppelen dit terug aan Femke de Vries",
        None,
        "z.s.m.",
    ),
    (
        dt.date(2021, 3, 23),
        "Bijeenkomst over veiligheid met directeur OOV",
        "Femke de Vries heeft het secretariaat van Willem Haverkamp gevraagd een bijeenkomst in te plannen.",
        "pt",
        "z.s.m.",
    ),
    (
        dt.date(2020, 10, 1),
        "Actualisering interventiepallet",
        "Youssef El Amrani heeft het interventiepallet teruggebracht naar een basispallet; daarna wordt het jaarlijks geactualiseerd.",
        "r-oov-2",
        "Eerste helft 2021, daarna jaarlijks",
    ),
    (
        dt.date(2020, 12, 3),
        "Verbinding tussen programmateam en regisseurspool",
        "Femke de Vries organiseert een bijeenkomst tussen het programmateam en de regisseurspool.",
        "pt",
        "Tweede helft 2021",
    ),
    (
        dt.date(2020, 10, 1),
        "Evaluatie nieuwe regisseurspool / Teamuitje regisseurspool",
        "Allen: de ervaringen worden tijdens het volgende teamuitje gedeeld; Femke de Vries werkt verbeterpunten uit.",
        None,
        "September 2021",
    ),
]
SEED_001_DONE = "Bijeenkomst over kwetsbaarheid regisseurs bij casuïstiek in de media"
SEED_001_ATTENDANCE = {
    "present": ["pt", "r-oov-1", "r-oov-2", "r-oov-3", "r-om", "r-rn", "r-wpi", "r-ggd"],
    "absent": ["r-amstelland"],
    "guests": [
        "demo-sd-centrum",
        "demo-sd-nieuw-west",
        "demo-sd-noord",
        "demo-sd-zuidoost",
        "demo-sd-zuid",
        "stadsdeel-west",  # sd-west is an intervention partner: recorded by organisation
        "demo-oov-af",
    ],
}
SEED_001_INTRODUCTIONS = [
    (
        None,
        "pt",
        "heet iedereen welkom en licht toe dat de regisseurspool is teruggebracht tot 7 regisseurs en 1 regisseur voor de Amstellandgemeenten.",
    ),
    (
        None,
        "r-oov-1",
        "merkt op dat het goed is om voor elke casus de samenwerking te zoeken met het stadsdeel; het stadsdeel vult dan het registratieformulier voor interventiepartners in.",
    ),
    (
        None,
        "pt",
        "geeft aan dat bepaalde informatie bewust niet met het stadsdeel wordt gedeeld, zoals het informatiebeeld; een projectleider krijgt alleen 'need-to-know' informatie.",
    ),
    (
        None,
        "sd-west",
        "merkt op dat zij in het verleden zelf als regisseur heeft gewerkt en dat de borging en nazorg binnen het stadsdeel toen erg werd gemist.",
    ),
]
SEED_001_PICTURE = [
    (
        None,
        "demo-pt-analist",
        "geeft een presentatie over het informatiebeeld; het is een vertrouwelijk stuk dat niet verder wordt verspreid.",
    ),
    (None, "r-om", "geeft aan het beeld te herkennen."),
]
SEED_001_FORWARD = [
    (
        "Trainingsdagen voor leden Weegploeg",
        {"target_date": dt.date(2021, 6, 30), "target_text": "30 juni (9-13 uur) en 8 juli (13-17 uur)"},
    ),
    (
        "Intervisiebijeenkomsten voor regisseurs",
        {"target_date": dt.date(2021, 6, 22), "target_text": "22/6, 23/9, 11/11 en 16/12"},
    ),
    (
        "Vervolgbijeenkomst over veiligheid met directeur OOV",
        {"target_text": "Mei/juni of na zomervakantie", "still_to_plan": True},
    ),
    ("BBQ voor regisseurspool in Landsmeer", {"target_text": "Voor zomervakantie", "still_to_plan": True}),
    ("Toelichting GGD op ZRM", {"target_text": "iPGA-R", "still_to_plan": True}),
    ("Uitnodigen TA's", {"target_text": "iPGA-R", "still_to_plan": True}),
    (
        "Bijeenkomst tussen programmateam R&E en regisseurspool",
        {"target_text": "2e helft 2021", "still_to_plan": True},
    ),
    (
        "Teamuitje regisseurspool",
        {"target_date": dt.date(2021, 9, 15), "target_text": "September 2021", "still_to_plan": True},
    ),
]


def _seed_001_actions(p, pt, earlier: dict) -> dict:
    """The action list as it stood before the meeting, by subject."""
    return {
        subject: services.action_create(
            meeting=earlier[date],
            subject=subject,
            description=description,
            owner=p[owner] if owner else None,
            deadline_text=when,
            by=pt,
        )
        for date, subject, description, owner, when in SEED_001_ACTIONS
    }


def _seed_001_agenda(m: Meeting, p, pt) -> None:
    """Seed 001's order: introductions, attention officers, opening, the minutes with the action
    list, the information picture, closing."""
    first = services.agenda_item_add(meeting=m, title="Kennismaking met projectleiders stadsdelen", by=pt)
    # The seed takes the introductions before the opening.
    opening = m.agenda_items.order_by("order", "id").first()
    first = services.agenda_item_move(item=first, before=opening, by=pt)
    _minute(first, p, SEED_001_INTRODUCTIONS, by=pt)
    second = services.agenda_item_add(
        meeting=m, title="Toelichting door Nadia Bennani over aandachtsfunctionarissen", by=pt
    )
    _say(
        second,
        "licht toe dat aandachtsfunctionarissen fungeren als 'gate-keepers' voor het Steunpunt en als vraagbaak voor collega's.",
        person=p["demo-oov-af"],
        by=pt,
    )
    services.decision_create(
        meeting=m,
        agenda_item=second,
        text="Afgesproken wordt dat de contactgegevens van de aandachtsfunctionarissen worden gedeeld met de regisseurs.",
        by=pt,
    )
    services.decision_create(meeting=m, agenda_item=_item(m, 1), text="De agenda wordt vastgesteld.", by=pt)
    _say(_item(m, 1), "Pieter Jansen en de Amstellandgemeenten zijn afwezig.", kind=E.NOTE, by=pt)
    prev = m.agenda_items.filter(kind=AgendaItem.Kind.PREVIOUS_MINUTES).first()
    if prev is not None:
        _say(
            prev,
            "Het verslag is niet besproken. Dit agendapunt wordt doorgeschoven naar het volgende overleg.",
            kind=E.NOTE,
            by=pt,
        )
    services.agenda_item_move(item=second, before=opening, by=pt)
    actions_item = m.agenda_items.filter(kind=AgendaItem.Kind.ACTIONS).first()
    if prev is not None:
        services.agenda_item_retitle(
            item=prev, title="Vaststellen verslag iPGA-R Teamoverleg d.d. 18 mei 2021 + actualiseren actielijst", by=pt
        )
        if actions_item is not None:
            services.agenda_item_remove(item=actions_item, by=pt)
    picture = services.agenda_item_add(meeting=m, title="Toelichting op informatiebeeld april 2021", by=pt)
    _minute(picture, p, SEED_001_PICTURE, by=pt)


def _team_2021(p, pt) -> Meeting:
    """Seed 001: the team meeting of 15 June 2021 with its action list and forward agenda."""
    earlier = {
        d: _meeting(K.TEAM, d, by=pt) for d in (dt.date(2020, 10, 1), dt.date(2020, 12, 3), dt.date(2021, 3, 23))
    }
    made = _seed_001_actions(p, pt, earlier)
    may = _meeting(K.TEAM, dt.date(2021, 5, 18), by=pt)
    m = _meeting(K.TEAM, dt.date(2021, 6, 15), by=pt, start_time=dt.time(13, 30), place="Amstel 1, kamer 4.12")
    services.action_complete(action=made[SEED_001_DONE], meeting=m, by=pt)
    _attend(m, p, by=pt, **SEED_001_ATTENDANCE)
    _seed_001_agenda(m, p, pt)
    for topic, kwargs in SEED_001_FORWARD:
        services.forward_item_create(body=m.body, topic=topic, by=pt, **kwargs)
    for earlier_meeting in [*earlier.values(), may]:
        if earlier_meeting.minutes.status == Minutes.Status.DRAFT:
            services.minutes_circulate(minutes=earlier_meeting.minutes, by=pt)
    services.minutes_circulate(minutes=m.minutes, by=pt)
    return m


# Seed 002, the closed part of the directors' meeting of 28 October 2019 (docs/domain.md source S2).
SEED_002_ATTENDANCE = {
    "present": [
        "demo-do-acvz",
        "demo-do-oov",
        "demo-do-politie",
        "demo-do-om",
        "demo-do-wpi",
        "demo-do-3ro",
        "demo-do-rvdk",
        "demo-do-secretaris",
    ],
    # The demo's directors' meeting partner sits for the GGD, which was absent (seed 002).
    "absent": ["demo-do-ggd", "demo-do-rn", "do-partner"],
    "guests": ["pt"],
    "admitted": ["demo-do-politie", "demo-do-om", "demo-do-rn", "demo-do-rvdk", "demo-do-wpi", "do-partner", "pt"],
}
SEED_002_NOTES = [
    (
        None,
        None,
        "Dit onderwerp is in een besloten deel besproken in aanwezigheid van: Politie, OM, RN, RvdK en WPI. GGD was afwezig.",
    ),
]
SEED_002_STATEMENTS = [
    (
        None,
        "pt",
        "licht toe dat doorontwikkeling van de aanpak nodig is: kenmerken van 'geradicaliseerden', de opkomst van andere ideologieën dan het jihadisme en de ervaringen met de huidige iPGA-R.",
    ),
    (
        None,
        "demo-do-politie",
        "zou liever een duidelijker indeling van het voorstel zien. De term 'status: statisch' vindt hij een groot risico: of je staat op de lijst en er wordt op ingezet, of je gaat van de lijst af.",
    ),
    (
        None,
        "demo-do-om",
        "adviseert eerst te starten met een herijking van het beleidskader en het Sociaal Domein op te nemen in de werkgroep.",
    ),
    (None, "demo-do-oov", "oppert het een probleemanalyse te noemen en geen Plan van Aanpak."),
    (None, "demo-do-wpi", "raadt aan ook het eigen functioneren te evalueren."),
]


def _directors_2019(p, pt) -> Meeting:
    """Seed 002: the closed part of the directors' meeting of 28 October 2019."""
    m = _meeting(
        K.DIRECTORS,
        SEED_DIRECTORS,
        by=pt,
        start_time=dt.time(16, 0),
        end_time=dt.time(16, 30),  # docs/domain.md source S2: 16.00 - 16.30 uur
        place="Actiecentrum Veiligheid en Zorg, Wibautstraat 6",
        chair=p["demo-do-acvz"],
        secretary=pt,
        has_closed_part=True,
    )
    _attend(m, p, by=pt, **SEED_002_ATTENDANCE)
    item = services.agenda_item_add(
        meeting=m,
        title="Plan van aanpak doorontwikkeling beleidskader en uitvoeringskader iPGA-R",
        is_closed_part=True,
        by=pt,
    )
    _minute(item, p, SEED_002_NOTES, kind=E.NOTE, by=pt)
    _minute(item, p, SEED_002_STATEMENTS, by=pt)
    services.decision_create(
        meeting=m,
        agenda_item=item,
        text="Het stuk wordt teruggebracht tot een probleemanalyse. Deze zal samen met het ophalen van een opdracht tot "
        "doorontwikkeling op 18 november 2019 aan de Stuurgroep Veiligheid en Zorg worden voorgelegd.",
        by=pt,
    )
    services.minutes_circulate(minutes=m.minutes, by=pt)
    return m


def _seed_000_adoption(m: Meeting, previous: Meeting, p, pt) -> None:
    """Seed 000: the minutes of 10 February are adopted "met inachtneming van een enkele tekstuele
    wijziging" as the first decision under item 2, then the A4 decision and its action."""
    minutes_item = m.agenda_items.filter(kind=AgendaItem.Kind.PREVIOUS_MINUTES).first()
    services.minutes_adopt(
        minutes=Minutes.objects.get(meeting=previous),
        at_meeting=m,
        changes="een enkele tekstuele wijziging",
        decision_text=""
        if previous.date != dt.date(2020, 2, 10)
        else "Het verslag van het PTO-R d.d. 10 februari 2020 wordt vastgesteld, met inachtneming van een "
        "enkele tekstuele wijziging. Het vastgestelde verslag zal ter kennisname worden meegestuurd met de stukken "
        "van de volgende vergadering.",
        by=pt,
    )
    minutes_item = m.agenda_items.filter(kind=AgendaItem.Kind.PREVIOUS_MINUTES).first() or minutes_item
    services.decision_create(
        meeting=m,
        agenda_item=minutes_item,
        text="Het programmateam stelt aan de hand van de gemaakte opmerkingen een A4 op met voorstellen voor de "
        "inrichting van een kleinere pool en de aansturing daarvan. De PTO-R leden bespreken de varianten vooraf "
        "met het Directeurenoverleg-lid van de eigen organisatie.",
        by=pt,
    )
    services.action_create(
        meeting=m,
        agenda_item=minutes_item,
        subject="A4 inrichting regisseurspool",
        description="Femke de Vries stelt een A4 op met varianten voor de pool en de aansturing; per mail naar de PTO-R leden.",
        owner=p["pt"],
        deadline=dt.date(2020, 4, 6),
        by=pt,
    )


def _pto_r_minutes(p, pt) -> None:
    """Case items and adoption for the PTO-R meetings of the decisions seed_demo recorded (made by
    meetings.services.meeting_create, so with their minutes and standard agenda)."""
    today = timezone.localdate()
    meetings = list(Meeting.objects.filter(body__kind=K.PTO_R).order_by("date"))
    previous = None
    for m in meetings:
        for decision in m.decisions.filter(case__isnull=False, agenda_item__isnull=True).select_related("case"):
            item = services.agenda_item_add(
                meeting=m,
                title="",
                case=decision.case,
                description=f"Voorstel: {decision.get_kind_display()}.",
                by=pt,
            )
            # The decision was taken (and carried out) in the cases' story; here it is filed under its item.
            services.decision_file_under(decision=decision, agenda_item=item, by=pt)
            _say(
                item,
                "De regisseur licht de casus toe; de leden stellen vragen over voortgang en risico's.",
                kind=E.NOTE,
                by=pt,
            )
            if m.date == SEED_PTO_R:
                # Seed 000 withholds its case on "4.1.4": kept as seen, flagged for a human in the publication.
                services.agenda_item_set_ground(item=item, ground="4.1.4", by=pt)
        if previous is not None and m.date <= today:
            minutes = Minutes.objects.get(meeting=previous)
            if minutes.status == Minutes.Status.DRAFT:
                services.minutes_circulate(minutes=minutes, by=pt)
                minutes.refresh_from_db()
            if minutes.status == Minutes.Status.CIRCULATED and m.date == SEED_PTO_R:
                _seed_000_adoption(m, previous, p, pt)
            elif minutes.status == Minutes.Status.CIRCULATED:
                services.minutes_adopt(minutes=minutes, at_meeting=m, by=pt)
        previous = m


def _team_year(p, pt) -> None:
    """Team meetings every 4 weeks for a year up to two months ahead, adopted one after the other."""
    today = timezone.localdate()
    start = today - dt.timedelta(weeks=48)
    start += dt.timedelta(days=(1 - start.weekday()) % 7)  # on Tuesdays, as the seed's team meeting
    present = ["pt", *DIRECTORS]
    previous = None
    for n in range(15):
        day = start + dt.timedelta(weeks=4 * n)
        m = _meeting(K.TEAM, day, by=pt, start_time=dt.time(13, 30), place="Amstel 1")
        if day <= today:
            _attend(m, p, by=pt, present=present[: 7 + n % 3], absent=present[7 + n % 3 :])
            opening = _item(m, 1)
            _say(opening, "Caseloads en capaciteit besproken aan de hand van het pooloverzicht.", kind=E.NOTE, by=pt)
            if n % 3 == 0:
                services.action_create(
                    meeting=m,
                    subject=f"Intervisie voorbereiden ({day:%B})",
                    description="Lotte Visser bereidt de casus voor de volgende intervisie voor.",
                    owner=p["r-oov-3"],
                    deadline=day + dt.timedelta(weeks=8),
                    by=pt,
                )
            if previous is not None:
                for action in services.open_actions_for(body=m.body, on=day).filter(meeting=previous):
                    if n % 2 == 0:
                        services.action_complete(action=action, meeting=m, by=pt)
                services.minutes_circulate(minutes=previous.minutes, by=pt)
                services.minutes_adopt(minutes=previous.minutes, at_meeting=m, by=pt)
            previous = m


# What the secretary judges public among the detector's flags (bodies, not persons); every other
# flag is withheld on 5.1.2.e.
KEEP_PUBLIC = {"Stuurgroep Veiligheid en Zorg", "Sociaal Domein", "Plan van Aanpak", "Benen-Op-Tafel"}


def _woo_release(m: Meeting, pt, coordinator, marks) -> None:
    """The Woo release of adopted minutes as the seeds show one: the secretary marks what the
    detector cannot know (`marks`: entry text start, passage, ground), judges every flag of the
    detector, prepares; the Woo coordinator approves (four eyes). Once: a release is immutable."""
    from . import publication, selectors

    for text_start, passage, ground in marks:
        entry = MinuteEntry.objects.get(agenda_item__meeting=m, text__startswith=text_start)
        if not WooMark.objects.filter(meeting=m, target=WooMark.Target.ENTRY, target_id=entry.pk).exists():
            services.woo_mark(
                meeting=m, target=WooMark.Target.ENTRY, target_id=entry.pk, passage=passage, ground=ground, by=pt
            )
    for flag in publication.build(selectors.meeting_view(user=pt, meeting=m)).flags:
        text = services.woo_text(meeting=m, target=flag.target, target_id=flag.target_id)
        keep = flag.text in KEEP_PUBLIC
        services.woo_mark(
            meeting=m,
            target=flag.target,
            target_id=flag.target_id,
            passage=flag.text,
            occurrence=text[: flag.start].count(flag.text) + 1,
            ground="" if keep else grounds.PRIVACY,
            decision=WooMark.Decision.KEEP if keep else WooMark.Decision.WITHHOLD,
            by=pt,
        )
    services.woo_approve(publication=services.woo_prepare(meeting=m, by=pt), by=coordinator)


def _woo_releases(p, pt, coordinator) -> None:
    """Seeds 000 and 002 as they were released under the Woo (a request about the approach
    covers both). Seed 002: adopted at the next directors' meeting, its closed part published in
    part, the names of persons who are not public officials withheld, the director of OOV named.
    Seed 000: the case item withheld on "4.1.4" as seen, a director's new post and the departed
    analyst withheld as personal circumstances."""
    directors = Meeting.objects.filter(body__kind=K.DIRECTORS, date=SEED_DIRECTORS).first()
    if directors is not None and not directors.woo_releases.exists():
        minutes = Minutes.objects.get(meeting=directors)
        if minutes.status != Minutes.Status.ADOPTED:
            later = _meeting(
                K.DIRECTORS,
                dt.date(2019, 11, 25),
                by=pt,
                start_time=dt.time(16, 0),
                place="Actiecentrum Veiligheid en Zorg, Wibautstraat 6",
                chair=p["demo-do-acvz"],
                secretary=pt,
            )
            services.minutes_adopt(minutes=minutes, at_meeting=later, by=pt)
        for item in directors.agenda_items.filter(is_closed_part=True, woo_partial=False):
            services.agenda_item_publish_in_part(item=item, partial=True, by=pt)
        _woo_release(directors, pt, coordinator, marks=[])
    pto_r = Meeting.objects.filter(body__kind=K.PTO_R, date=SEED_PTO_R, minutes__status=Minutes.Status.ADOPTED).first()
    if pto_r is not None and not pto_r.woo_releases.exists():
        marks = [
            ("deelt mede dat regisseur", "1 april een andere functie krijgt", grounds.PRIVACY),
            ("deelt mede dat de analist", "analist", grounds.PRIVACY),
        ]
        _woo_release(pto_r, pt, coordinator, marks=marks)


@transaction.atomic
def seed(*, stdout=None) -> None:
    """Create the demo meetings once; a second run changes nothing."""
    if not User.objects.filter(username="pt").exists():
        return
    people = _people()
    coordinator = _woo_coordinator()
    _memberships(people)
    pt = people["pt"]
    if not MinuteEntry.objects.exists():
        _directors_2019(people, pt)
        _pto_r_2020(people, pt)
        _team_2021(people, pt)
        _pto_r_minutes(people, pt)
        _team_year(people, pt)
    _woo_releases(people, pt, coordinator)
    if stdout is not None:
        stdout.write(f"meetings: {Meeting.objects.count()} meetings, {MinuteEntry.objects.count()} minute entries")
