"""Emptying free text for retention (issue 18): the one helper each app's retention uses.

Every app that holds free text about a case's person has a `retention.py` with
`retention_empty_case(*, case) -> dict[str, int]`, registered with `cases.hooks.on_case_emptied`
in its AppConfig.ready(); `cases.retention` calls them all inside its per-case transaction.
Free text goes from the rows *and* from their simple-history copies (FIELD-NOTES 8):
a history row keeps every earlier version of the text.
"""

from django.db.models import Model, Q


def _holds_text(fields: tuple[str, ...]) -> Q:
    held = Q()
    for field in fields:
        held |= ~Q(**{field: ""}) & Q(**{f"{field}__isnull": False})
    return held


def empty_text(model: type[Model], where: Q, fields: tuple[str, ...], *, replacement: dict | None = None) -> dict:
    """Empty `fields` on the rows of `model` matching `where`, and on their history rows.

    Returns {"<model>": values removed, "<model>_history": values removed in history}, only
    for what held something. `replacement` sets a field to a neutral value instead of "".
    """
    values = dict.fromkeys(fields, "") | (replacement or {})
    label = model._meta.model_name
    removed: dict[str, int] = {}
    rows = model.objects.filter(where)
    ids = list(rows.values_list("pk", flat=True))
    count = _count_values(rows, fields)
    if count:
        rows.filter(_holds_text(fields)).update(**values)
        removed[label] = count
    history = getattr(getattr(model, "history", None), "model", None)
    if history is not None:
        # History rows of live rows by id, and those of deleted rows by the same lookup.
        old = history.objects.filter(Q(id__in=ids) | where)
        count = _count_values(old, fields)
        if count:
            old.filter(_holds_text(fields)).update(**values)
            removed[f"{label}_history"] = count
    return removed


def _count_values(rows, fields: tuple[str, ...]) -> int:
    total = 0
    for row in rows.filter(_holds_text(fields)).values_list(*fields):
        total += sum(1 for value in row if value not in ("", None))
    return total
