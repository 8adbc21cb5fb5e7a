"""Writing the access log: the one place that records who read which record (docs/decisions.md D3)."""

from django.http import HttpRequest

from . import roles
from .models import AccessLogEntry
from .proxy import client_address

Action = AccessLogEntry.Action
Outcome = AccessLogEntry.Outcome


def record(
    request: HttpRequest,
    *,
    record_type: str,
    record_id: object = "",
    label: str = "",
    action: str = Action.VIEW,
    outcome: str = Outcome.ALLOWED,
    section: str = "",
) -> AccessLogEntry:
    """Append one entry for the request's user; the database refuses later changes."""
    user = request.user if request.user.is_authenticated else None
    organisation = ""
    if user is not None and user.organisation_id:
        organisation = user.organisation.name
    return AccessLogEntry.objects.create(
        user=user,
        username=user.get_username() if user else "",
        role=roles.primary_role(user) if user else "",
        organisation=organisation,
        # Bounded to the columns: a 61-digit id in a URL must still be logged, not answer 500.
        record_type=record_type[:60],
        record_id=str(record_id)[:60],
        record_label=label[:60],
        section=section[:60],
        action=action,
        outcome=outcome,
        client_address=client_address(request),
        path=request.path[:300],
    )


def viewed_many(request: HttpRequest, objects, *, section: str = "", action: str = Action.VIEW) -> int:
    """Log an allowed read of several objects shown on one page, one row each, in one INSERT.

    For pages that show case data of many cases at once (a review's items, say): each case
    read leaves its own row, so the privacy officer finds it by case. Duplicates are logged once.
    """
    user = request.user if request.user.is_authenticated else None
    organisation = user.organisation.name if user is not None and user.organisation_id else ""
    common = {
        "user": user,
        "username": user.get_username() if user else "",
        "role": roles.primary_role(user) if user else "",
        "organisation": organisation,
        "section": section[:60],
        "action": action,
        "outcome": Outcome.ALLOWED,
        "client_address": request.META.get("REMOTE_ADDR") or None,
        "path": request.path[:300],
    }
    seen, entries = set(), []
    for obj in objects:
        key = (obj._meta.label_lower, obj.pk)
        if key in seen:
            continue
        seen.add(key)
        entries.append(
            AccessLogEntry(
                record_type=key[0][:60],
                record_id=str(obj.pk)[:60],
                record_label=(getattr(obj, "code", "") or "")[:60],
                **common,
            )
        )
    AccessLogEntry.objects.bulk_create(entries)
    return len(entries)


def viewed(request: HttpRequest, obj, *, section: str = "", action: str = Action.VIEW) -> AccessLogEntry:
    """Log an allowed read of one object (its label is a pseudonymous code, never a name)."""
    return record(
        request,
        record_type=obj._meta.label_lower,
        record_id=obj.pk,
        label=getattr(obj, "code", "") or "",
        action=action,
        section=section,
    )


def denied(request: HttpRequest, *, record_type: str, record_id: object, section: str = "") -> AccessLogEntry:
    """Log a refused read; the caller then answers 404."""
    return record(
        request,
        record_type=record_type,
        record_id=record_id,
        action=Action.VIEW,
        outcome=Outcome.DENIED,
        section=section,
    )


def not_possible(request: HttpRequest, *, record_type: str, record_id: object, section: str = "") -> AccessLogEntry:
    """Log a refusal for the state of things, not for need-to-know; the caller then answers 404.

    The user may read the record, but the action cannot be done now: the programme team opens
    the assignment of a report that is not yet advised, a summary of a case not on that
    agenda. The privacy officer's "denied" filter and signals leave these out.
    """
    return record(
        request,
        record_type=record_type,
        record_id=record_id,
        action=Action.VIEW,
        outcome=Outcome.NOT_POSSIBLE,
        section=section,
    )


def between(entries, date_from=None, date_until=None):
    """Entries from the start of local day `date_from` to the end of `date_until` (either may be None).

    Compares `at` itself, not `at__date`: the database then reads only the months concerned
    (partition pruning) through the time indexes, instead of converting every row's time.
    """
    import datetime as dt

    from django.utils import timezone

    if date_from:
        entries = entries.filter(at__gte=timezone.make_aware(dt.datetime.combine(date_from, dt.time.min)))
    if date_until:
        end = timezone.make_aware(dt.datetime.combine(date_until + dt.timedelta(days=1), dt.time.min))
        entries = entries.filter(at__lt=end)
    return entries
