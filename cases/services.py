"""Writes on cases that carry a business rule. Views, admin, tasks and commands call these."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ipgar import date_window
from ipgar.dates import long_date

from . import hooks, permissions, workflow
from .access import services as access_services
from .models import (
    Case,
    CaseAccessGrant,
    CaseIdentity,
    CaseTransition,
    Contact,
    DirectorAssignment,
    Escalation,
    Intervention,
    LifeDomainScore,
    NetworkLink,
    PlanGoal,
)

S = Case.Status


def _save_with_history(case: Case, *, by, reason: str) -> None:
    case._history_user = by  # simple-history: explicit user outside requests (docs/decisions.md D5)
    case._change_reason = reason[:100]
    case.version += 1
    case.full_clean()
    case.save()


@transaction.atomic
def case_transition(*, case: Case, to: str, by, reason: str, decision=None) -> Case:
    """Move a case along the lifecycle; refuses what docs/domain.md does not allow."""
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
    date_window.check_dates(on=on)
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
    # An absent director's substitute takes the new case too: the pool registers that (hooks).
    hooks.director_assigned(case=case, director=director, by=by, on=on)
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
        "date": long_date(meeting_date),
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
    if to not in Case.PARTNER_STATUSES:
        # Intervention partners' registrations end with the case too.
        access_services.partner_registrations_end_with_case(case=case, by=by)
    decision.applied_at = timezone.now()
    decision.save(update_fields=["applied_at"])
    return case


# --- registration and the steps before the PTO-R ---------------------------------------------


class ConcurrentUpdateError(ValidationError):
    """A save based on an older version of the case; `stored` is the case as it is now."""

    def __init__(self, *, stored: Case):
        super().__init__(
            _(
                "Someone else changed case %(code)s while you were editing it (now version %(version)s). "
                "Nothing was saved: compare both versions below and submit again."
            ),
            params={"code": stored.code, "version": stored.version},
            code="concurrent_update",
        )
        self.stored = stored


def bsn_is_valid(bsn: str) -> bool:
    """The eleven-test of the Dutch citizen service number (nine digits)."""
    if not (len(bsn) == 9 and bsn.isdigit()):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(bsn[:8], range(9, 1, -1), strict=True))
    return (total - int(bsn[8])) % 11 == 0 and bsn != "000000000"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not change this case."))


def _not_in_future(value, field: str) -> None:
    date_window.check_dates(**{field: value})  # not before 1900 either
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: _("This date lies in the future.")}, code="future_date")


def _in_use(value, field: str, *, previous=None) -> None:
    """Refuse archived reference data for new choices; an old record keeps its old value."""
    if value is not None and value.archived and value != previous:
        raise ValidationError(
            {field: _("“%(name)s” is archived and can no longer be chosen.") % {"name": value}}, code="archived"
        )


def _saved(obj, *, by, reason: str = ""):
    obj._history_user = by
    if reason:
        obj._change_reason = reason[:100]
    obj.full_clean()
    obj.save()
    return obj


def _next_code(year: int) -> str:
    # A transaction-scoped advisory lock per year serialises concurrent registrations;
    # the unique constraint on `code` is the last line of defence.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CODE_LOCK_KEY, year])
    prefix = f"R-{year}-"
    numbers = [
        int(code.removeprefix(prefix))
        for code in Case.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if code.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


CODE_LOCK_KEY = 3003  # any constant, the same in every process

IDENTITY_FIELDS = ("first_name", "last_name", "date_of_birth", "bsn", "address", "postcode", "city")


def _validate_identity(identity: dict) -> None:
    bsn = (identity.get("bsn") or "").strip()
    if bsn and not bsn_is_valid(bsn):
        raise ValidationError({"bsn": _("This BSN does not pass the eleven-test.")}, code="invalid_bsn")
    _not_in_future(identity.get("date_of_birth"), "date_of_birth")


@transaction.atomic
def case_register(
    *,
    by,
    reported_on: dt.date,
    report_source,
    area,
    report_summary: str = "",
    risk_category=None,
    ideology=None,
    identity: dict | None = None,
) -> Case:
    """Register a report (melding) with its identity; the programme team only. Code R-<year>-<NNN>."""
    if not permissions.can_register_case(by):
        raise PermissionDenied(_("Only the programme team registers reports."))
    _not_in_future(reported_on, "reported_on")
    for value, field in (
        (report_source, "report_source"),
        (area, "area"),
        (risk_category, "risk_category"),
        (ideology, "ideology"),
    ):
        _in_use(value, field)
    identity = {key: value for key, value in (identity or {}).items() if key in IDENTITY_FIELDS}
    _validate_identity(identity)
    case = Case(
        code=_next_code(reported_on.year),
        status=S.REPORTED,
        reported_on=reported_on,
        report_source=report_source,
        area=area,
        report_summary=report_summary,
        risk_category=risk_category,
        ideology=ideology,
    )
    _saved(case, by=by, reason=_("Report registered"))
    _saved(CaseIdentity(case=case, **identity), by=by, reason=_("Report registered"))
    return case


def _programme_step(*, case: Case, to: str, by, reason: str) -> Case:
    if not permissions.can_register_case(by):
        raise PermissionDenied(_("Only the programme team moves a report through assessment."))
    return case_transition(case=case, to=to, by=by, reason=reason)


def case_start_assessment(*, case: Case, by, reason: str) -> Case:
    """Start the assessment (duiding) of a report, or resume it after a preventive talk."""
    return _programme_step(case=case, to=S.ASSESSMENT, by=by, reason=reason)


def case_advise(*, case: Case, by, reason: str) -> Case:
    """Record that the IVG-R advised on the report; the PTO-R decides next."""
    return _programme_step(case=case, to=S.ADVISED, by=by, reason=reason)


def case_preventive_talk(*, case: Case, by, reason: str) -> Case:
    """A preventive talk instead of inclusion (the in-between option of docs/domain.md)."""
    return _programme_step(case=case, to=S.PREVENTIVE_TALK, by=by, reason=reason)


# Steps the programme team makes without a PTO-R decision, by target status.
PROGRAMME_STEPS = {S.ASSESSMENT: case_start_assessment, S.ADVISED: case_advise, S.PREVENTIVE_TALK: case_preventive_talk}


def programme_targets(case: Case) -> list[str]:
    """The statuses the programme team moves a case to itself (no PTO-R decision needed)."""
    return [
        to for to in workflow.allowed_targets(case) if not workflow.needs_decision(case, to) and to in PROGRAMME_STEPS
    ]


# --- editing the case (optimistic locking) -------------------------------------------------

CASE_EDIT_FIELDS = (
    "reported_on",
    "report_source",
    "report_summary",
    "area",
    "risk_category",
    "ideology",
    "is_detained",
    "is_abroad",
)


def _locked(case: Case, version: int) -> Case:
    stored = Case.objects.select_for_update().get(pk=case.pk)
    if int(version) != stored.version:
        raise ConcurrentUpdateError(stored=stored)
    return stored


@transaction.atomic
def case_update(*, case: Case, by, version: int, reason: str = "", **changes) -> Case:
    """Change the case's own fields; refused when `version` is not the stored one."""
    _require(permissions.can_change(by, case))
    unknown = set(changes) - set(CASE_EDIT_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    stored = _locked(case, version)
    if "reported_on" in changes:
        _not_in_future(changes["reported_on"], "reported_on")
        if stored.included_on and changes["reported_on"] > stored.included_on:
            raise ValidationError({"reported_on": _("The report cannot be dated after the inclusion.")})
    for field in ("report_source", "area", "risk_category", "ideology"):
        if field in changes:
            _in_use(changes[field], field, previous=getattr(stored, field))
    for field, value in changes.items():
        setattr(stored, field, value)
    _save_with_history(stored, by=by, reason=reason or _("Case details changed"))
    return stored


@transaction.atomic
def information_picture_update(*, case: Case, by, version: int, text: str) -> Case:
    """Replace the (restricted) information picture; same optimistic lock as case_update."""
    _require(permissions.can_view_identity(by, case))
    stored = _locked(case, version)
    stored.information_picture = text
    _save_with_history(stored, by=by, reason=_("Information picture updated"))
    return stored


@transaction.atomic
def identity_update(*, case: Case, by, **fields) -> CaseIdentity:
    """Change who the case is about; only who may see the identity (docs/access.md)."""
    _require(permissions.can_view_identity(by, case))
    unknown = set(fields) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValueError(f"not identity fields: {sorted(unknown)}")
    _validate_identity(fields)
    identity, _created = CaseIdentity.objects.select_for_update().get_or_create(case=case)
    for field, value in fields.items():
        setattr(identity, field, value)
    return _saved(identity, by=by, reason=_("Identity changed"))


# --- what a director records ---------------------------------------------------------------


@transaction.atomic
def contact_record(*, case: Case, by, date: dt.date, kind: str, note: str = "") -> Contact:
    """Record a contact or effort (inzet); its date drives the no-contact alert."""
    _require(permissions.can_change(by, case))
    _not_in_future(date, "date")
    if date < case.reported_on:
        raise ValidationError({"date": _("A contact cannot be dated before the report.")})
    return _saved(Contact(case=case, date=date, kind=kind, by=by, note=note), by=by)


def _check_intervention(intervention: Intervention, *, previous_type=None) -> None:
    _in_use(intervention.type, "type", previous=previous_type)
    start, end = intervention.started_on, intervention.ended_on
    date_window.check_dates(started_on=start, ended_on=end)
    if start and end and end < start:
        raise ValidationError({"ended_on": _("The end lies before the start.")}, code="end_before_start")
    _not_in_future(end, "ended_on")
    if intervention.status != Intervention.Status.PLANNED:
        _not_in_future(start, "started_on")
        if start is None:
            raise ValidationError({"started_on": _("A running or finished intervention has a start date.")})
    if intervention.status in (Intervention.Status.COMPLETED, Intervention.Status.STOPPED) and end is None:
        raise ValidationError({"ended_on": _("A finished intervention has an end date.")})


@transaction.atomic
def intervention_record(
    *,
    case: Case,
    by,
    type,
    partner,
    goal: str,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    status: str = Intervention.Status.PLANNED,
    outcome: str = "",
) -> Intervention:
    """Add an intervention from the catalogue (archived types refused) with its executing partner."""
    _require(permissions.can_change(by, case))
    intervention = Intervention(
        case=case,
        type=type,
        partner=partner,
        goal=goal,
        started_on=started_on,
        ended_on=ended_on,
        status=status,
        outcome=outcome,
    )
    _check_intervention(intervention)
    return _saved(intervention, by=by)


INTERVENTION_FIELDS = ("type", "partner", "goal", "started_on", "ended_on", "status", "outcome")


@transaction.atomic
def intervention_update(*, intervention: Intervention, by, **changes) -> Intervention:
    """Change an intervention (progress, end, outcome); an archived type may stay, not be chosen."""
    _require(permissions.can_change(by, intervention.case))
    unknown = set(changes) - set(INTERVENTION_FIELDS)
    if unknown:
        raise ValueError(f"not intervention fields: {sorted(unknown)}")
    stored = Intervention.objects.select_for_update().get(pk=intervention.pk)
    previous_type = stored.type
    for field, value in changes.items():
        setattr(stored, field, value)
    _check_intervention(stored, previous_type=previous_type)
    return _saved(stored, by=by)


@transaction.atomic
def life_domain_score_record(
    *, case: Case, by, domain, score: int, scored_on: dt.date, note: str = ""
) -> LifeDomainScore:
    """Record a ZRM score (1-5) on a life domain at a date."""
    _require(permissions.can_change(by, case))
    if score is None or not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("A ZRM score lies between 1 and 5.")}, code="score_range")
    _not_in_future(scored_on, "scored_on")
    _in_use(domain, "domain")
    return _saved(
        LifeDomainScore(case=case, domain=domain, score=int(score), scored_on=scored_on, by=by, note=note), by=by
    )


