"""Meeting factories on top of the cases engineer's (tests/cases/factories.py)."""

import datetime as dt

import factory
from django.contrib.auth.models import Group

from ipgar import roles
from meetings import services
from meetings.models import AgendaItem, Invitation, MeetingBody, MinuteEntry
from tests.cases.factories import (  # noqa: F401  (re-exported for the meeting tests)
    CaseFactory,
    ContactFactory,
    DecisionFactory,
    DirectorFactory,
    EscalationFactory,
    InterventionFactory,
    MeetingFactory,
    ProgrammeUserFactory,
    included_case,
)
from tests.ipgar.factories import UserFactory


def _role(default):
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=extracted or default))

    return role


class PtoRMemberFactory(UserFactory):
    username = factory.Sequence(lambda n: f"ptor-{n}")
    role = _role(roles.PTO_R_MEMBER)


class PartnerUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"do-{n}")
    role = _role(roles.PARTNER)


class DirectorUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"dir-{n}")
    role = _role(roles.DIRECTOR)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda i: i.user.organisation if i.user else None)
    attendance = Invitation.Attendance.PRESENT


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Agendapunt {n}")
    order = factory.Sequence(lambda n: n + 10)


class MinuteEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MinuteEntry

    agenda_item = factory.SubFactory(AgendaItemFactory)
    kind = MinuteEntry.Kind.STATEMENT
    organisation = factory.LazyFunction(lambda: None)
    text = "deelt mede dat de aanpak goed loopt."
    created_by = factory.SubFactory(ProgrammeUserFactory)


def body(kind: str = MeetingBody.Kind.PTO_R) -> MeetingBody:
    return MeetingBody.objects.get(kind=kind)


def meeting(*, kind: str = MeetingBody.Kind.PTO_R, date: dt.date = dt.date(2026, 3, 9), by=None, **kwargs):
    """A meeting made by the real service (standard agenda, minutes, invitations)."""
    by = by or ProgrammeUserFactory()
    return services.meeting_create(body=body(kind), date=date, by=by, **kwargs)
