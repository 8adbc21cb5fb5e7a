"""Writes on cases that carry a business rule. Views, admin, tasks and commands call these."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions, workflow
from .models import Case, CaseAccessGrant, CaseTransition, DirectorAssignment

S = Case.Status


def _save_with_history(case: Case, *, by, reason: str) -> None:
    case._history_user = by  # simple-history: explicit user outside requests (FIELD-NOTES 9)
    case._change_reason = reason[:100]
    case.version += 1
    case.full_clean()
    case.save()


@transaction.atomic
def case_transition(*, case: Case, to: str, by, reason: str, decision=None) -> Case:
    """Move a case along the lifecycle; refuses what DESIGN §3 does not allow."""
    if not reason or not reason.strip():
        raise ValidationError(_("Give a reason for this change of status."), code="reason_required")
    case = Case.objects.select_for_update().get(pk=case.pk)
    workflow.check(case, to=to, decision=decision)
    previous = case.status
    case.status = to
    _save_with_history(case, by=by, reason=reason)
    CaseTransition.objects.create(
        case=case, from_status=previous, to_status=to, by=by, reason=reason, decision=decision
    )
    return case


@transaction.atomic
def case_assign_director(*, case: Case, director, by, reason: str, on: dt.date | None = None) -> Case:
    """Give the case to a director: access moves with it, the old assignment is kept as history."""
    on = on or timezone.localdate()
    case = Case.objects.select_for_update().get(pk=case.pk)
    current = case.assignments.filter(ended_on__isnull=True).select_related("director__user").first()
    if current is not None:
        if current.director_id == director.pk:
            return case
        current.ended_on = on
        current.save(update_fields=["ended_on"])
        permissions.revoke_grants(user=current.director.user, case=case, kinds=[CaseAccessGrant.Kind.DIRECTOR], by=by)
    DirectorAssignment.objects.create(case=case, director=director, started_on=on, assigned_by=by, reason=reason)
    permissions.grant_case_access(
        user=director.user, case=case, kind=CaseAccessGrant.Kind.DIRECTOR, reason=reason or _("assigned"), by=by
    )
    case.director = director
    _save_with_history(case, by=by, reason=_("Director: %(name)s") % {"name": director})
    return case


# What each PTO-R decision kind does to a case.
DECISION_TARGETS = {
    "inclusion": S.ACTIVE,
    "not_included": S.NOT_INCLUDED,
    "static": S.STATIC,
    "reactivate": S.ACTIVE,
    "outflow": S.AFTERCARE,
    "close": S.CLOSED,
}


@transaction.atomic
def case_apply_decision(*, decision, by) -> Case:
    """Carry out a PTO-R decision about a case (inclusion, outflow, static …); once only."""
    if decision.case_id is None or decision.kind not in DECISION_TARGETS:
        raise ValidationError(_("This decision does not change a case."), code="not_a_case_decision")
    if decision.applied_at is not None:
        raise ValidationError(_("This decision has already been carried out."), code="already_applied")
    to = DECISION_TARGETS[decision.kind]
    meeting_date = decision.meeting.date
    case = decision.case
    if to == S.ACTIVE and case.status == S.ADVISED and decision.director_id is None:
        raise ValidationError(_("An inclusion decision names the director who takes the case."), code="no_director")
    if to == S.CLOSED and decision.outflow_reason_id is None:
        raise ValidationError(_("An outflow decision names the reason for outflow."), code="no_outflow_reason")
    reason = _("PTO-R decision %(number)s of %(date)s: %(text)s") % {
        "number": decision.number,
        "date": meeting_date.strftime("%d-%m-%Y"),
        "text": decision.text,
    }
    case = case_transition(case=case, to=to, by=by, reason=reason, decision=decision)
    if decision.kind == "inclusion":
        case.included_on = meeting_date
        _save_with_history(case, by=by, reason=_("Included"))
        case = case_assign_director(case=case, director=decision.director, by=by, reason=reason, on=meeting_date)
    elif to == S.CLOSED:
        case.closed_on = meeting_date
        case.outflow_reason = decision.outflow_reason
        _save_with_history(case, by=by, reason=_("Outflow"))
        current = case.assignments.filter(ended_on__isnull=True).first()
        if current is not None:
            current.ended_on = meeting_date
            current.save(update_fields=["ended_on"])
        # Access ends with the case: only the programme team keeps reading closed cases.
        for grant in case.access_grants.filter(revoked_at__isnull=True):
            permissions.revoke_case_access(grant=grant, by=by)
    decision.applied_at = timezone.now()
    decision.save(update_fields=["applied_at"])
    return case
