"""The case lifecycle as data (docs/domain.md), checked by every transition service."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Case

S = Case.Status

ALLOWED: dict[str, set[str]] = {
    S.REPORTED: {S.ASSESSMENT},
    S.ASSESSMENT: {S.ADVISED, S.PREVENTIVE_TALK},
    S.PREVENTIVE_TALK: {S.ASSESSMENT},
    S.ADVISED: {S.ACTIVE, S.NOT_INCLUDED},
    S.ACTIVE: {S.STATIC, S.AFTERCARE, S.CLOSED},
    S.STATIC: {S.ACTIVE, S.CLOSED},
    S.AFTERCARE: {S.CLOSED},
}

# Inclusion, outflow and static are the PTO-R's alone (docs/domain.md, docs/domain.md source S3). Direct
# closure from active or static covers outflow without aftercare (deceased, long detention).
PTO_R_ONLY: set[tuple[str, str]] = {
    (S.ADVISED, S.ACTIVE),
    (S.ADVISED, S.NOT_INCLUDED),
    (S.ACTIVE, S.STATIC),
    (S.STATIC, S.ACTIVE),
    (S.ACTIVE, S.AFTERCARE),
    (S.ACTIVE, S.CLOSED),
    (S.STATIC, S.CLOSED),
    (S.AFTERCARE, S.CLOSED),
}


def check(case: Case, *, to: str, decision=None) -> None:
    """Raise ValidationError unless `case` may move to `to` (with `decision` where required)."""
    if to not in ALLOWED.get(case.status, set()):
        raise ValidationError(
            _("Case %(code)s cannot move from “%(from)s” to “%(to)s”."),
            params={"code": case.code, "from": S(case.status).label, "to": S(to).label},
            code="transition_not_allowed",
        )
    if (case.status, to) in PTO_R_ONLY and not (decision is not None and decision.is_pto_r_for(case)):
        raise ValidationError(
            _("Only a PTO-R decision about case %(code)s can move it to “%(to)s”."),
            params={"code": case.code, "to": S(to).label},
            code="pto_r_decision_required",
        )


def allowed_targets(case: Case) -> list[str]:
    """Statuses the case may move to next (with or without a decision)."""
    return sorted(ALLOWED.get(case.status, set()))


def needs_decision(case: Case, to: str) -> bool:
    return (case.status, to) in PTO_R_ONLY
