"""Writing the access log: the one place that records who read which record (FIELD-NOTES 16)."""

from django.http import HttpRequest

from . import roles
from .models import AccessLogEntry

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
        client_address=request.META.get("REMOTE_ADDR") or None,
        path=request.path[:300],
    )


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