@transaction.atomic
def life_domain_scores_record(*, case: Case, by, scored_on: dt.date, scores: dict) -> list[LifeDomainScore]:
    """Score several life domains at once (the whole ZRM in one form): {domain: score}.

    Domains without a score (None) are skipped; nothing is saved unless every score is valid."""
    _require(permissions.can_change(by, case))
    given = {domain: score for domain, score in scores.items() if score not in (None, "")}
    if not given:
        raise ValidationError(_("Give a score for at least one life domain."), code="no_scores")
    return [
        life_domain_score_record(case=case, by=by, domain=domain, score=score, scored_on=scored_on)
        for domain, score in given.items()
    ]


@transaction.atomic
def plan_goal_set(*, case: Case, by, domain, goal: str, status: str = PlanGoal.Status.OPEN, plan_goal=None) -> PlanGoal:
    """Add a goal of the plan of approach for a life domain, or change an existing one."""
    _require(permissions.can_change(by, case))
    if plan_goal is None:
        _in_use(domain, "domain")
        plan_goal = PlanGoal(case=case, domain=domain, created_on=timezone.localdate())
    else:
        plan_goal = PlanGoal.objects.select_for_update().get(pk=plan_goal.pk, case=case)
        _in_use(domain, "domain", previous=plan_goal.domain)
        plan_goal.domain = domain
    plan_goal.goal = goal
    plan_goal.status = status
    return _saved(plan_goal, by=by)


