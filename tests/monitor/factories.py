"""Monitor test data: the shared case factories plus dated transitions and snapshots."""

import datetime as dt

import factory
from django.utils import timezone

from cases.models import CaseTransition
from monitor.models import MonitorSnapshot
from tests.cases.factories import (  # noqa: F401 - re-exported for the monitor tests
    CaseFactory,
    ContactFactory,
    DirectorFactory,
    InterventionFactory,
    LifeDomainScoreFactory,
    PlanGoalFactory,
    ProgrammeUserFactory,
)
from tests.ipgar.factories import UserFactory  # noqa: F401


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def transition(case, from_status: str, to_status: str, day: dt.date, by=None) -> CaseTransition:
    """A lifecycle step on a past date (the services stamp `now`; history needs the date)."""
    return CaseTransition.objects.create(
        case=case, from_status=from_status, to_status=to_status, at=at(day), by=by or case_user(case), reason="test"
    )


def case_user(case):
    return case.director.user if case.director_id else ProgrammeUserFactory()


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitorSnapshot

    year = 2025
    quarter = 2
    variant = MonitorSnapshot.Variant.GROSS
    version = 1
    frozen = True
    figures = factory.LazyFunction(dict)


class CaseloadReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pool.CaseloadReview"

    director = factory.SubFactory(DirectorFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    held_by = factory.SubFactory(ProgrammeUserFactory)


class ActionItemFactory(factory.django.DjangoModelFactory):
    """An action on the PTO-R's action list."""

    class Meta:
        model = "meetings.ActionItem"

    meeting = factory.SubFactory("tests.cases.factories.MeetingFactory")
    body = factory.SelfAttribute("meeting.body")
    subject = factory.Sequence(lambda n: f"Actie {n}")
    description = "Uitzoeken en terugkoppelen."
    deadline = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))
    created_by = factory.SubFactory(ProgrammeUserFactory)
