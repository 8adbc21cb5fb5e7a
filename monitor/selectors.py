"""Reads of the monitor, filtered by what the reader may see."""

import itertools

from django.core.cache import cache
from django.db.models import IntegerField, JSONField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import get_language

from . import permissions
from .models import MonitorSnapshot

# What changed between two frozen versions does not change; a day keeps the cache small.
CHANGES_SECONDS = 24 * 3600


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


def snapshot_get(
    *, user, year: int, quarter: int, variant: str, version: int | None = None, figures: bool = True
) -> MonitorSnapshot | None:
    """The newest (or a given) version of one monitor, or None when absent or not the user's to read.

    `figures=False` (the page) leaves the figures to be read only when used: the page renders
    them from its cache, and they grow with the number of directors and pending reports. A net
    monitor's threshold comes along as `threshold` (its figures are small and of fixed size).
    """
    if not permissions.can_read(user, variant):
        return None
    qs = _readable(user).filter(year=year, quarter=quarter, variant=variant).select_related("created_by")
    if version is not None:
        qs = qs.filter(version=version)
    if not figures:
        qs = qs.defer("figures")
        if variant == MonitorSnapshot.Variant.NET:
            qs = qs.annotate(threshold=Cast(KT("figures__settings__threshold"), IntegerField()))
    return qs.order_by("-version").first()


def snapshot_versions(*, user, year: int, quarter: int, variant: str) -> list[dict]:
    """Every readable version of one monitor, oldest first, each with what changed against the
    version before it (cell by cell) and why it was made (to compare versions).

    Versions are frozen, so what changed between two of them is kept in the cache (per language:
    values are formatted); their figures are read only for a pair not seen before.
    """
    if not permissions.can_read(user, variant):
        return []
    rows = list(
        _readable(user)
        .filter(year=year, quarter=quarter, variant=variant)
        .order_by("version")
        .values("pk", "version", "created_at", "reason", "released")
    )
    keys = {
        (before["pk"], after["pk"]): f"monitor:changes:{before['pk']}:{after['pk']}:{get_language()}"
        for before, after in itertools.pairwise(rows)
    }
    known = cache.get_many(keys.values())
    missing = [pair for pair, key in keys.items() if key not in known]
    if missing:
        pks = {pk for pair in missing for pk in pair}
        figures = dict(MonitorSnapshot.objects.filter(pk__in=pks).values_list("pk", "figures"))
        computed = {keys[pair]: changes(figures[pair[0]], figures[pair[1]]) for pair in missing}
        cache.set_many(computed, timeout=CHANGES_SECONDS)
        known |= computed
    previous = None
    for row in rows:
        pk = row.pop("pk")
        row["changes"] = known[keys[(previous, pk)]] if previous is not None else []
        previous = pk
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
    # Only the director's row leaves the database: the gross figures hold a row per director
    # and per pending report, so reading them all grew the net page with the data.
    own_row = RawSQL(
        "jsonb_path_query_first(figures, '$.directors[*] ? (@.director_id == $id)', jsonb_build_object('id', %s))",
        [director.pk],
        output_field=JSONField(),
    )
    return (
        MonitorSnapshot.objects.filter(year=year, quarter=quarter, variant=MonitorSnapshot.Variant.GROSS, frozen=True)
        .order_by("-version")
        .annotate(own_row=own_row)
        .values_list("own_row", flat=True)
        .first()
    )
