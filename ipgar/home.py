"""What each role sees first: a few figures and the next steps, from the apps' selectors.

One function per role; each runs a fixed number of queries whatever the amount of data.
"""

import datetime as dt
import functools

from django.core.cache import caches
from django.db.models import Count, Q
from django.utils import timezone

from . import roles
from .compiled import STAND_IN_DAY, CompiledQuery
from .home_cache import PROGRAMME_FIGURES_KEY


def _programme_figures() -> dict:
    from cases.models import Case
    from pool.selectors import cases_awaiting_director, reviews_due

    by_status = dict(Case.objects.order_by().values_list("status").annotate(n=Count("pk")))
    # Alerts exist only for cases on a caseload or still pending: don't evaluate the rest.
    alerts = (
        Case.objects.filter(status__in=[*Case.CASELOAD_STATUSES, *Case.PENDING_STATUSES])
        .with_alerts()
        .aggregate(
            no_contact=Count("pk", filter=Q(alert_no_contact=True)),
            no_intervention=Count("pk", filter=Q(alert_no_intervention=True)),
            pending=Count("pk", filter=Q(alert_pending_report=True)),
        )
    )
    return {
        "status_counts": [(value, by_status.get(value, 0)) for value, _label in Case.Status.choices],
        "alerts": alerts,
        "awaiting_director": cases_awaiting_director().count(),
        # Overdue reviews are named as overdue, not as "due within two weeks".
        "reviews_overdue": reviews_due(within_days=-1).count(),
        "reviews_due": reviews_due(within_days=14).filter(review_overdue=False).count(),
        "computed_at": timezone.localtime(),
    }


def programme_team(user) -> dict:
    from cases.models import Case
    from meetings.selectors import my_meetings

    # The same for the whole programme team and costly at national scale (a pass over every
    # open case): computed at most once a minute.
    figures = caches["shared"].get_or_set(PROGRAMME_FIGURES_KEY, _programme_figures, 60)
    labels = dict(Case.Status.choices)
    counts = dict(figures["status_counts"])
    return {
        **figures,
        "status_counts": [(labels[value], count) for value, count in figures["status_counts"]],
        # The work queue: each item one click from where it is done.
        "to_assess": counts.get(Case.Status.REPORTED, 0),
        "to_advise": counts.get(Case.Status.ASSESSMENT, 0),
        "next_pto_r": _next_pto_r(user),
        "next_meetings": list(my_meetings(user=user).filter(date__gte=timezone.localdate())[:5]),
    }


def _next_pto_r(user):
    """The next PTO-R meeting this user takes part in or prepares, with its agenda (cases by code)."""
    from meetings.models import MeetingBody
    from meetings.selectors import meeting_list

    meeting = (
        meeting_list(user=user)
        .filter(body__kind=MeetingBody.Kind.PTO_R, date__gte=timezone.localdate())
        .select_related("body")
        .order_by("date")
        .first()
    )
    if meeting is not None:
        meeting.queue_items = list(meeting.agenda_items.select_related("case").order_by("order", "pk"))
    return meeting


@functools.cache
def _director_review() -> CompiledQuery:
    """The pool's figures for one director, only the three the home shows (capacity: the pool's
    max_cases, Director.capacity in SQL; the next review and whether it is overdue), one row of
    plain values compiled once per process: a director instance with every figure, its absences
    and areas took three more queries, and building the figures' query ~3 ms per request."""
    from django.conf import settings

    from pool.selectors import director_figures

    def build(*, user_id, day):
        figures = director_figures(on=day).filter(user_id=user_id).prefetch_related(None)
        return figures.values_list("max_cases", "next_review_due", "review_overdue")[:1]

    return CompiledQuery(build, key=lambda: settings.IPGAR_CASES_PER_FTE, user_id=-1_000_019, day=STAND_IN_DAY)


def director(user) -> dict:
    from cases.selectors import caseload_rows
    from meetings.selectors import my_meetings

    # The caseload read once, as plain rows: the figures are counted from it, and the cases
    # needing action are its rows with an open alert. A separate aggregate and a LIMIT 20 query
    # cost two plans over the permission condition; the LIMIT one took 0.6 s at national scale.
    rows = caseload_rows(user=user, running=False)
    alerting = [row for row in rows if row.open_alert_count]
    figures = {
        "cases": len(rows),
        "with_alert": len(alerting),
        "substituting": sum(1 for row in rows if row.via_substitute),
    }
    today = timezone.localdate()
    found = _director_review()(user_id=user.pk, day=today)
    capacity, review_due, review_overdue = found[0] if found else (None, None, False)
    review_soon = review_due is not None and review_due <= today + dt.timedelta(days=14)
    return {
        "caseload": figures,
        "capacity": capacity,
        # Cases needing action today, and why (their open alerts).
        "action_cases": alerting[:20],
        "review_due_on": review_due if review_soon else None,
        "review_overdue": bool(review_overdue),
        "next_meetings": list(my_meetings(user=user).filter(date__gte=timezone.localdate())[:5]),
    }


def meeting_member(user) -> dict:
    from meetings.selectors import my_meetings

    return {
        "next_pto_r": _next_pto_r(user) if roles.PTO_R_MEMBER in roles.role_names(user) else None,
        "next_meetings": list(my_meetings(user=user).filter(date__gte=timezone.localdate())[:5]),
    }


def intervention_partner(user) -> dict:
    from cases.access.selectors import partner_case_list
    from cases.models import PartnerRegistration

    now = timezone.now()
    ending = (
        PartnerRegistration.objects.active()
        .filter(person=user, valid_until__lte=now + dt.timedelta(days=14))
        .select_related("case")
        .order_by("valid_until")
    )
    return {"registered_cases": len(partner_case_list(user=user)), "ending_registrations": list(ending)}


def privacy_officer(_user) -> dict:
    from .models import AccessLogEntry

    since = timezone.now() - dt.timedelta(days=7)
    return {
        "denied_last_week": AccessLogEntry.objects.filter(at__gte=since, outcome="denied").count(),
        "signals_url": _first_url("ipgar:access_signals", "ipgar:signals", "ipgar:access_log_signals"),
    }


def _first_url(*names) -> str:
    """The signals page is built by another piece of work: link to it once it exists."""
    from django.urls import NoReverseMatch, reverse

    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


BY_ROLE = {
    roles.PROGRAMME_TEAM: programme_team,
    roles.DIRECTOR: director,
    roles.PTO_R_MEMBER: meeting_member,
    roles.PARTNER: meeting_member,
    roles.INTERVENTION_PARTNER: intervention_partner,
    roles.PRIVACY_OFFICER: privacy_officer,
}


def home_context(user) -> dict:
    role = roles.primary_role(user)
    return BY_ROLE[role](user) if role in BY_ROLE else {}
