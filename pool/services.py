"""Writes on the pool that carry a business rule. Views, admin, demo and tests call these."""

import datetime as dt
from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from cases import permissions as case_permissions
from cases import services as case_services
from cases.models import Case, CaseAccessGrant
from ipgar import date_window
from ipgar.dates import long_date, start_of_day
from ipgar.tasks import enqueue_on_commit

from . import selectors
from .models import (
    Absence,
    CaseloadReview,
    CaseloadReviewItem,
    Director,
    Instruction,
    Substitution,
    ThreeWayConversation,
)

DIRECTOR_FIELDS = (
    "organisation",
    "seconded_from",
    "fte",
    "capacity_override",
    "line_manager_name",
    "line_manager_email",
    "active_from",
    "active_until",
)


# --- keeping the pool ---------------------------------------------------------------------


@transaction.atomic
def director_create(*, user, by, restricted_to_areas=(), **fields) -> Director:
    """Put a user in the pool; FTE 0.1-1.0, capacity derived unless overridden."""
    director = Director(user=user, **{key: value for key, value in fields.items() if key in DIRECTOR_FIELDS})
    director._history_user = by
    _validate_director(director)
    director.save()
    director.restricted_to_areas.set(restricted_to_areas)
    return director


@transaction.atomic
def director_update(*, director: Director, by, restricted_to_areas=None, **fields) -> Director:
    """Change a director's organisation, FTE, restrictions, line manager or period."""
    director = Director.objects.select_for_update().get(pk=director.pk)
    for key, value in fields.items():
        if key in DIRECTOR_FIELDS:
            setattr(director, key, value)
    director._history_user = by
    _validate_director(director)
    director.save()
    if restricted_to_areas is not None:
        director.restricted_to_areas.set(restricted_to_areas)
    return director


def _validate_director(director: Director) -> None:
    director.full_clean(exclude=["user"] if director.pk else None)
    if director.active_until and director.active_until < director.active_from:
        raise ValidationError({"active_until": _("The period in the pool cannot end before it starts.")})


# --- assignment and handover --------------------------------------------------------------


def _check_can_take(*, director: Director, case: Case, on: dt.date) -> None:
    if not director.is_in_pool_on(on):
        raise ValidationError(
            _("%(name)s is not in the pool on %(date)s.") % {"name": director, "date": long_date(on)},
            code="not_in_pool",
        )
    restricted = list(director.restricted_to_areas.values_list("pk", flat=True))
    if restricted and case.area_id not in restricted:
        raise ValidationError(
            _("%(name)s only takes cases in their own areas; %(code)s is in %(area)s.")
            % {"name": director, "code": case.code, "area": case.area},
            code="restricted",
        )


def _check_capacity(
    *, incoming: Counter, confirm_over_capacity: bool, reason: str, on: dt.date, already: Counter | None = None
) -> None:
    """Beyond capacity only with an explicit confirmation and a reason."""
    figures = {d.pk: d for d in selectors.director_figures(on=on).filter(pk__in=list(incoming))}
    # Advised cases already given to a director count against the capacity too;
    # a case that is itself one of them is not counted twice (`already`).
    already = already or Counter()

    def load(pk, n):
        return figures[pk].active_cases + figures[pk].assigned_pending - already[pk] + n

    over = [
        _("%(name)s would have %(count)s cases, maximum %(capacity)s")
        % {"name": figures[pk], "count": load(pk, n), "capacity": figures[pk].max_cases}
        for pk, n in incoming.items()
        if load(pk, n) > figures[pk].max_cases
    ]
    if over and not confirm_over_capacity:
        raise ValidationError(
            _("Beyond capacity: %(who)s. Confirm explicitly and give the reason.") % {"who": "; ".join(over)},
            code="over_capacity",
        )
    if over and not (reason or "").strip():
        raise ValidationError(_("Give the reason for assigning beyond capacity."), code="over_capacity_reason")


