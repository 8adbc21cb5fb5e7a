"""Authorization matrix of the meetings holes of the pen test (issue 19): carried-over actions,
amendments of adopted minutes and guest invitations, for every role and every surface (page,
minutes PDF text layer, DOCX, calendar, list). Complements tests/access/test_matrix.py, which
checks every URL's status.
"""

import datetime as dt
import io

import docx
import pypdf
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ipgar import roles
from ipgar.models import User
from meetings import permissions, services
from meetings.models import Invitation, MeetingBody
from tests.access.factories import InterventionPartnerFactory
from tests.ipgar.factories import UserFactory

from .factories import (
    CaseFactory,
    DirectorUserFactory,
    PartnerUserFactory,
    ProgrammeUserFactory,
    PtoRMemberFactory,
    meeting,
)

pytestmark = pytest.mark.django_db
K = MeetingBody.Kind
PT, DIR, PTOR, PARTNER, IP, FG, ADMIN = (
    roles.PROGRAMME_TEAM,
    roles.DIRECTOR,
    roles.PTO_R_MEMBER,
    roles.PARTNER,
    roles.INTERVENTION_PARTNER,
    roles.PRIVACY_OFFICER,
    roles.ADMINISTRATOR,
)

CLOSED_TITLE = "Besloten punt Roerdomp"
CLOSED_ACTION = "Actie besloten Grutto"
CASE_ACTION = "Actie casus Tureluur"
OPEN_ACTION = "Actie open Scholekster"
CLOSED_AMENDMENT = "Correctie besloten Wulp"
OPEN_AMENDMENT = "Correctie open Kluut"
SECRETS = (CLOSED_TITLE, CLOSED_ACTION, CASE_ACTION, CLOSED_AMENDMENT)

# role -> (reads the meetings, sees the secrets)
EXPECTED = {
    PT: (True, True),
    DIR: (True, False),  # member of the team body, not admitted, not the case's director
    PTOR: (False, False),  # invited as a guest to a team meeting: not a kind this role attends
    PARTNER: (False, False),
    IP: (False, False),  # DESIGN §5: partners read no meetings, invited or not
    FG: (False, False),
    ADMIN: (False, False),
}


def _make_user(role):
    return {
        PT: ProgrammeUserFactory,
        DIR: DirectorUserFactory,
        PTOR: PtoRMemberFactory,
        PARTNER: PartnerUserFactory,
        IP: InterventionPartnerFactory,
        FG: lambda: UserFactory(role=FG),
        ADMIN: lambda: UserFactory(role=ADMIN),
    }[role]()


