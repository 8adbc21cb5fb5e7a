"""Signals of unusual reading in the access log, for the privacy officer to look into.

- many refusals by one user on one day (need-to-know denials only, not "not possible");
- reads (or attempts) of an absent director's cases by the substitute after the absence
  ended, when the case is not the substitute's own;
- bulk reads: many different cases read by one user on one day;
- reads at night (22:00-06:00 local time).

Each signal has a stable key, so a review ("looked into, explained") attaches to it. A fixed
number of queries, whatever the size of the log.
"""

import dataclasses
import datetime as dt

from django.apps import apps
from django.db.models import Count, Q
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from .access_log import between
from .models import AccessLogEntry, AccessLogReview

CASE = "cases.case"
DENIALS_PER_DAY = 5
BULK_CASES_PER_DAY = 20
NIGHT_FROM, NIGHT_UNTIL = 22, 6


@dataclasses.dataclass
class Signal:
    key: str
    kind: str
    username: str
    day: dt.date
    count: int
    text: str
    reviews: list = dataclasses.field(default_factory=list)


def _case_reads(since, until, outcomes=(AccessLogEntry.Outcome.ALLOWED,)):
    return (
        between(AccessLogEntry.objects, since, until)
        .filter(record_type=CASE, outcome__in=outcomes)
        .exclude(record_id__in=["", "*", "list", "caseload", "new"])
    )


def _per_user_and_day(rows, *, kind: str, text: str) -> list[Signal]:
    """One signal per row of (username, day, n); `text` is translated already and takes %(n)s."""
    return [
        Signal(
            key=f"{kind}:{r['username']}:{r['day']:%Y-%m-%d}",
            kind=kind,
            username=r["username"],
            day=r["day"],
            count=r["n"],
            text=text % {"n": r["n"]},
        )
        for r in rows
    ]


def _denials(since, until) -> list[Signal]:
    rows = (
        between(AccessLogEntry.objects, since, until)
        .filter(outcome=AccessLogEntry.Outcome.DENIED)
        .annotate(day=TruncDate("at"))
        .values("username", "day")
        .annotate(n=Count("id"))
        .filter(n__gte=DENIALS_PER_DAY)
        .order_by("-day", "username")
    )
    return _per_user_and_day(rows, kind="denials", text=_("%(n)s refused requests in one day"))


def _bulk(since, until) -> list[Signal]:
    rows = (
        _case_reads(since, until)
        .annotate(day=TruncDate("at"))
        .values("username", "day")
        .annotate(n=Count("record_id", distinct=True))
        .filter(n__gte=BULK_CASES_PER_DAY)
        .order_by("-day", "username")
    )
    return _per_user_and_day(rows, kind="bulk", text=_("%(n)s different cases read in one day"))


def _night(since, until) -> list[Signal]:
    rows = (
        _case_reads(since, until)
        .annotate(hour=ExtractHour("at"), day=TruncDate("at"))
        .filter(Q(hour__gte=NIGHT_FROM) | Q(hour__lt=NIGHT_UNTIL))
        .values("username", "day")
        .annotate(n=Count("id"))
        .order_by("-day", "username")
    )
    return _per_user_and_day(rows, kind="night", text=_("%(n)s reads between 22:00 and 06:00"))


def _after_substitution(since, until) -> list[Signal]:
    """Reads by a substitute of the absent director's cases after the absence ended."""
    Substitution = apps.get_model("pool", "Substitution")
    DirectorAssignment = apps.get_model("cases", "DirectorAssignment")
    Case = apps.get_model("cases", "Case")
    today = timezone.localdate()
    # Absences that ended before the period's end (and not longer than a year before its start).
    ended = Q(absence__ends_on__lt=min(until, today), absence__ends_on__gte=since - dt.timedelta(days=365))
    substitutions = list(
        Substitution.objects.filter(ended).select_related("absence", "substitute__user").prefetch_related("cases")
    )
    if not substitutions:
        return []
    absent = {s.absence.director_id for s in substitutions}
    theirs: dict[int, set[str]] = {}
    for director_id, case_id in DirectorAssignment.objects.filter(director_id__in=absent).values_list(
        "director_id", "case_id"
    ):
        theirs.setdefault(director_id, set()).add(str(case_id))
    users = {s.substitute.user_id for s in substitutions}
    # Allowed reads (access from elsewhere) and refused attempts alike: both are worth a look.
    tried = (AccessLogEntry.Outcome.ALLOWED, AccessLogEntry.Outcome.DENIED)
    reads = list(
        _case_reads(since, until, tried)
        .filter(user_id__in=users)
        .values_list("user_id", "username", "record_id", "record_label", "at")
        .order_by("at")
    )
    read_ids = {int(r[2]) for r in reads if r[2].isdigit()}
    current, codes = {}, {}
    for pk, owner, code in Case.objects.filter(pk__in=read_ids).values_list("pk", "director__user_id", "code"):
        current[pk], codes[str(pk)] = owner, code
    found: dict[str, Signal] = {}
    for sub in substitutions:
        cases = {str(c.pk) for c in sub.cases.all()} or theirs.get(sub.absence.director_id, set())
        for user_id, username, record_id, label, at in reads:
            if user_id != sub.substitute.user_id or record_id not in cases:
                continue
            if timezone.localdate(at) <= sub.absence.ends_on or current.get(int(record_id)) == user_id:
                continue  # during the absence, or the case is now the substitute's own
            key = f"substitute:{username}:{record_id}:{sub.absence_id}"
            signal = found.get(key)
            if signal is None:
                found[key] = Signal(
                    key=key,
                    kind="substitute",
                    username=username,
                    day=timezone.localdate(at),
                    count=1,
                    text=_("opened %(code)s after substituting until %(end)s")
                    % {"code": label or codes.get(record_id, record_id), "end": f"{sub.absence.ends_on:%d-%m-%Y}"},
                )
            else:
                signal.count += 1
    return sorted(found.values(), key=lambda s: (s.day, s.username), reverse=True)


def signals(*, since: dt.date, until: dt.date) -> list[Signal]:
    """Every signal between the two days (local), each with the reviews already recorded on it."""
    found = _denials(since, until) + _after_substitution(since, until) + _bulk(since, until) + _night(since, until)
    reviews: dict[str, list] = {}
    keys = [s.key for s in found] or [""]  # one query either way: constant per page
    for review in AccessLogReview.objects.filter(signal__in=keys).select_related("reviewed_by").order_by("reviewed_at"):
        reviews.setdefault(review.signal, []).append(review)
    for signal in found:
        signal.reviews = reviews.get(signal.key, [])
    return found
