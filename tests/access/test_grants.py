"""Grants: time-bounded, moved with the director, substitutes for their period, cleaned up by a task."""

import datetime as dt
import logging

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_perms

from cases import permissions, tasks
from cases.models import Case, CaseAccessGrant, CaseUserObjectPermission
from cases.services import case_assign_director
from ipgar.models import User
from tests.cases.factories import CaseFactory, DirectorFactory, ProgrammeUserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def fresh(user):
    # A new instance: no per-request grant cache left over from an earlier check.
    return User.objects.get(pk=user.pk)


def visible(user, case) -> bool:
    return Case.objects.visible_to(fresh(user)).filter(pk=case.pk).exists()


def test_time_bounded_grant_stops_at_its_end_without_the_cleanup_task():
    with time_machine.travel(START, tick=False) as clock:
        case, user, by = CaseFactory(active=True), DirectorFactory().user, ProgrammeUserFactory()
        permissions.grant_case_access(
            user=user,
            case=case,
            kind=CaseAccessGrant.Kind.EXPLICIT,
            reason="overdracht",
            by=by,
            valid_until=START + dt.timedelta(hours=2),
        )
        assert visible(user, case) and permissions.can_view(fresh(user), case)
        clock.move_to(START + dt.timedelta(hours=2) - dt.timedelta(seconds=1))
        assert visible(user, case)
        clock.move_to(START + dt.timedelta(hours=2))
        assert not visible(user, case)
        assert not permissions.can_view(fresh(user), case)
        assert not fresh(user).has_perm(permissions.VIEW, case)
        # The guardian row is still there until the boundary task runs: the clock guard ends it.
        assert get_perms(user, case) == ["view_case"]
        assert permissions.expire_grants() == 1
        assert get_perms(user, case) == []


def test_substitute_has_access_for_the_absence_period_only():
    with time_machine.travel(START, tick=False) as clock:
        case = CaseFactory(active=True)
        substitute = DirectorFactory().user
        absent_from, absent_until = START + dt.timedelta(days=7), START + dt.timedelta(days=21)
        permissions.grant_case_access(
            user=substitute,
            case=case,
            kind=CaseAccessGrant.Kind.SUBSTITUTE,
            reason="vervanging",
            by=ProgrammeUserFactory(),
            valid_from=absent_from,
            valid_until=absent_until,
        )
        # The guardian rows are written with the grant; the clock keeps them shut until the start.
        assert set(get_perms(substitute, case)) == {"view_case", "change_case", "view_identity"}
        assert not visible(substitute, case)
        assert not permissions.can_change(fresh(substitute), case)
        clock.move_to(absent_from - dt.timedelta(seconds=1))
        assert not visible(substitute, case)
        clock.move_to(absent_from)
        assert visible(substitute, case)
        assert permissions.can_change(fresh(substitute), case)
        assert permissions.can_view_identity(fresh(substitute), case)
        clock.move_to(absent_until)
        assert not visible(substitute, case)
        assert not permissions.can_change(fresh(substitute), case)
        permissions.expire_grants()
        assert get_perms(substitute, case) == []
        # The case's own director never lost anything.
        assert visible(case.director.user, case)


def test_expire_grants_is_idempotent_and_logs_what_it_did(caplog):
    with time_machine.travel(START, tick=False) as clock:
        by = ProgrammeUserFactory()
        grants = [
            permissions.grant_case_access(
                user=DirectorFactory().user,
                case=CaseFactory(active=True),
                kind=CaseAccessGrant.Kind.EXPLICIT,
                reason="tijdelijk",
                by=by,
                valid_until=START + dt.timedelta(hours=1),
            )
            for _ in range(3)
        ]
        clock.move_to(START + dt.timedelta(hours=3))
        with caplog.at_level(logging.INFO, logger="cases.permissions"):
            assert tasks.expire_grants.delay().get() == 3
        logged = caplog.text
        for grant in grants:
            assert f"grant expired: grant={grant.pk}" in logged
            grant.refresh_from_db()
            # Marked ended at its own end, not at the moment the task happened to run.
            assert grant.revoked_at == START + dt.timedelta(hours=1)
        assert "3 grants ended" in logged
        assert tasks.expire_grants.delay().get() == 0


