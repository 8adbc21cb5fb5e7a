"""The programme team's daily work: assignable statuses said, fresh home figures, overdue
reviews named, advised-and-assigned cases count against capacity, PTO-R inclusions keep the pool's rules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from meetings import services as meeting_services
from meetings.models import Decision, MeetingBody
from pool import selectors, services

from .factories import CaseFactory, DirectorFactory, ProgrammeUserFactory, area, caseload, give, organisation

pytestmark = pytest.mark.django_db


def test_assign_page_says_which_statuses_are_assignable_and_lists_the_rest(client):
    reported = CaseFactory()
    advised = CaseFactory(advised=True)
    client.force_login(ProgrammeUserFactory())
    html = client.get(reverse("pool:assign_list")).content.decode()
    assert "“geadviseerd door IVG-R” of in “in regie”" in html
    assert reverse("pool:assign", args=[advised.pk]) in html
    assert f'href="{reverse("cases:detail", args=[reported.pk])}">{reported.code}</a> · gemeld' in html


def test_home_counts_a_new_report_at_once_and_says_when_figures_were_made(client):
    client.force_login(ProgrammeUserFactory())
    html = client.get("/").content.decode()
    assert "Cijfers bijgewerkt om" in html
    client.post(
        reverse("cases:new"),
        {"reported_on": "2026-01-05", "report_source": 1, "area": 1, "report_summary": "M", "bsn": "111222333"},
    )
    response = client.get("/")
    assert ("gemeld", 1) in response.context["status_counts"]


def test_overdue_reviews_are_named_overdue(client):
    today = timezone.localdate()
    DirectorFactory(active_from=today - dt.timedelta(days=200))  # review due ~110 days ago
    DirectorFactory(active_from=today - dt.timedelta(days=85))  # due within two weeks
    client.force_login(ProgrammeUserFactory())
    response = client.get("/")
    assert (response.context["reviews_overdue"], response.context["reviews_due"]) == (1, 1)
    html = response.content.decode()
    assert "1 caseloadbespreking te laat" in html
    assert "1 caseloadbespreking binnen twee weken" in html


def test_an_advised_case_given_to_a_director_takes_a_free_place():
    director = DirectorFactory(fte=Decimal("0.5"))  # 6 places
    caseload(director, 5)
    first, second = CaseFactory(advised=True), CaseFactory(advised=True)
    by = ProgrammeUserFactory()
    services.case_assign(case=first, director=director, by=by, reason="past goed")
    (figures,) = [d for d in selectors.director_figures() if d.pk == director.pk]
    assert (figures.active_cases, figures.assigned_pending, figures.free_places) == (5, 1, 0)
    with pytest.raises(ValidationError) as error:
        services.case_assign(case=second, director=director, by=by, reason="ook")
    assert error.value.code == "over_capacity"
    assert first in selectors.director_caseload(director=director)


def _pto_r(by):
    return meeting_services.meeting_create(
        body=MeetingBody.objects.get(kind=MeetingBody.Kind.PTO_R), date=timezone.localdate(), by=by
    )


def test_a_pto_r_inclusion_obeys_the_area_restriction():
    by = ProgrammeUserFactory()
    meeting = _pto_r(by)
    amstelland = DirectorFactory(organisation=organisation("amstelveen"), areas=[area("amstelveen")])
    case = CaseFactory(advised=True)  # in West
    with pytest.raises(ValidationError) as error:
        meeting_services.decision_create(
            meeting=meeting, text="Inclusie", by=by, kind=Decision.Kind.INCLUSION, case=case, director=amstelland
        )
    assert error.value.code == "restricted"
    assert Case.objects.get(pk=case.pk).status == Case.Status.ADVISED


def test_a_pto_r_inclusion_beyond_capacity_needs_the_confirmation():
    by = ProgrammeUserFactory()
    meeting = _pto_r(by)
    full = DirectorFactory(fte=Decimal("0.5"))
    caseload(full, 6)
    case = CaseFactory(advised=True)
    kwargs = {"meeting": meeting, "by": by, "kind": Decision.Kind.INCLUSION, "case": case, "director": full}
    with pytest.raises(ValidationError):
        meeting_services.decision_create(text="Inclusie", **kwargs)
    decision = meeting_services.decision_create(
        text="Inclusie; regisseur kent het gezin", confirm_over_capacity=True, **kwargs
    )
    assert decision.applied_at is not None
    assert Case.objects.get(pk=case.pk).director == full


def test_a_pto_r_inclusion_of_an_assigned_case_keeps_its_director_and_its_place():
    by = ProgrammeUserFactory()
    meeting = _pto_r(by)
    director = DirectorFactory(fte=Decimal("0.5"))
    caseload(director, 5)
    case = CaseFactory(advised=True)
    give(director, case)
    decision = meeting_services.decision_create(
        meeting=meeting, text="Inclusie", by=by, kind=Decision.Kind.INCLUSION, case=case
    )
    case.refresh_from_db()
    assert (decision.director, case.director, case.status) == (director, director, Case.Status.ACTIVE)


def test_the_decision_form_shows_the_assistants_proposal(client):
    by = ProgrammeUserFactory()
    meeting = _pto_r(by)
    director = DirectorFactory(organisation=organisation("oov"))
    case = CaseFactory(advised=True)
    meeting_services.agenda_item_add(meeting=meeting, title="", case=case, by=by)
    client.force_login(by)
    html = client.get(reverse("meetings:decision_add", args=[meeting.pk])).content.decode()
    assert f"Voorstel van de assistent: {case.code}: {director.user.get_full_name()}" in html
