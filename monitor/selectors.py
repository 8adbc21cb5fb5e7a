"""Reads of the monitor, filtered by what the reader may see."""

from django.db.models import QuerySet

from . import permissions
from .models import MonitorSnapshot


def snapshot_list(*, user) -> QuerySet[MonitorSnapshot]:
    """The newest version of every (quarter, variant) the user may read, newest quarter first."""
    return (
        MonitorSnapshot.objects.filter(variant__in=permissions.variants_for(user), frozen=True)
        .order_by("-year", "-quarter", "variant", "-version")
        .distinct("year", "quarter", "variant")
        .select_related("created_by")
        .defer("figures")
    )


def snapshot_get(*, user, year: int, quarter: int, variant: str) -> MonitorSnapshot | None:
    """The newest version of one monitor, or None when it is absent or not the user's to read."""
    if not permissions.can_read(user, variant):
        return None
    return (
        MonitorSnapshot.objects.filter(year=year, quarter=quarter, variant=variant, frozen=True)
        .select_related("created_by")
        .order_by("-version")
        .first()
    )


def snapshot_versions(*, user, year: int, quarter: int, variant: str) -> int:
    """How many versions of this monitor exist (shown beside the newest)."""
    if not permissions.can_read(user, variant):
        return 0
    return MonitorSnapshot.objects.filter(year=year, quarter=quarter, variant=variant, frozen=True).count()


def own_caseload_row(*, user, year: int, quarter: int) -> dict | None:
    """A director's own row of the gross monitor of that quarter (DESIGN §5: own caseload figures)."""
    director = permissions.own_director(user)
    if director is None:
        return None
    gross = (
        MonitorSnapshot.objects.filter(year=year, quarter=quarter, variant=MonitorSnapshot.Variant.GROSS, frozen=True)
        .order_by("-version")
        .values_list("figures", flat=True)
        .first()
    )
    if not gross:
        return None
    return next((row for row in gross.get("directors", []) if row["director_id"] == director.pk), None)