@pytest.fixture
def world():
    pt = ProgrammeUserFactory()
    users = {role: _make_user(role) for role in EXPECTED}
    MeetingBody.objects.get(kind=K.TEAM).members.add(users[DIR])
    case = CaseFactory(active=True)
    first = meeting(kind=K.TEAM, date=dt.date(2026, 1, 13), by=pt)
    closed = services.agenda_item_add(meeting=first, title=CLOSED_TITLE, is_closed_part=True, by=pt)
    case_item = services.agenda_item_add(meeting=first, title="", case=case, by=pt)
    general = services.agenda_item_add(meeting=first, title="Algemeen punt", by=pt)
    services.action_create(meeting=first, agenda_item=closed, subject=CLOSED_ACTION, description="a", by=pt)
    services.action_create(meeting=first, agenda_item=case_item, subject=CASE_ACTION, description="b", by=pt)
    services.action_create(meeting=first, agenda_item=general, subject=OPEN_ACTION, description="c", by=pt)
    later = meeting(kind=K.TEAM, date=dt.date(2026, 2, 10), by=pt)
    services.minutes_circulate(minutes=first.minutes, by=pt)
    services.minutes_adopt(minutes=first.minutes, at_meeting=later, by=pt)
    services.minutes_amend(minutes=first.minutes, agenda_item=closed, text=CLOSED_AMENDMENT, reason="r", by=pt)
    services.minutes_amend(minutes=first.minutes, agenda_item=general, text=OPEN_AMENDMENT, reason="r", by=pt)
    # Guest rows as they were written before the invitation rule (straight into the table).
    for role in (PTOR, PARTNER, IP, FG, ADMIN):
        for m in (first, later):
            Invitation.objects.create(meeting=m, user=users[role], attendance=Invitation.Attendance.GUEST)
    return {"users": users, "first": first, "later": later}


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_carried_over_actions_amendments_and_guests(client, world, role):
    reads, sees_secrets = EXPECTED[role]
    client.force_login(world["users"][role])
    surfaces = {}
    for key in ("first", "later"):
        m = world[key]
        for name in ("detail", "minutes_pdf", "minutes_docx"):
            response = client.get(reverse(f"meetings:{name}", args=[m.pk]))
            assert response.status_code == (200 if reads else 404), (role, key, name)
            if reads:
                content = response.content
                text = {
                    "detail": lambda c: c.decode(),
                    "minutes_pdf": _pdf_text,
                    "minutes_docx": _docx_text,
                }[name](content)
                surfaces[(key, name)] = text
    calendar = client.get(reverse("meetings:calendar"))
    listing = client.get(reverse("meetings:list"))
    uid = f"meeting-{world['later'].pk}@"
    detail = reverse("meetings:detail", args=[world["later"].pk])
    if role in (IP, FG, ADMIN):  # no meetings at all: the pages answer 404 despite the guest rows
        assert calendar.status_code == 404 and listing.status_code == 404
    else:
        assert calendar.status_code == 200 and listing.status_code == 200
        assert (uid in calendar.content.decode()) == (role == DIR)  # the calendar: one's own meetings
        assert (detail in listing.content.decode()) == reads
    if not reads:
        return
    # Carried over to the later meeting: the open action always, the others by their own item.
    for (key, name), text in surfaces.items():
        assert OPEN_ACTION in text, (key, name)
        for secret in (CLOSED_ACTION, CASE_ACTION):
            assert (secret in text) == sees_secrets, (role, key, name, secret)
    # Amendments (page and PDF of the adopted minutes).
    for name in ("detail", "minutes_pdf"):
        text = surfaces[("first", name)]
        assert OPEN_AMENDMENT in text
        assert (CLOSED_AMENDMENT in text) == sees_secrets, (role, name)
        assert (CLOSED_TITLE in text) == sees_secrets, (role, name)


@pytest.mark.parametrize(
    ("role", "kind", "invitable"),
    [
        (PT, K.TEAM, True),
        (DIR, K.TEAM, True),
        (DIR, K.PTO_R, True),
        (PTOR, K.PTO_R, True),
        (PTOR, K.TEAM, False),
        (PARTNER, K.DIRECTORS, True),
        (PARTNER, K.PTO_R, False),
        (IP, K.TEAM, False),
        (IP, K.DIRECTORS, False),
        (FG, K.PTO_R, False),
        (ADMIN, K.TEAM, False),
    ],
)
def test_guest_invitations_by_role_and_body(role, kind, invitable):
    pt = ProgrammeUserFactory()
    m = meeting(kind=kind, date=dt.date(2026, 1, 13), by=pt)
    user = _make_user(role)
    if invitable:
        services.invitation_save(meeting=m, user=user, attendance=Invitation.Attendance.GUEST, by=pt)
        assert Invitation.objects.filter(meeting=m, user=user).exists()
    else:
        with pytest.raises(ValidationError) as error:
            services.invitation_save(meeting=m, user=user, attendance=Invitation.Attendance.GUEST, by=pt)
        assert list(error.value.message_dict) == ["user"]
        assert not Invitation.objects.filter(meeting=m, user=user).exists()


# --- taking minutes: guardian's meetings.take_minutes on the meeting (docs/access.md) --------


