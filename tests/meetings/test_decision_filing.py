"""A decision recorded without an item is filed under an item of its meeting about its case, and
the decisions are numbered in agenda order again."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meetings import services
from meetings.models import Decision

from .factories import CaseFactory, ProgrammeUserFactory, PtoRMemberFactory, meeting

pytestmark = pytest.mark.django_db


def test_a_decision_filed_under_an_earlier_item_takes_its_number_in_agenda_order():
    pt = ProgrammeUserFactory()
    m = meeting(by=pt)
    first, second = CaseFactory(active=True), CaseFactory(active=True)
    one = services.agenda_item_add(meeting=m, title="", case=first, by=pt)
    two = services.agenda_item_add(meeting=m, title="", case=second, by=pt)
    later = services.decision_create(meeting=m, agenda_item=two, text="Tweede casus.", by=pt)
    loose = services.decision_create(meeting=m, text="Eerste casus.", by=pt, case=first, kind=Decision.Kind.STATIC)
    assert (later.number, loose.number) == (1, 2)

    filed = services.decision_file_under(decision=loose, agenda_item=one, by=pt)

    assert filed.agenda_item == one
    later.refresh_from_db()
    assert (filed.number, later.number) == (1, 2)


def test_filing_is_refused_under_another_case_another_meeting_or_by_someone_else():
    pt = ProgrammeUserFactory()
    m, other_meeting = meeting(by=pt), meeting(by=pt)
    case, other_case = CaseFactory(active=True), CaseFactory(active=True)
    loose = services.decision_create(meeting=m, text="Statisch.", by=pt, case=case, kind=Decision.Kind.STATIC)
    about_other = services.agenda_item_add(meeting=m, title="", case=other_case, by=pt)
    elsewhere = services.agenda_item_add(meeting=other_meeting, title="", case=case, by=pt)

    with pytest.raises(ValidationError) as other_case_error:
        services.decision_file_under(decision=loose, agenda_item=about_other, by=pt)
    with pytest.raises(ValidationError) as other_meeting_error:
        services.decision_file_under(decision=loose, agenda_item=elsewhere, by=pt)
    with pytest.raises(PermissionDenied):
        services.decision_file_under(
            decision=loose,
            agenda_item=services.agenda_item_add(meeting=m, title="", case=case, by=pt),
            by=PtoRMemberFactory(),
        )

    assert other_case_error.value.code == "other_case"
    assert other_meeting_error.value.code == "other_meeting"
    loose.refresh_from_db()
    assert loose.agenda_item is None
