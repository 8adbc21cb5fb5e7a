"""Minutes workflow, locking, amendments, action carry-over and decision-driven case transitions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Case, CaseTransition
from meetings import selectors, services
from meetings.models import AgendaItem, Decision, Meeting, MeetingBody, MinuteEntry, Minutes
from tests.ipgar.factories import UserFactory

from .factories import CaseFactory, DirectorFactory, ProgrammeUserFactory, meeting

pytestmark = pytest.mark.django_db

MARCH, APRIL, MAY = dt.date(2026, 3, 9), dt.date(2026, 4, 13), dt.date(2026, 5, 11)


@pytest.fixture
def pt():
    return ProgrammeUserFactory()


def test_a_new_meeting_gets_the_standard_agenda_with_previous_minutes_and_open_actions(pt):
    first = meeting(date=MARCH, by=pt)
    kinds = list(first.agenda_items.values_list("kind", flat=True))
    assert AgendaItem.Kind.PREVIOUS_MINUTES not in kinds and AgendaItem.Kind.ACTIONS not in kinds
    services.action_create(meeting=first, subject="A4 pool", description="Opstellen", by=pt)
    second = meeting(date=APRIL, by=pt)
    previous = second.agenda_items.get(kind=AgendaItem.Kind.PREVIOUS_MINUTES)
    assert previous.refers_to_meeting == first
    assert second.agenda_items.filter(kind=AgendaItem.Kind.ACTIONS).exists()
    assert second.agenda_items.order_by("order").last().title.startswith(("Any other", "Wat verder"))
    assert Minutes.objects.get(meeting=second).status == Minutes.Status.DRAFT


def test_members_of_the_body_are_invited(pt):
    member = UserFactory()
    body = MeetingBody.objects.get(kind=MeetingBody.Kind.TEAM)
    body.members.add(member)
    team = meeting(kind=MeetingBody.Kind.TEAM, by=pt)
    assert team.invitations.filter(user=member).exists()


def test_minutes_go_draft_circulated_adopted_at_the_next_meeting_and_are_locked(pt):
    first, second = meeting(date=MARCH, by=pt), meeting(date=APRIL, by=pt)
    item = first.agenda_items.first()
    services.entry_add(agenda_item=item, kind=MinuteEntry.Kind.ANNOUNCEMENT, text="Nieuwe regisseur", by=pt)
    minutes = first.minutes
    with pytest.raises(ValidationError, match=r"Circulate|Verspreid"):
        services.minutes_adopt(minutes=minutes, at_meeting=second, by=pt)
    services.minutes_circulate(minutes=minutes, by=pt)
    with pytest.raises(ValidationError):
        services.minutes_adopt(minutes=minutes, at_meeting=first, by=pt)  # not a later meeting
    services.minutes_adopt(minutes=minutes, at_meeting=second, changes="typo in item 1", by=pt)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.ADOPTED and minutes.adopted_at_meeting == second
    decision = second.decisions.get()
    assert decision.number == 1 and "typo in item 1" in decision.text
    assert decision.agenda_item.kind == AgendaItem.Kind.PREVIOUS_MINUTES
    for call in (
        lambda: services.entry_add(agenda_item=item, kind=MinuteEntry.Kind.NOTE, text="later", by=pt),
        lambda: services.decision_create(meeting=first, text="later", by=pt),
        lambda: services.action_create(meeting=first, subject="x", description="y", by=pt),
        lambda: services.agenda_item_add(meeting=first, title="late item", by=pt),
        lambda: services.invitation_save(meeting=first, user=pt, by=pt),
    ):
        with pytest.raises(ValidationError) as error:
            call()
        assert error.value.code == "locked"
    assert item.entries.count() == 1


def test_minutes_of_another_body_are_not_adopted_here(pt):
    first = meeting(date=MARCH, by=pt)
    team = meeting(kind=MeetingBody.Kind.TEAM, date=APRIL, by=pt)
    services.minutes_circulate(minutes=first.minutes, by=pt)
    with pytest.raises(ValidationError):
        services.minutes_adopt(minutes=first.minutes, at_meeting=team, by=pt)


def test_adopted_minutes_are_corrected_by_a_recorded_amendment(pt):
    first, second = meeting(date=MARCH, by=pt), meeting(date=APRIL, by=pt)
    with pytest.raises(ValidationError):
        services.minutes_amend(minutes=first.minutes, text="x", reason="y", by=pt)
    services.minutes_circulate(minutes=first.minutes, by=pt)
    services.minutes_adopt(minutes=first.minutes, at_meeting=second, by=pt)
    with pytest.raises(ValidationError):
        services.minutes_amend(minutes=first.minutes, text="x", reason=" ", by=pt)
    amendment = services.minutes_amend(
        minutes=first.minutes, text="Lees GGD in plaats van RN.", reason="Verkeerd toegeschreven", by=pt
    )
    view = selectors.meeting_view(user=pt, meeting=first)
    assert view.amendments == [amendment]


def test_adopted_minutes_show_the_action_list_as_it_stood_at_adoption(pt):
    first, second = meeting(date=MARCH, by=pt), meeting(date=APRIL, by=pt)
    action = services.action_create(meeting=first, subject="Notitie pool", description="Opstellen", by=pt)
    services.minutes_circulate(minutes=first.minutes, by=pt)
    services.minutes_adopt(minutes=first.minutes, at_meeting=second, by=pt)
    services.action_complete(action=action, meeting=second, by=pt)
    adopted = selectors.meeting_view(user=pt, meeting=Meeting.objects.get(pk=first.pk))
    assert [(a.subject, a.done_on) for a in adopted.actions] == [("Notitie pool", None)]
    assert [(a.subject, a.done_on) for a in selectors.meeting_view(user=pt, meeting=second).actions] == [
        ("Notitie pool", APRIL)
    ]
    action.refresh_from_db()
    assert action.done_on == APRIL  # the view of the adopted minutes changed nothing


def test_only_the_secretary_or_programme_team_keeps_minutes(pt):
    first = meeting(date=MARCH, by=pt)
    with pytest.raises(PermissionDenied):
        services.entry_add(
            agenda_item=first.agenda_items.first(), kind="note", text="x", by=UserFactory(role="pto_r_member")
        )


def test_a_statement_is_attributed(pt):
    first = meeting(date=MARCH, by=pt)
    with pytest.raises(ValidationError):
        services.entry_add(agenda_item=first.agenda_items.first(), kind=MinuteEntry.Kind.STATEMENT, text="x", by=pt)


def test_open_actions_carry_over_to_every_next_meeting_until_done(pt):
    first = meeting(date=MARCH, by=pt)
    action = services.action_create(
        meeting=first, subject="Bijeenkomst plannen", description="plant", owner=pt, deadline_text="z.s.m.", by=pt
    )
    second, third, fourth = (meeting(date=d, by=pt) for d in (APRIL, MAY, dt.date(2026, 6, 8)))
    assert action in selectors.actions_on(meeting=first)
    assert action in selectors.actions_on(meeting=second)
    services.action_complete(action=action, meeting=third, by=pt)
    assert action in selectors.actions_on(meeting=third)  # shown as done at the meeting that closed it
    assert action not in selectors.actions_on(meeting=fourth)
    with pytest.raises(ValidationError):
        services.action_complete(action=action, meeting=fourth, by=pt)
    team = meeting(kind=MeetingBody.Kind.TEAM, date=APRIL, by=pt)
    assert action not in selectors.actions_on(meeting=team)


def test_numbering_of_decisions_is_per_meeting(pt):
    first, second = meeting(date=MARCH, by=pt), meeting(date=APRIL, by=pt)
    numbers = [services.decision_create(meeting=first, text=f"B{n}", by=pt).number for n in range(3)]
    assert numbers == [1, 2, 3]
    assert services.decision_create(meeting=second, text="B", by=pt).number == 1


def test_a_pto_r_inclusion_decision_carries_the_case_transition(pt):
    director = DirectorFactory()
    case = CaseFactory(advised=True, reported_on=MARCH - dt.timedelta(weeks=6))
    pto_r = meeting(date=MARCH, by=pt)
    item = services.agenda_item_add(meeting=pto_r, title="", case=case, description="Instroom?", by=pt)
    assert item.section == AgendaItem.Section.CASES and item.title == case.code
    decision = services.decision_create(
        meeting=pto_r, agenda_item=item, kind=Decision.Kind.INCLUSION, text="Instroom", director=director, by=pt
    )
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE and case.included_on == MARCH and case.director == director
    assert decision.case == case and decision.applied_at is not None
    assert CaseTransition.objects.get(case=case, to_status=Case.Status.ACTIVE).decision == decision


def test_an_invalid_case_decision_is_refused_and_nothing_is_recorded(pt):
    case = CaseFactory(advised=True)
    pto_r = meeting(date=MARCH, by=pt)
    with pytest.raises(ValidationError):  # inclusion without a director
        services.decision_create(meeting=pto_r, kind=Decision.Kind.INCLUSION, text="Instroom", case=case, by=pt)
    with pytest.raises(ValidationError):  # static from advised is not in the lifecycle
        services.decision_create(meeting=pto_r, kind=Decision.Kind.STATIC, text="Statisch", case=case, by=pt)
    assert not pto_r.decisions.exists()
    case.refresh_from_db()
    assert case.status == Case.Status.ADVISED


def test_only_the_pto_r_decides_on_cases(pt):
    team = meeting(kind=MeetingBody.Kind.TEAM, date=MARCH, by=pt)
    with pytest.raises(ValidationError, match="PTO-R"):
        services.decision_create(
            meeting=team, kind=Decision.Kind.STATIC, text="x", case=CaseFactory(active=True), by=pt
        )


def test_planning_from_the_rhythm_continues_after_the_last_meeting(pt):
    team_body = MeetingBody.objects.get(kind=MeetingBody.Kind.TEAM)
    meeting(kind=MeetingBody.Kind.TEAM, date=MARCH, by=pt)
    planned = services.meeting_plan_from_rhythm(body=team_body, count=3, after=dt.date(2026, 3, 1), by=pt)
    assert [m.date for m in planned] == [MARCH + dt.timedelta(weeks=4 * n) for n in (1, 2, 3)]
    assert planned[0].agenda_items.filter(kind=AgendaItem.Kind.PREVIOUS_MINUTES).exists()
    no_rhythm = MeetingBody.objects.get(kind=MeetingBody.Kind.ITAT_R)
    with pytest.raises(ValidationError):
        services.meeting_plan_from_rhythm(body=no_rhythm, count=2, after=MARCH, by=pt)


def test_forward_agenda_needs_a_when(pt):
    team_body = MeetingBody.objects.get(kind=MeetingBody.Kind.TEAM)
    with pytest.raises(ValidationError):
        services.forward_item_create(body=team_body, topic="ZRM", by=pt)
    item = services.forward_item_create(body=team_body, topic="Toelichting GGD op ZRM", still_to_plan=True, by=pt)
    assert item in selectors.forward_agenda(body=team_body, on=MARCH)
