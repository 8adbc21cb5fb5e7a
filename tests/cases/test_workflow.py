"""Every transition of the lifecycle: the allowed ones work, every other one is refused.

The lifecycle: docs/domain.md, "The case lifecycle".
"""

import itertools

import pytest
from django.core.exceptions import ValidationError

from cases import services, workflow
from cases.models import Case
from meetings.models import Decision, MeetingBody
from tests.cases.factories import CaseFactory, DecisionFactory, DirectorFactory, MeetingFactory, ProgrammeUserFactory

pytestmark = pytest.mark.django_db
S = Case.Status
# The lifecycle written out here, not read from cases.workflow: a change to the table must fail a test.
ALLOWED_PAIRS = [
    ("reported", "assessment"),
    ("assessment", "advised"),
    ("assessment", "preventive_talk"),
    ("preventive_talk", "assessment"),
    ("advised", "active"),
    ("advised", "not_included"),
    ("active", "static"),
    ("active", "aftercare"),
    ("active", "closed"),
    ("static", "active"),
    ("static", "closed"),
    ("aftercare", "closed"),
]
PTO_R_PAIRS = [
    ("advised", "active"),
    ("advised", "not_included"),
    ("active", "static"),
    ("static", "active"),
    ("active", "aftercare"),
    ("active", "closed"),
    ("static", "closed"),
    ("aftercare", "closed"),
]
STATUSES = [
    "reported",
    "assessment",
    "advised",
    "preventive_talk",
    "not_included",
    "active",
    "static",
    "aftercare",
    "closed",
]
REFUSED_PAIRS = [(a, b) for a, b in itertools.product(STATUSES, STATUSES) if (a, b) not in ALLOWED_PAIRS]


def test_the_table_is_the_lifecycle_written_out_here():
    assert sorted(S.values) == sorted(STATUSES)
    assert sorted((a, b) for a, targets in workflow.ALLOWED.items() for b in targets) == sorted(ALLOWED_PAIRS)
    assert sorted(workflow.PTO_R_ONLY) == sorted(PTO_R_PAIRS)
    assert len(REFUSED_PAIRS) == 81 - 12


def _decision_for(case, to):
    kind = {
        S.ACTIVE: "reactivate" if case.status == S.STATIC else "inclusion",
        S.NOT_INCLUDED: "not_included",
        S.STATIC: "static",
        S.AFTERCARE: "outflow",
        S.CLOSED: "close",
    }[to]
    return DecisionFactory(case=case, kind=kind, director=DirectorFactory() if kind == "inclusion" else None)


@pytest.mark.parametrize(("start", "to"), ALLOWED_PAIRS)
def test_allowed_transition_works_and_records_who_when_why(start, to):
    by = ProgrammeUserFactory()
    case = CaseFactory(status=start)
    decision = _decision_for(case, to) if (start, to) in PTO_R_PAIRS else None
    moved = services.case_transition(case=case, to=to, by=by, reason="Besproken", decision=decision)
    assert moved.status == to
    transition = moved.transitions.get()
    assert (transition.from_status, transition.to_status) == (start, to)
    assert (transition.by, transition.reason) == (by, "Besproken")
    assert transition.decision == decision
    assert moved.history.first().history_user == by


@pytest.mark.parametrize(("start", "to"), REFUSED_PAIRS)
def test_other_transition_is_refused_with_a_clear_message(start, to):
    case = CaseFactory(status=start)
    with pytest.raises(ValidationError) as error:
        services.case_transition(case=case, to=to, by=ProgrammeUserFactory(), reason="Probeer")
    assert error.value.code == "transition_not_allowed"
    assert case.code in error.value.messages[0]
    case.refresh_from_db()
    assert case.status == start and not case.transitions.exists()


@pytest.mark.parametrize(("start", "to"), PTO_R_PAIRS)
def test_pto_r_transitions_need_a_pto_r_decision_about_this_case(start, to):
    case = CaseFactory(status=start)
    by = ProgrammeUserFactory()
    with pytest.raises(ValidationError) as error:
        services.case_transition(case=case, to=to, by=by, reason="Zonder besluit")
    assert error.value.code == "pto_r_decision_required"
    other_body = DecisionFactory(case=case, meeting=MeetingFactory(body=MeetingBody.objects.get(kind="team")))
    other_case = DecisionFactory(case=CaseFactory())
    for decision in (other_body, other_case):
        with pytest.raises(ValidationError):
            services.case_transition(case=case, to=to, by=by, reason="Verkeerd besluit", decision=decision)
    case.refresh_from_db()
    assert case.status == start


def test_a_transition_needs_a_reason():
    with pytest.raises(ValidationError) as error:
        services.case_transition(case=CaseFactory(), to=S.ASSESSMENT, by=ProgrammeUserFactory(), reason=" ")
    assert error.value.code == "reason_required"


def test_inclusion_by_decision_sets_director_date_and_access():
    director = DirectorFactory()
    case = CaseFactory(advised=True)
    decision = DecisionFactory(case=case, kind=Decision.Kind.INCLUSION, director=director)
    case = services.case_apply_decision(decision=decision, by=ProgrammeUserFactory())
    assert case.status == S.ACTIVE and case.director == director
    assert case.included_on == decision.meeting.date
    assert Case.objects.visible_to(director.user).filter(pk=case.pk).exists()


def test_programme_steps_are_the_programme_teams():
    director = DirectorFactory()
    case = CaseFactory()
    with pytest.raises(services.PermissionDenied):
        services.case_start_assessment(case=case, by=director.user, reason="Duiding")
    by = ProgrammeUserFactory()
    case = services.case_start_assessment(case=case, by=by, reason="Duiding gestart")
    case = services.case_preventive_talk(case=case, by=by, reason="Preventief gesprek")
    case = services.case_start_assessment(case=case, by=by, reason="Toch verder duiden")
    case = services.case_advise(case=case, by=by, reason="IVG-R adviseert inclusie")
    assert case.status == S.ADVISED
    assert [t.to_status for t in case.transitions.all()] == [S.ASSESSMENT, S.PREVENTIVE_TALK, S.ASSESSMENT, S.ADVISED]
