"""Grants: time-bounded, moved with the director, substitutes for their period, cleaned up by a task."""

import datetime as dt
import logging

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from guardian.shortcuts import get_perms

from cases import permissions, tasks
from cases.models import Case, CaseAccessGrant
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
        # The guardian permission is still there until the task runs: reading never relied on it.
        assert "view_case" in get_perms(user, case)
        assert permissions.expire_grants() == 1
        assert "view_case" not in get_perms(user, case)


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
        assert not visible(substitute, case)
        assert get_perms(substitute, case) == []  # nothing before the absence starts
        clock.move_to(absent_from)
        assert visible(substitute, case)
        assert permissions.can_change(fresh(substitute), case)
        assert permissions.can_view_identity(fresh(substitute), case)
        permissions.expire_grants()  # the hourly task gives started grants their permissions
        assert set(get_perms(substitute, case)) == {"view_case", "change_case", "view_identity"}
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
    assert set(get_perms(director, case)) == {"view_case", "change_case", "view_identity"}
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
    assert set(get_perms(second.user, case)) == {"view_case", "change_case", "view_identity"}
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
