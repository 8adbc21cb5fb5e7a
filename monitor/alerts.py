"""The daily alert digest (docs/decisions.md D11): what each director and programme-team member must act on.

Directors: their cases without contact or intervention for too long (the rules of
`Case.objects.with_alerts()`), their caseload review when due, their overdue meeting
actions and their case access that ends within a week. Programme team: reports pending
longer than IPGAR_PENDING_REPORT_DAYS, directors whose caseload review is due, and their own
overdue actions. Only pseudonymous case codes go into e-mail, never names.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import Case, CaseAccessGrant
from ipgar import roles
from ipgar.dates import start_of_day
from meetings.models import ActionItem
from pool import selectors as pool_selectors
from pool.models import Director

GRANT_WARNING_DAYS = 7


def _directors_in_pool(on: dt.date):
    return Director.objects.filter(Director.in_pool_on(on), user__is_active=True)


def reviews_due(on: dt.date) -> list[Director]:
    """Directors whose caseload review is due: the pool's own rule (pool.selectors.reviews_due)."""
    return list(pool_selectors.reviews_due(on=on).order_by("user__last_name", "pk"))


def _overdue_actions(user, on: dt.date) -> list[str]:
    return list(
        ActionItem.objects.filter(owner=user, done_on__isnull=True, deadline__lt=on)
        .order_by("deadline", "pk")
        .values_list("subject", flat=True)
    )


def _grants_ending(user, on: dt.date) -> list[str]:
    # Today: from this moment; another day (a catch-up run): from its start.
    now = timezone.now() if on == timezone.localdate() else start_of_day(on)
    return list(
        CaseAccessGrant.objects.active(now)
        .filter(user=user, valid_until__lte=now + dt.timedelta(days=GRANT_WARNING_DAYS))
        .order_by("valid_until")
        .values_list("case__code", flat=True)
    )


def _codes(qs) -> list[str]:
    return list(qs.order_by("code").values_list("code", flat=True))


def digest_for_director(director: Director, on: dt.date, *, due: set[int]) -> dict[str, list[str]]:
    cases = Case.objects.filter(director=director)
    return {
        "no_contact": _codes(cases.with_alert("no_contact", today=on)),
        "no_intervention": _codes(cases.with_alert("no_intervention", today=on)),
        "review_due": ["caseload"] if director.pk in due else [],
        "overdue_actions": _overdue_actions(director.user, on),
        "grants_ending": _grants_ending(director.user, on),
    }


def digest_for_programme_team(user, on: dt.date, *, due: list[Director]) -> dict[str, list[str]]:
    return {
        "pending_reports": _codes(Case.objects.with_alert("pending_report", today=on)),
        "reviews_due": [str(director) for director in due],
        "overdue_actions": _overdue_actions(user, on),
    }


def recipients(on: dt.date) -> list[tuple[object, dict[str, list[str]]]]:
    """(user, digest) for every director in the pool and every programme-team member."""
    due = reviews_due(on)
    due_ids = {d.pk for d in due}
    out = {}
    for director in _directors_in_pool(on).select_related("user"):
        out[director.user.pk] = (director.user, digest_for_director(director, on, due=due_ids))
    team = get_user_model().objects.filter(groups__name=roles.PROGRAMME_TEAM, is_active=True).distinct()
    for user in team:
        digest = digest_for_programme_team(user, on, due=due)
        if user.pk in out:
            digest = {**out[user.pk][1], **digest}
        out[user.pk] = (user, digest)
    return list(out.values())


def pending_limit_weeks() -> int:
    return settings.IPGAR_PENDING_REPORT_DAYS // 7
