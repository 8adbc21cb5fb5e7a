"""Reads for the access pages: registrations, and the intervention partner's need-to-know view.

The need-to-know view is an explicit field list (docs/access.md), not the case with parts hidden:
the selector returns plain records built from named columns, so a template cannot reach the
identity, the information picture, other partners' interventions, history or meetings.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ipgar import roles
from ipgar.models import User

from ..models import Case, CaseAccessGrant, Intervention, PartnerRegistration


@dataclass(frozen=True)
class NeedToKnowIntervention:
    pk: int
    type: str
    goal: str
    status: str
    started_on: dt.date | None
    ended_on: dt.date | None


@dataclass(frozen=True)
class NeedToKnowCase:
    pk: int
    code: str
    first_name: str
    area: str
    director_name: str = ""
    director_organisation: str = ""
    director_email: str = ""
    director_phone: str = ""
    registered_until: dt.datetime | None = None
    purpose: str = ""
    interventions: tuple[NeedToKnowIntervention, ...] = ()
    # Situation flags the partner's work needs: someone abroad or detained cannot be met.
    is_abroad: bool = False
    is_detained: bool = False


_LIST_FIELDS = ("pk", "code", "identity__first_name", "area__name")


def partner_case_list(*, user) -> list[NeedToKnowCase]:
    """The cases an intervention partner is registered on now: code, first name, area (one query)."""
    rows = Case.objects.registered_for_partner(user).order_by("code").values(*_LIST_FIELDS)
    return [
        NeedToKnowCase(
            pk=row["pk"], code=row["code"], first_name=row["identity__first_name"] or "", area=row["area__name"]
        )
        for row in rows
    ]


def partner_case_get(*, user, case_id: int) -> NeedToKnowCase | None:
    """One registered case's need-to-know fields, or None when the user is not registered on it now."""
    row = (
        Case.objects.registered_for_partner(user)
        .filter(pk=case_id)
        .values(
            *_LIST_FIELDS,
            "director__user__first_name",
            "director__user__last_name",
            "director__user__email",
            "director__user__phone",
            "director__organisation__name",
            "is_abroad",
            "is_detained",
        )
        .first()
    )
    if row is None:
        return None
    registrations = list(
        PartnerRegistration.objects.active().filter(case_id=case_id, person=user).order_by("valid_from")
    )
    # Only the interventions named in this partner's own registration: never other partners'.
    interventions = (
        Intervention.objects.filter(partnerregistration__in=registrations)
        .distinct()
        .order_by("started_on", "pk")
        .values("pk", "type__name", "goal", "status", "started_on", "ended_on")
    )
    status_labels = dict(Intervention.Status.choices)
    ends = [registration.valid_until for registration in registrations]  # None: open-ended
    director_name = " ".join(
        part for part in (row["director__user__first_name"], row["director__user__last_name"]) if part
    )
    return NeedToKnowCase(
        pk=row["pk"],
        code=row["code"],
        first_name=row["identity__first_name"] or "",
        area=row["area__name"],
        director_name=director_name,
        director_organisation=row["director__organisation__name"] or "",
        director_email=row["director__user__email"] or "",
        director_phone=row["director__user__phone"] or "",
        registered_until=None if None in ends else max(ends, default=None),
        purpose="; ".join(r.purpose for r in registrations),
        is_abroad=row["is_abroad"],
        is_detained=row["is_detained"],
        interventions=tuple(
            NeedToKnowIntervention(
                pk=i["pk"],
                type=i["type__name"],
                goal=i["goal"],
                status=status_labels.get(i["status"], i["status"]),
                started_on=i["started_on"],
                ended_on=i["ended_on"],
            )
            for i in interventions
        ),
    )


def registration_list(*, case: Case) -> QuerySet[PartnerRegistration]:
    """Every registration of a case, newest first, with what the covenant form shows (constant queries)."""
    return (
        case.partner_registrations.select_related("person", "organisation", "registered_by", "revoked_by")
        .prefetch_related(Prefetch("interventions", queryset=Intervention.objects.select_related("type")))
        .order_by("-valid_from", "-pk")
    )


# --- who can read a case, and why -------------------------------------------------------------


@dataclass(frozen=True)
class GrantRow:
    pk: int
    person: str
    organisation: str
    kind: str
    kind_label: str
    reason: str
    granted_by: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    ended_at: dt.datetime | None
    ended_by: str
    state: str  # "in_force", "later", "ended"

    @property
    def may_end(self) -> bool:
        return self.kind == CaseAccessGrant.Kind.EXPLICIT and self.state != "ended"


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def case_readers(*, case: Case) -> dict:
    """Every grant on a case with its kind, reason, grantor and period (in force first), the
    intervention-partner registrations, and the programme team, who read every case by role.
    Four queries whatever the numbers."""
    now = timezone.now()
    grants = case.access_grants.select_related("user__organisation", "granted_by", "revoked_by").order_by(
        "revoked_at", "-valid_from", "-pk"
    )
    labels = dict(CaseAccessGrant.Kind.choices)
    rows = []
    for grant in grants:
        ended_at = grant.revoked_at
        if ended_at is None and grant.valid_until is not None and grant.valid_until <= now:
            ended_at = grant.valid_until
        state = "ended" if ended_at is not None else ("later" if grant.valid_from > now else "in_force")
        rows.append(
            GrantRow(
                pk=grant.pk,
                person=_name(grant.user),
                organisation=grant.user.organisation.name if grant.user.organisation_id else "",
                kind=grant.kind,
                kind_label=str(labels.get(grant.kind, grant.kind)),
                reason=grant.reason,
                granted_by=_name(grant.granted_by),
                valid_from=grant.valid_from,
                valid_until=grant.valid_until,
                ended_at=ended_at,
                ended_by=_name(grant.revoked_by),
                state=state,
            )
        )
    order = {"in_force": 0, "later": 1, "ended": 2}
    rows.sort(key=lambda row: order[row.state])
    programme_team = (
        User.objects.filter(groups__name=roles.PROGRAMME_TEAM, is_active=True)
        .order_by("first_name", "last_name")
        .only("first_name", "last_name", "username")
    )
    return {
        "grants": rows,
        "registrations": list(registration_list(case=case)),
        "programme_team": [_name(user) for user in programme_team],
    }
