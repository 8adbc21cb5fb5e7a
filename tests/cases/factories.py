"""Factories for the case file, the pool's directors and PTO-R decisions.

Shared: the pool, access, meetings and monitor tests import these. Cases that must be in
a lifecycle state through the real rules are made with `included_case()` (a PTO-R decision
carried out by `case_apply_decision`); the traits below set the state directly for speed.
"""

import datetime as dt
import itertools
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from cases import permissions
from cases.models import (
    Area,
    Case,
    CaseAccessGrant,
    CaseIdentity,
    Contact,
    DirectorAssignment,
    Escalation,
    Ideology,
    Intervention,
    InterventionType,
    LifeDomain,
    LifeDomainScore,
    NetworkLink,
    OutflowReason,
    PlanGoal,
    ReportSource,
    RiskCategory,
)
from ipgar import roles
from ipgar.models import Organisation
from meetings import services as meeting_services
from meetings.models import Decision, Meeting, MeetingBody, Minutes
from pool.models import Director
from tests.ipgar.factories import UserFactory

_bsn_numbers = itertools.count(11_111_110)


def valid_bsn(seed: int | None = None) -> str:
    """A nine-digit number that passes the eleven-test (fictitious, for tests and demo)."""
    # Without a seed every call takes its own numbers from the counter, so two calls never give the
    # same BSN (stepping over a number that fails the test locally made the next call repeat it).
    number = next(_bsn_numbers) if seed is None else seed
    while True:
        digits = f"{number:08d}"[-8:]
        total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            return digits + str(check)
        number = next(_bsn_numbers) if seed is None else number + 1


def _ref(model, code):
    return factory.LazyFunction(lambda: model.objects.get(code=code))


def _org(code):
    return factory.LazyFunction(lambda: Organisation.objects.get(code=code))


def _role_default(default: str):
    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=extracted or default))

    return role


class ProgrammeUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"pt-{n}")
    role = _role_default(roles.PROGRAMME_TEAM)


class DirectorUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"regisseur-{n}")
    role = _role_default(roles.DIRECTOR)


class DirectorFactory(factory.django.DjangoModelFactory):
    """A pool.Director with a user in the director role."""

    class Meta:
        model = Director
        skip_postgeneration_save = True

    user = factory.SubFactory(DirectorUserFactory, organisation=factory.SelfAttribute("..organisation"))
    organisation = _org("oov")
    fte = Decimal("1.0")
    line_manager_name = "Manager moederorganisatie"
    active_from = dt.date(2019, 1, 1)

    class Params:
        former = factory.Trait(active_until=dt.date(2020, 6, 30))

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.restricted_to_areas.set(extracted)


class CaseIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseIdentity
        django_get_or_create = ("case",)

    case = None
    first_name = "Testpersoon"
    last_name = factory.Sequence(lambda n: f"Fictief-{n}")
    date_of_birth = dt.date(2000, 1, 1)
    bsn = factory.LazyFunction(valid_bsn)
    address = "Voorbeeldstraat 1"
    postcode = "1011 AA"
    city = "Amsterdam"