def test_revoking_one_grant_keeps_permissions_another_grant_carries():
    case, by = CaseFactory(active=True), ProgrammeUserFactory()
    director = case.director.user
    explicit = permissions.grant_case_access(
        user=director, case=case, kind=CaseAccessGrant.Kind.EXPLICIT, reason="extra", by=by
    )
    permissions.revoke_case_access(grant=explicit, by=by)
    assert set(get_perms(director, case)) == {"view_case", "change_case", "view_identity", "manage_registrations"}
    assert visible(director, case)
    assert permissions.revoke_grants(user=director, case=case, kinds=[CaseAccessGrant.Kind.DIRECTOR], by=by) == 1
    assert get_perms(director, case) == []
    assert not visible(director, case)
    # Revoking again changes nothing.
    assert permissions.revoke_grants(user=director, case=case, kinds=[CaseAccessGrant.Kind.DIRECTOR], by=by) == 0


def test_director_gets_access_on_assignment_and_loses_it_on_transfer():
    case, by = CaseFactory(advised=True), ProgrammeUserFactory()
    first, second = DirectorFactory(), DirectorFactory()
    case_assign_director(case=case, director=first, by=by, reason="toewijzing")
    assert visible(first.user, case) and permissions.can_view_identity(fresh(first.user), case)
    assert not visible(second.user, case)
    case_assign_director(case=case, director=second, by=by, reason="overdracht")
    assert not visible(first.user, case)
    assert not permissions.can_change(fresh(first.user), case)
    assert get_perms(first.user, case) == []
    assert visible(second.user, case)
    assert set(get_perms(second.user, case)) == {"view_case", "change_case", "view_identity", "manage_registrations"}
    ended = CaseAccessGrant.objects.get(user=first.user, case=case)
    assert ended.revoked_by == by and ended.revoked_at is not None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "owner"}, "unknown_kind"),
        ({"reason": "  "}, "reason_required"),
        ({"valid_until": timezone.now() - dt.timedelta(days=1)}, "ends_before_start"),
    ],
)
def test_grant_refuses_bad_input(kwargs, code):
    arguments = {
        "user": DirectorFactory().user,
        "case": CaseFactory(),
        "kind": CaseAccessGrant.Kind.EXPLICIT,
        "reason": "reden",
        "by": ProgrammeUserFactory(),
        **kwargs,
    }
    with pytest.raises(ValidationError) as error:
        permissions.grant_case_access(**arguments)
    assert error.value.code == code
    assert not CaseAccessGrant.objects.filter(case=arguments["case"]).exists()


def test_closing_a_case_ends_every_grant():
    case = CaseFactory(active=True)
    director = case.director.user
    from cases.models import OutflowReason
    from cases.services import case_apply_decision
    from meetings.models import Decision
    from tests.cases.factories import DecisionFactory

    case.status = Case.Status.AFTERCARE
    case.save()
    decision = DecisionFactory(case=case, kind=Decision.Kind.CLOSE, outflow_reason=OutflowReason.objects.first())
    case_apply_decision(decision=decision, by=ProgrammeUserFactory())
    assert not visible(director, case)
    assert get_perms(director, case) == []


# --- guardian is the thing consulted ----------------------------------------------------------


def _remove_guardian_row(user, case, codename):
    deleted, _ = CaseUserObjectPermission.objects.filter(
        user=user, content_object=case, permission__codename=codename
    ).delete()
    assert deleted == 1


def test_removing_the_guardian_row_revokes_access_while_the_grant_is_valid():
    case = CaseFactory(active=True)
    director = case.director.user
    grant = CaseAccessGrant.objects.get(user=director, case=case, kind=CaseAccessGrant.Kind.DIRECTOR)
    assert visible(director, case) and permissions.can_change(fresh(director), case)
    _remove_guardian_row(director, case, "change_case")
    assert CaseAccessGrant.objects.active().filter(pk=grant.pk).exists()
    # Change goes, view stays: each action is its own guardian row.
    assert not permissions.can_change(fresh(director), case)
    assert not fresh(director).has_perm(permissions.CHANGE, case)
    assert permissions.can_view(fresh(director), case) and visible(director, case)
    _remove_guardian_row(director, case, "view_case")
    assert not visible(director, case)
    assert not permissions.can_view(fresh(director), case)
    # The hourly sweep does not put guardian rows back from the grants.
    permissions.expire_grants()
    assert not visible(director, case)