def inclusion_check(
    *, case: Case, director: Director, on: dt.date, confirm_over_capacity: bool = False, reason: str = ""
) -> None:
    """The pool's rules for a PTO-R inclusion: the director is in the pool, may take
    cases in this area, and has room; beyond capacity only when confirmed, with a reason."""
    _check_can_take(director=director, case=case, on=on)
    already = Counter({director.pk: 1}) if case.director_id == director.pk else Counter()
    _check_capacity(
        incoming=Counter({director.pk: 1}),
        confirm_over_capacity=confirm_over_capacity,
        reason=reason,
        on=on,
        already=already,
    )


@transaction.atomic
def case_assign(
    *,
    case: Case,
    director: Director,
    by,
    reason: str,
    confirm_over_capacity: bool = False,
    on: dt.date | None = None,
) -> Case:
    """The programme team's choice from the proposal; recorded (reason, by whom) and notified."""
    on = on or timezone.localdate()
    date_window.check_dates(on=on)
    if case.status not in Case.ASSIGNABLE_STATUSES:
        raise ValidationError(_("Only advised or active cases are assigned here."), code="not_assignable")
    if case.director_id == director.pk:
        raise ValidationError(_("%(name)s already directs this case.") % {"name": director}, code="same_director")
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for this choice."), code="reason_required")
    _check_can_take(director=director, case=case, on=on)
    _check_capacity(
        incoming=Counter({director.pk: 1}), confirm_over_capacity=confirm_over_capacity, reason=reason, on=on
    )
    case = case_services.case_assign_director(case=case, director=director, by=by, reason=reason, on=on)
    _notify_on_commit(director_id=director.pk, case_ids=[case.pk])
    return case


@transaction.atomic
def cases_hand_over(
    *,
    moves: list[tuple[Case, Director]],
    by,
    reason: str,
    confirm_over_capacity: bool = False,
    on: dt.date | None = None,
    notify: bool = True,
) -> list[Case]:
    """Hand one or many cases to other directors at once: access moves, history keeps the old one."""
    on = on or timezone.localdate()
    date_window.check_dates(on=on)
    if not moves:
        raise ValidationError(_("Choose at least one case to hand over."), code="nothing_chosen")
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for the handover."), code="reason_required")
    errors = []
    for case, director in moves:
        if case.director_id == director.pk:
            errors.append(
                ValidationError(
                    _("%(code)s is already with %(name)s.") % {"code": case.code, "name": director}, code="same"
                )
            )
            continue
        try:
            _check_can_take(director=director, case=case, on=on)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    _check_capacity(
        incoming=Counter(director.pk for _case, director in moves),
        confirm_over_capacity=confirm_over_capacity,
        reason=reason,
        on=on,
    )
    moved, per_director = [], defaultdict(list)
    for case, director in moves:
        moved.append(case_services.case_assign_director(case=case, director=director, by=by, reason=reason, on=on))
        per_director[director.pk].append(case.pk)
    for director_id, case_ids in per_director.items() if notify else ():
        _notify_on_commit(director_id=director_id, case_ids=case_ids)
    return moved


def _notify_on_commit(*, director_id: int, case_ids: list[int]) -> None:
    # A Celery task with retries, queued after commit: a failing mail server must not turn a
    # committed assignment into an error page (pool.tasks.notify_new_director).
    from .tasks import notify_new_director as task  # tasks import this module

    enqueue_on_commit(task, director_id=director_id, case_ids=case_ids)


def notify_new_director(*, director_id: int, case_ids: list[int]) -> int:
    """E-mail a director the codes of the cases they now direct (codes only: pseudonymous)."""
    director = Director.objects.select_related("user").get(pk=director_id)
    if not director.user.email:
        return 0
    codes = list(Case.objects.filter(pk__in=case_ids).order_by("code").values_list("code", flat=True))
    with override(settings.LANGUAGE_CODE):
        subject = _("iPGA-R: %(count)s case(s) assigned to you") % {"count": len(codes)}
        body = _(
            "Dear %(name)s,\n\nThe programme team has assigned these cases to you: %(codes)s.\n"
            "You find them on your caseload in the iPGA-R application.\n"
        ) % {"name": director.user.get_full_name() or director.user.username, "codes": ", ".join(codes)}
    return send_mail(subject, body, None, [director.user.email])


# --- absence and substitution -----------------------------------------------------------------