class CaseFactory(factory.django.DjangoModelFactory):
    """A case; traits set the lifecycle state: assessment, advised, active, static, detained,
    abroad, aftercare, closed, not_included, preventive_talk. `director=` on an active case
    also gets the assignment row and the director's access grant (as the services would)."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"R-2099-{n + 1:03d}")
    status = Case.Status.REPORTED
    reported_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    report_source = _ref(ReportSource, "map")
    report_summary = "Melding over zorgwekkende uitingen (fictief)."
    area = _ref(Area, "west")
    risk_category = _ref(RiskCategory, "lone-actors")
    ideology = _ref(Ideology, "jihadist")
    identity = factory.RelatedFactory(CaseIdentityFactory, factory_related_name="case")

    class Params:
        assessment = factory.Trait(status=Case.Status.ASSESSMENT)
        advised = factory.Trait(status=Case.Status.ADVISED)
        preventive_talk = factory.Trait(status=Case.Status.PREVENTIVE_TALK)
        not_included = factory.Trait(status=Case.Status.NOT_INCLUDED)
        active = factory.Trait(
            status=Case.Status.ACTIVE,
            reported_on=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=120)),
            included_on=factory.LazyAttribute(lambda c: c.reported_on + dt.timedelta(weeks=8)),
            director=factory.SubFactory(DirectorFactory),
        )
        static = factory.Trait(active=True, status=Case.Status.STATIC)
        detained = factory.Trait(active=True, is_detained=True)
        abroad = factory.Trait(active=True, is_abroad=True)
        aftercare = factory.Trait(active=True, status=Case.Status.AFTERCARE)
        closed = factory.Trait(
            active=True,
            status=Case.Status.CLOSED,
            closed_on=factory.LazyAttribute(lambda c: c.included_on + dt.timedelta(weeks=20)),
            outflow_reason=_ref(OutflowReason, "risk-reduced"),
        )

    @factory.post_generation
    def assign(self, create, extracted, **kwargs):
        """Give the director the assignment row and the grant that case_assign_director makes."""
        if not create or self.director_id is None or extracted is False:
            return
        by = self.director.user
        DirectorAssignment.objects.create(
            case=self,
            director=self.director,
            started_on=self.included_on or self.reported_on,
            ended_on=self.closed_on,
            assigned_by=by,
            reason="factory",
        )
        if self.status != Case.Status.CLOSED:
            permissions.grant_case_access(
                user=self.director.user, case=self, kind=CaseAccessGrant.Kind.DIRECTOR, reason="factory", by=by
            )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    case = factory.SubFactory(CaseFactory, active=True)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    kind = Contact.Kind.FACE_TO_FACE
    by = factory.LazyAttribute(lambda c: c.case.director.user if c.case.director_id else UserFactory())
    note = "Gesprek gevoerd (fictief)."


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    case = factory.SubFactory(CaseFactory, active=True)
    type = _ref(InterventionType, "persoonsgerichte-gesprekken")
    partner = factory.LazyAttribute(lambda i: i.type.default_partner or Organisation.objects.get(code="oov"))
    goal = "Zicht houden en vertrouwen opbouwen."
    started_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=14))
    status = Intervention.Status.RUNNING

    class Params:
        completed = factory.Trait(
            status=Intervention.Status.COMPLETED,
            ended_on=factory.LazyAttribute(lambda i: i.started_on + dt.timedelta(days=7)),
            outcome="Afgerond.",
        )


class LifeDomainScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeDomainScore

    case = factory.SubFactory(CaseFactory, active=True)
    domain = _ref(LifeDomain, "income")
    score = 3
    scored_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    by = factory.LazyAttribute(lambda s: s.case.director.user if s.case.director_id else UserFactory())


class PlanGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanGoal

    case = factory.SubFactory(CaseFactory, active=True)
    domain = _ref(LifeDomain, "daytime")
    goal = "Vindt een zinvolle dagbesteding."


class NetworkLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkLink

    case = factory.SubFactory(CaseFactory, active=True)
    other = factory.SubFactory(CaseFactory, active=True)
    kind = NetworkLink.Kind.SAME_NETWORK
    created_by = factory.SubFactory(ProgrammeUserFactory)


class EscalationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Escalation

    case = factory.SubFactory(CaseFactory, active=True)
    body = Escalation.Body.ITAT_R
    request = Escalation.Request.ADVICE
    question = "Casus zit vast; advies gevraagd."
    requested_by = factory.LazyAttribute(lambda e: e.case.director.user if e.case.director_id else UserFactory())


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting, by default of the PTO-R."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    body = factory.LazyFunction(lambda: MeetingBody.objects.get(kind=MeetingBody.Kind.PTO_R))
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    place = "Stadhuis"

    @factory.post_generation
    def opened(self, create, extracted, **kwargs):
        """What meetings.services.meeting_create gives every meeting: its minutes and its
        minute-takers (guardian's take_minutes for the secretary and the programme team)."""
        if create:
            Minutes.objects.create(meeting=self)
            meeting_services.take_minutes_grant(meetings=[self])


class DecisionFactory(factory.django.DjangoModelFactory):
    """A PTO-R decision; give `case=` and `kind=` (and `director=` for an inclusion)."""

    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = Decision.Kind.INCLUSION
    text = factory.LazyAttribute(lambda d: f"Besluit over {d.case.code if d.case else 'algemeen'}.")
    case = None
    created_by = factory.SubFactory(ProgrammeUserFactory)


PtoRDecisionFactory = DecisionFactory


def included_case(*, director=None, by=None, meeting_date=None, **case_kwargs) -> Case:
    """An active case included through the real rules: a PTO-R decision carried out."""
    from cases.services import case_apply_decision

    by = by or ProgrammeUserFactory()
    director = director or DirectorFactory()
    meeting_date = meeting_date or timezone.localdate()
    case_kwargs.setdefault("reported_on", meeting_date - dt.timedelta(weeks=8))
    case = CaseFactory(advised=True, **case_kwargs)
    decision = DecisionFactory(
        meeting=MeetingFactory(date=meeting_date), case=case, kind=Decision.Kind.INCLUSION, director=director
    )
    return case_apply_decision(decision=decision, by=by)
