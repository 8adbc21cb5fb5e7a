"""Reads of the monitor, filtered by what the reader may see."""

from django.db.models import QuerySet

from . import permissions
from .models import MonitorSnapshot


def _readable(user) -> QuerySet[MonitorSnapshot]:
    """Frozen snapshots of the user's variants; a net release held back by its audit only for
    the programme team."""
    qs = MonitorSnapshot.objects.filter(variant__in=permissions.variants_for(user), frozen=True)
    if not permissions.can_generate(user):
        qs = qs.filter(released=True)
    return qs


def snapshot_list(*, user) -> QuerySet[MonitorSnapshot]:
    """The newest version of every (quarter, variant) the user may read, newest quarter first."""
    return (
        _readable(user)
        .order_by("-year", "-quarter", "variant", "-version")
        .distinct("year", "quarter", "variant")
        .select_related("created_by")
        .defer("figures")
    )


def snapshot_get(*, user, year: int, quarter: int, variant: str, version: int | None = None) -> MonitorSnapshot | None:
    """The newest (or a given) version of one monitor, or None when absent or not the user's to read."""
    if not permissions.can_read(user, variant):
        return None
    qs = _readable(user).filter(year=year, quarter=quarter, variant=variant).select_related("created_by")
    if version is not None:
        qs = qs.filter(version=version)
    return qs.order_by("-version").first()


def snapshot_versions(*, user, year: int, quarter: int, variant: str) -> list[dict]:
    """Every readable version of one monitor, oldest first, each with what changed against the
    version before it (cell by cell) and why it was made (to compare versions)."""
    if not permissions.can_read(user, variant):
        return []
    rows = list(
        _readable(user)
        .filter(year=year, quarter=quarter, variant=variant)
        .order_by("version")
        .values("version", "created_at", "reason", "released", "figures")
    )
    previous = None
    for row in rows:
        figures = row.pop("figures")
        row["changes"] = changes(previous, figures) if previous is not None else []
        previous = figures
    return rows


def _flatten(value, prefix="") -> dict:
    if isinstance(value, dict) and not ("hidden" in value or "lt" in value):
        out = {}
        for key, inner in value.items():
            if key in ("published", "cases"):
                continue
            out.update(_flatten(inner, f"{prefix}{key}."))
        return out
    if isinstance(value, list):
        out = {}
        for i, inner in enumerate(value):
            name = inner.get("label", i) if isinstance(inner, dict) else i
            out.update(_flatten(inner, f"{prefix}{name}."))
        return out
    return {prefix.rstrip("."): value}


def changes(before: dict, after: dict) -> list[str]:
    """The figures that differ between two versions, as "where: old → new"."""
    from .presentation import show

    old, new = _flatten(before), _flatten(after)
    out = []
    for key in sorted(set(old) | set(new)):
        if key.endswith(".label_en") or key.startswith(("period.", "settings.", "schema")):
            continue
        if old.get(key) != new.get(key):
            out.append(f"{key}: {show(old.get(key))} → {show(new.get(key))}")
    return out


def own_caseload_row(*, user, year: int, quarter: int) -> dict | None:
    """A director's own row of the gross monitor of that quarter (docs/access.md: own caseload figures)."""
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