def test_a_guardian_row_without_a_grant_in_force_gives_nothing():
    case, user = CaseFactory(active=True), DirectorFactory().user
    assign_perm(permissions.VIEW, user, case)
    assign_perm(permissions.CHANGE, user, case)
    assert set(get_perms(user, case)) == {"view_case", "change_case"}
    assert not visible(user, case)
    assert not permissions.can_view(fresh(user), case)
    assert not fresh(user).has_perm(permissions.VIEW, case)
    # An explicit grant carries view only: the stray change row still gives nothing.
    permissions.grant_case_access(
        user=user, case=case, kind=CaseAccessGrant.Kind.EXPLICIT, reason="ITAT-R", by=ProgrammeUserFactory()
    )
    assert visible(user, case) and fresh(user).has_perm(permissions.VIEW, case)
    assert not permissions.can_change(fresh(user), case)
    assert not fresh(user).has_perm(permissions.CHANGE, case)


def test_one_object_checks_and_list_agree_and_cost_one_query_per_case(django_assert_num_queries):
    case = CaseFactory(active=True)
    user = fresh(case.director.user)
    with django_assert_num_queries(2):  # the user's roles, then every permission on the case at once
        assert permissions.can_view(user, case)
        assert permissions.can_change(user, case)
        assert permissions.can_view_identity(user, case)
        assert permissions.can_manage_registrations(user, case)
        assert not permissions.can_view_need_to_know(user, case)
    other = CaseFactory(active=True)
    assert list(Case.objects.visible_to(fresh(user)).filter(pk__in=[case.pk, other.pk])) == [case]


def test_the_boundary_task_ends_a_grant_at_its_end_and_not_before():
    with time_machine.travel(START, tick=False) as clock:
        case, user = CaseFactory(active=True), DirectorFactory().user
        grant = permissions.grant_case_access(
            user=user,
            case=case,
            kind=CaseAccessGrant.Kind.EXPLICIT,
            reason="ITAT-R",
            by=ProgrammeUserFactory(),
            valid_until=START + dt.timedelta(minutes=30),
        )
        assert tasks.end_grant.delay(grant.pk).get() is False  # early: nothing happens
        assert get_perms(user, case) == ["view_case"]
        clock.move_to(START + dt.timedelta(minutes=30))
        assert tasks.end_grant.delay(grant.pk).get() is True
        assert get_perms(user, case) == []
        grant.refresh_from_db()
        assert grant.revoked_at == START + dt.timedelta(minutes=30)
        assert tasks.end_grant.delay(grant.pk).get() is False


def test_a_grant_ending_within_the_hour_queues_its_boundary_task(django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.end_grant, "apply_async", lambda args, eta: queued.append((args, eta)))
    with time_machine.travel(START, tick=False):
        case, user, by = CaseFactory(active=True), DirectorFactory().user, ProgrammeUserFactory()
        with django_capture_on_commit_callbacks(execute=True):
            soon = permissions.grant_case_access(
                user=user, case=case, kind="explicit", reason="a", by=by, valid_until=START + dt.timedelta(minutes=50)
            )
            later = permissions.grant_case_access(
                user=user,
                case=CaseFactory(active=True),
                kind="explicit",
                reason="b",
                by=by,
                valid_until=START + dt.timedelta(hours=5),
            )
        assert queued == [([soon.pk], START + dt.timedelta(minutes=50))]
    with time_machine.travel(START + dt.timedelta(hours=4, minutes=30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert permissions.expire_grants() == 1  # `soon`, whose task was lost
        assert queued[-1] == ([later.pk], START + dt.timedelta(hours=5))
