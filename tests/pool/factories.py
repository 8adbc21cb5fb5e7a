"""Pool factories: cases and directors come from the cases engineer's shared factories."""

import datetime as dt

import factory

from cases import services as case_services
from cases.models import Area, Case
from ipgar.models import Organisation
from pool.models import Contact, Director
from tests.cases.factories import (  # noqa: F401 - re-exported for the pool tests
    CaseFactory,
    DirectorFactory,
    InterventionFactory,
    ProgrammeUserFactory,
)


def organisation(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def area(code: str) -> Area:
    return Area.objects.get(code=code)


def give(director: Director, *cases: Case, by=None, on: dt.date | None = None) -> list[Case]:
    """Put cases on a director's caseload through the cases service (grants follow)."""
    by = by or ProgrammeUserFactory()
    return [
        case_services.case_assign_director(case=case, director=director, by=by, reason="test", on=on) for case in cases
    ]


def caseload(director: Director, n: int, **kwargs) -> list[Case]:
    """n active cases directed by `director` (assignment row and grant as the services make them)."""
    return CaseFactory.create_batch(n, active=True, director=director, **kwargs)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.LazyFunction(lambda: organisation("politie"))
    role = Contact.Role.ATTENTION_OFFICER
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