@transaction.atomic
def network_link_add(*, case: Case, other: Case, kind: str, by, note: str = "") -> NetworkLink:
    """Link two cases (same network, key location); only someone who may see both may link them."""
    _require(permissions.can_change(by, case))
    if not permissions.can_view(by, other):
        raise ValidationError({"other": _("Unknown case code.")}, code="unknown_case")
    if other.pk == case.pk:
        raise ValidationError({"other": _("A case cannot be linked to itself.")})
    if NetworkLink.objects.filter(Q(case=case, other=other) | Q(case=other, other=case), kind=kind).exists():
        raise ValidationError(_("These cases are already linked this way."), code="duplicate_link")
    link = NetworkLink(case=case, other=other, kind=kind, note=note, created_by=by)
    link.full_clean()
    link.save()
    return link


# Which requests go to which body, from which statuses.
ESCALATION_RULES = {
    Escalation.Request.ADVICE: {
        "bodies": {Escalation.Body.ITAT_R, Escalation.Body.ITAT_R_PLUS, Escalation.Body.PTO_R},
        "from": set(Case.CASELOAD_STATUSES),
    },
    Escalation.Request.STATIC: {"bodies": {Escalation.Body.PTO_R}, "from": {S.ACTIVE}},
    Escalation.Request.OUTFLOW: {"bodies": {Escalation.Body.PTO_R}, "from": set(Case.CASELOAD_STATUSES)},
    Escalation.Request.REACTIVATE: {"bodies": {Escalation.Body.PTO_R}, "from": {S.STATIC}},
}


@transaction.atomic
def case_escalate(*, case: Case, by, body: str, request: str, question: str, on: dt.date | None = None) -> Escalation:
    """Escalate a stuck case to ITAT-R(+) or ask the PTO-R for a decision (static, outflow, end static)."""
    _require(permissions.can_change(by, case))
    rule = ESCALATION_RULES[request]
    if body not in rule["bodies"]:
        raise ValidationError({"body": _("Only the PTO-R decides on static and outflow.")}, code="wrong_body")
    if case.status not in rule["from"]:
        raise ValidationError(
            {
                "request": _("This request does not fit a case that is “%(status)s”.")
                % {"status": case.get_status_display()}
            },
            code="wrong_status",
        )
    if not question or not question.strip():
        raise ValidationError({"question": _("Say what you ask.")})
    on = on or timezone.localdate()
    _not_in_future(on, "requested_on")
    escalation = Escalation(case=case, body=body, request=request, question=question, requested_on=on, requested_by=by)
    escalation.full_clean()
    escalation.save()
    return escalation