def day_bounds(*, starts_on: dt.date, ends_on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start of the first day and end of the last day, local time."""
    return start_of_day(starts_on), start_of_day(ends_on + dt.timedelta(days=1))


def _absent_during(*, director: Director, starts_on: dt.date, ends_on: dt.date):
    return Absence.objects.filter(director=director, starts_on__lte=ends_on, ends_on__gte=starts_on)


@transaction.atomic
def absence_register(
    *,
    director: Director,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    by,
    note: str = "",
    substitute: Director | None = None,
    per_case: dict[Case, Director] | None = None,
) -> Absence:
    """Register an absence; substitutes get access to the cases for the absence period only.

    `substitute` takes every case on the caseload, `per_case` overrides it case by case.
    """
    per_case = {case: sub for case, sub in (per_case or {}).items() if sub is not None}
    caseload = _check_absence(
        director=director, starts_on=starts_on, ends_on=ends_on, substitute=substitute, per_case=per_case
    )
    absence = Absence(director=director, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note, registered_by=by)
    absence.full_clean()
    absence.save()
    assignment: dict[Director, list[Case]] = defaultdict(list)
    for case in caseload:
        sub = per_case.get(case, substitute)
        if sub is not None:
            assignment[sub].append(case)
    for sub, cases in assignment.items():
        _substitute(absence=absence, substitute=sub, cases=cases, by=by)
    return absence


def _check_absence(*, director: Director, starts_on, ends_on, substitute, per_case: dict) -> list[Case]:
    """The rules of an absence; returns the absent director's caseload."""
    date_window.check_dates(starts_on=starts_on, ends_on=ends_on)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The absence cannot end before it starts.")})
    if _absent_during(director=director, starts_on=starts_on, ends_on=ends_on).exists():
        raise ValidationError({"starts_on": _("%(name)s is already absent in this period.") % {"name": director}})
    caseload = list(selectors.director_caseload(director=director))
    on_caseload = {case.pk for case in caseload}
    errors = [
        _("%(code)s is not on the caseload of %(name)s.") % {"code": case.code, "name": director}
        for case in per_case
        if case.pk not in on_caseload
    ]
    if errors:
        raise ValidationError(errors)
    for field, sub in [("substitute", substitute)] + [(None, sub) for sub in set(per_case.values())]:
        if sub is None:
            continue
        if sub.pk == director.pk:
            raise ValidationError({field: _("A director cannot substitute for themselves.")})
        if _absent_during(director=sub, starts_on=starts_on, ends_on=ends_on).exists():
            message = _("%(name)s is absent during this period too.") % {"name": sub}
            raise ValidationError({field: message} if field else message)
    return caseload


def _substitute(*, absence: Absence, substitute: Director, cases: list[Case], by) -> Substitution:
    """One substitute's share of an absence: the cases (an explicit list even for "all": the
    caseload can change during the absence) and a grant per case for the absence period."""
    substitution = Substitution.objects.create(absence=absence, substitute=substitute)
    substitution.cases.set(cases)
    valid_from, valid_until = day_bounds(starts_on=absence.starts_on, ends_on=absence.ends_on)
    reason = _("Substitute for %(name)s (%(kind)s) %(start)s–%(end)s") % {
        "name": absence.director,
        "kind": absence.get_kind_display(),
        "start": long_date(absence.starts_on),
        "end": long_date(absence.ends_on),
    }
    grants = [
        case_permissions.grant_case_access(
            user=substitute.user,
            case=case,
            kind=CaseAccessGrant.Kind.SUBSTITUTE,
            reason=reason,
            by=by,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        for case in cases
    ]
    substitution.grants.set(grants)
    return substitution


def substitutes_follow_assignment(*, case: Case, director: Director, by, on: dt.date) -> list[CaseAccessGrant]:
    """A case given to a director who is (or will be) absent goes to that absence's substitute too.

    Called by cases.services.case_assign_director, whatever made the assignment (the pool, a
    handover or a PTO-R inclusion). Only an absence with a single substitute is followed: with
    substitutes per case, the programme team chooses (the pool page shows the absence).
    """
    grants = []
    absences = Absence.objects.filter(director=director, ends_on__gte=on).prefetch_related("substitutions")
    for absence in absences:
        substitutions = list(absence.substitutions.all())
        if len(substitutions) != 1:
            continue
        substitution = substitutions[0]
        valid_from, valid_until = day_bounds(starts_on=max(absence.starts_on, on), ends_on=absence.ends_on)
        grant = case_permissions.grant_case_access(
            user=substitution.substitute.user,
            case=case,
            kind=CaseAccessGrant.Kind.SUBSTITUTE,
            reason=_("Substitute for %(name)s (%(kind)s) %(start)s–%(end)s")
            % {
                "name": director,
                "kind": absence.get_kind_display(),
                "start": long_date(absence.starts_on),
                "end": long_date(absence.ends_on),
            },
            by=by,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        substitution.cases.add(case)
        substitution.grants.add(grant)
        grants.append(grant)
    return grants


@transaction.atomic
def absence_cancel(*, absence: Absence, by) -> None:
    """Withdraw an absence registered in error: its substitutes' access ends now."""
    for substitution in absence.substitutions.prefetch_related("grants"):
        for grant in substitution.grants.all():
            case_permissions.revoke_case_access(grant=grant, by=by)
    absence.delete()


# --- caseload reviews and three-way conversations ------------------------------------------------


@transaction.atomic
def review_record(
    *,
    director: Director,
    held_on: dt.date,
    by,
    summary: str = "",
    items: list[dict] | None = None,
) -> CaseloadReview:
    """Record a caseload review: per case progress, content, registration, and instructions.

    Each item: case, progress, content, registration, instruction, instruction_due_on.
    """
    date_window.check_dates(held_on=held_on)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A review is recorded after it was held, not before.")})
    items = items or []
    date_window.check_dates(**{f"due_{item['case'].pk}": item.get("instruction_due_on") for item in items})
    on_caseload = set(selectors.director_caseload(director=director).values_list("pk", flat=True))
    errors = []
    for item in items:
        case = item["case"]
        if case.pk not in on_caseload:
            errors.append(_("%(code)s is not on the caseload of %(name)s.") % {"code": case.code, "name": director})
        if (item.get("instruction") or "").strip() and not item.get("instruction_due_on"):
            errors.append(_("Give the instruction for %(code)s a due date.") % {"code": case.code})
        if item.get("instruction_due_on") and item["instruction_due_on"] < held_on:
            errors.append(_("The instruction for %(code)s cannot be due before the review.") % {"code": case.code})
    if errors:
        raise ValidationError(errors)
    review = CaseloadReview.objects.create(director=director, held_on=held_on, held_by=by, summary=summary)
    for item in items:
        remarks = {key: (item.get(key) or "").strip() for key in ("progress", "content", "registration")}
        if any(remarks.values()):
            CaseloadReviewItem.objects.create(review=review, case=item["case"], **remarks)
        if (item.get("instruction") or "").strip():
            Instruction.objects.create(
                review=review, case=item["case"], text=item["instruction"].strip(), due_on=item["instruction_due_on"]
            )
    return review


@transaction.atomic
def instruction_complete(*, instruction: Instruction, by, on: dt.date | None = None) -> Instruction:
    """Mark an instruction done; it then leaves the open list."""
    instruction = Instruction.objects.select_for_update().get(pk=instruction.pk)
    if instruction.done_on is None:
        date_window.check_dates(on=on)
        instruction.done_on = on or timezone.localdate()
        instruction.done_by = by
        instruction.save(update_fields=["done_on", "done_by"])
    return instruction


@transaction.atomic
def three_way_record(
    *, director: Director, held_on: dt.date, oov_participant, by, line_manager_name: str = "", notes: str = ""
) -> ThreeWayConversation:
    """Record the yearly three-way conversation; the next one falls due a year later."""
    date_window.check_dates(held_on=held_on)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A conversation is recorded after it was held, not before.")})
    line_manager_name = (line_manager_name or director.line_manager_name).strip()
    if not line_manager_name:
        raise ValidationError({"line_manager_name": _("Name the line manager who took part.")})
    return ThreeWayConversation.objects.create(
        director=director,
        held_on=held_on,
        line_manager_name=line_manager_name,
        oov_participant=oov_participant,
        notes=notes,
        recorded_by=by,
    )