def _takes_minutes(client, user, m) -> bool:
    """Every surface of "take the minutes" for one person and meeting; they must agree: the one
    check, guardian's has_perm, a secretary page, the tools on the meeting page and a service."""
    check = permissions.can_take_minutes(user, m)
    has_perm = User.objects.get(pk=user.pk).has_perm("meetings.take_minutes", m)
    client.force_login(user)
    page = client.get(reverse("meetings:entry_add", args=[m.pk])).status_code
    detail = client.get(reverse("meetings:detail", args=[m.pk]))
    tools = reverse("meetings:entry_add", args=[m.pk]) in detail.content.decode()
    try:
        services.entry_add(agenda_item=m.agenda_items.first(), kind="note", text="notulen", by=user)
        service = True
    except PermissionDenied:
        service = False
    answers = {"check": check, "has_perm": has_perm, "page": page == 200, "tools": tools, "service": service}
    assert detail.status_code == 200, "every principal here reads the meeting"
    assert len(set(answers.values())) == 1, answers
    return check


# principal -> (takes the minutes before the secretary is replaced, after)
TAKES_MINUTES = {
    "programme team": (True, True),  # by its group, on every meeting
    "former secretary": (True, False),
    "new secretary": (False, True),
    "former secretary, also programme team": (True, True),
    "other member": (False, False),
    "secretary of another meeting": (False, False),
}


@pytest.fixture
def secretaries():
    pt = ProgrammeUserFactory()
    people = {
        "programme team": ProgrammeUserFactory(),
        "former secretary": DirectorUserFactory(),
        "new secretary": DirectorUserFactory(),
        "former secretary, also programme team": DirectorUserFactory(),
        "other member": DirectorUserFactory(),
        "secretary of another meeting": DirectorUserFactory(),
    }
    people["former secretary, also programme team"].groups.add(Group.objects.get(name=PT))
    MeetingBody.objects.get(kind=K.TEAM).members.add(*people.values())
    m = meeting(kind=K.TEAM, date=dt.date(2026, 1, 13), by=pt, secretary=people["former secretary"])
    shared = meeting(
        kind=K.TEAM, date=dt.date(2026, 1, 20), by=pt, secretary=people["former secretary, also programme team"]
    )
    meeting(kind=K.TEAM, date=dt.date(2026, 2, 10), by=pt, secretary=people["secretary of another meeting"])
    return {"pt": pt, "people": people, "meeting": m, "shared": shared}


@pytest.mark.parametrize("principal", list(TAKES_MINUTES))
def test_a_replaced_secretary_loses_taking_minutes_and_the_new_one_gains_it(client, secretaries, principal):
    before, after = TAKES_MINUTES[principal]
    user, m = secretaries["people"][principal], secretaries["meeting"]
    if principal == "former secretary, also programme team":
        m = secretaries["shared"]  # the secretary of this one; replaced below like the others
    assert _takes_minutes(client, user, m) is before
    # The programme team names the new secretary on the meeting's page.
    client.force_login(secretaries["pt"])
    response = client.post(
        reverse("meetings:secretary", args=[m.pk]), {"secretary": secretaries["people"]["new secretary"].pk}
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.secretary == secretaries["people"]["new secretary"]
    assert _takes_minutes(client, user, m) is after


def test_only_the_programme_team_names_the_secretary(client, secretaries):
    people, m = secretaries["people"], secretaries["meeting"]
    for name in ("former secretary", "new secretary", "other member"):
        with pytest.raises(PermissionDenied):
            services.meeting_secretary_set(meeting=m, secretary=people[name], by=people[name])
        client.force_login(people[name])
        response = client.post(reverse("meetings:secretary", args=[m.pk]), {"secretary": people[name].pk})
        assert response.status_code == 404
    m.refresh_from_db()
    assert m.secretary == people["former secretary"]


def test_leaving_the_programme_team_ends_taking_minutes_of_every_meeting(client, secretaries):
    member, m = secretaries["people"]["programme team"], secretaries["meeting"]
    assert _takes_minutes(client, member, m)
    member.groups.remove(Group.objects.get(name=PT))
    member.groups.add(Group.objects.get(name=DIR))  # still reads the team meeting, as a director
    member = User.objects.get(pk=member.pk)
    assert not _takes_minutes(client, member, m)
