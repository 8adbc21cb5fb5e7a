"""The shared factories make consistent objects (other apps' tests rely on them)."""

import pytest

from cases import permissions
from cases.models import Case
from tests.cases.factories import (
    CaseFactory,
    ContactFactory,
    DirectorFactory,
    InterventionFactory,
    included_case,
    valid_bsn,
)

pytestmark = pytest.mark.django_db


def test_valid_bsn_passes_the_eleven_test():
    bsn = valid_bsn()
    total = sum(int(d) * w for d, w in zip(bsn[:8], range(9, 1, -1), strict=True)) - int(bsn[8])
    assert len(bsn) == 9 and total % 11 == 0


def test_active_case_gives_its_director_access():
    case = CaseFactory(active=True)
    assert case.status == Case.Status.ACTIVE
    assert permissions.can_change(case.director.user, case)
    assert case.assignments.get().director == case.director


def test_included_case_goes_through_a_pto_r_decision():
    director = DirectorFactory()
    case = included_case(director=director)
    assert case.status == Case.Status.ACTIVE and case.director == director
    assert case.transitions.get().decision is not None


def test_contact_and_intervention_attach_to_an_active_case():
    contact = ContactFactory()
    intervention = InterventionFactory(case=contact.case)
    assert contact.by == contact.case.director.user
    assert intervention.partner.code == "oov"


def test_user_names_are_fixed_distinct_and_need_no_escaping():
    import html

    from tests.ipgar.factories import UserFactory

    names = [UserFactory.build().get_full_name() for _ in range(437)]
    assert len(set(names)) == 437  # no pair repeats within a test's reach
    assert all(html.escape(name) == name for name in names)  # the page shows them as written
