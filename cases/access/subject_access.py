"""Data-subject access (AVG art. 15): everything held about one person, as PDF and JSON.

The programme team finds the person by BSN, or by last name and date of birth (one person
can have several cases over the years), and exports all of it: identity, case data,
history, contacts, interventions, plan, scores, and who was given access.
"""

import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..models import Case

EXPORT_VERSION = 1


def subject_cases(
    *, user, bsn: str = "", last_name: str = "", first_name: str = "", date_of_birth=None
) -> QuerySet[Case]:
    """The cases of one identity that `user` may read: by BSN, or by name and date of birth."""
    cases = Case.objects.visible_to(user).filter(anonymised_at__isnull=True)
    if bsn:
        cases = cases.filter(identity__bsn=bsn)
    elif last_name and date_of_birth:
        cases = cases.filter(identity__last_name__iexact=last_name.strip(), identity__date_of_birth=date_of_birth)
        if first_name:
            cases = cases.filter(identity__first_name__iexact=first_name.strip())
    else:
        return cases.none()
    return cases.select_related(
        "identity", "area", "report_source", "risk_category", "ideology", "outflow_reason", "director__user"
    ).order_by("reported_on", "pk")


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _case_record(case: Case) -> dict:
    # One dict in the export's key order: the file, what was done, who was given access.
    return {**_case_facts(case), **_case_work(case), **_case_access(case)}


def _case_facts(case: Case) -> dict:
    identity = getattr(case, "identity", None)
    return {
        "code": case.code,
        "status": case.get_status_display(),
        "reported_on": case.reported_on,
        "report_source": str(case.report_source),
        "report_summary": case.report_summary,
        "area": str(case.area),
        "risk_category": str(case.risk_category or ""),
        "ideology": str(case.ideology or ""),
        "included_on": case.included_on,
        "closed_on": case.closed_on,
        "outflow_reason": str(case.outflow_reason or ""),
        "detained": case.is_detained,
        "abroad": case.is_abroad,
        "information_picture": case.information_picture,
        "identity": {
            "first_name": identity.first_name,
            "last_name": identity.last_name,
            "date_of_birth": identity.date_of_birth,
            "bsn": identity.bsn,
            "address": identity.address,
            "postcode": identity.postcode,
            "city": identity.city,
        }
        if identity
        else {},
    }


def _case_work(case: Case) -> dict:
    return {
        "directors": [
            {"director": _name(a.director.user), "from": a.started_on, "until": a.ended_on}
            for a in case.assignments.select_related("director__user")
        ],
        "transitions": [
            {"at": t.at, "from": t.get_from_status_display(), "to": t.get_to_status_display(), "reason": t.reason}
            for t in case.transitions.all()
        ],
        "contacts": [
            {"date": c.date, "kind": c.get_kind_display(), "by": _name(c.by), "note": c.note}
            for c in case.contacts.select_related("by").order_by("date", "pk")
        ],
        "interventions": [
            {
                "type": str(i.type),
                "partner": str(i.partner),
                "goal": i.goal,
                "status": i.get_status_display(),
                "start": i.started_on,
                "end": i.ended_on,
                "outcome": i.outcome,
            }
            for i in case.interventions.select_related("type", "partner").order_by("started_on", "pk")
        ],
        "plan_goals": [
            {"life_domain": str(g.domain), "goal": g.goal, "status": g.get_status_display(), "set_on": g.created_on}
            for g in case.plan_goals.select_related("domain")
        ],
        "life_domain_scores": [
            {"life_domain": str(s.domain), "score": s.score, "date": s.scored_on, "note": s.note}
            for s in case.life_domain_scores.select_related("domain").order_by("scored_on", "domain__order")
        ],
        "escalations": [
            {
                "to": e.get_body_display(),
                "request": e.get_request_display(),
                "question": e.question,
                "on": e.requested_on,
            }
            for e in case.escalations.order_by("requested_on", "pk")
        ],
    }


def _case_access(case: Case) -> dict:
    return {
        # Art. 15(1)(c): the recipients, i.e. who was given access and why.
        "access_given_to": [
            {
                "person": _name(g.user),
                "organisation": str(g.user.organisation or ""),
                "kind": g.get_kind_display(),
                "reason": g.reason,
                "from": g.valid_from,
                "until": g.revoked_at or g.valid_until,
            }
            for g in case.access_grants.select_related("user__organisation").order_by("valid_from", "pk")
        ],
        "history": [
            {
                "at": h.history_date,
                "change": h.get_history_type_display(),
                "by": _name(h.history_user),
                "reason": h.history_change_reason or "",
            }
            for h in case.history.select_related("history_user").order_by("history_date", "history_id")
        ],
    }


def subject_export(*, cases) -> dict:
    """The whole export as plain data (dates as ISO strings in JSON)."""
    return {
        "export": "AVG art. 15",
        "version": EXPORT_VERSION,
        "generated_at": timezone.now(),
        "cases": [_case_record(case) for case in cases],
    }


def subject_export_json(*, data: dict) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def subject_export_pdf(*, data: dict) -> bytes:
    """A tagged PDF/UA-1 document (docs/decisions.md D15) in the user's language."""
    from weasyprint import HTML

    html = render_to_string(
        "cases/access/subject_access_pdf.html",
        {"data": data, "LANGUAGE_CODE": translation.get_language() or "nl"},
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def export_filename(*, extension: str, on: dt.date | None = None) -> str:
    # No name or BSN in the file name: it ends up in download folders and logs.
    return f"avg-inzage-{(on or timezone.localdate()):%Y%m%d}.{extension}"
