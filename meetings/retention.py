"""Retention of what meetings wrote about a case, called by `cases.retention`.

The agenda item keeps the case code as its title (the minutes stay readable as a record of
what was discussed); its description, the minute entries, decisions, actions and amendments
about the case lose their text, history included. Redactions marked passages of the text
that no longer exists, so they go with it.
"""

from django.db.models import Q

from ipgar.retention import empty_text

from .models import ActionItem, AgendaItem, Decision, MinuteEntry, MinutesAmendment, Redaction, WooMark


def retention_empty_case(*, case) -> dict[str, int]:
    case_id, case_code = case.pk, case.code
    removed = {
        **empty_text(AgendaItem, Q(case_id=case_id), ("description",)),
        **empty_text(MinuteEntry, Q(agenda_item__case_id=case_id), ("text",)),
        **empty_text(Decision, Q(case_id=case_id), ("text",)),
        **empty_text(ActionItem, Q(agenda_item__case_id=case_id), ("subject", "description")),
        **empty_text(MinutesAmendment, Q(agenda_item__case_id=case_id), ("text", "reason")),
    }
    titles = AgendaItem.objects.filter(case_id=case_id).exclude(title=case_code)
    if count := titles.update(title=case_code):
        removed["agendaitem_title"] = count
    redactions, _ = Redaction.objects.filter(entry__agenda_item__case_id=case_id).delete()
    if redactions:
        removed["redaction"] = redactions
    # Woo marks keep a copy of the passage they judge: they go with the text.
    T = WooMark.Target  # noqa: N806 - the target enum, short in a long condition
    items = AgendaItem.objects.filter(case_id=case_id).values("pk")
    actions = ActionItem.objects.filter(agenda_item__case_id=case_id).values("pk")
    marks, _ = WooMark.objects.filter(
        Q(target__in=(T.ITEM_TITLE, T.ITEM_DESCRIPTION), target_id__in=items)
        | Q(target=T.ENTRY, target_id__in=MinuteEntry.objects.filter(agenda_item__case_id=case_id).values("pk"))
        | Q(target=T.DECISION, target_id__in=Decision.objects.filter(case_id=case_id).values("pk"))
        | Q(target__in=(T.ACTION_SUBJECT, T.ACTION_DESCRIPTION), target_id__in=actions)
        | Q(
            target=T.AMENDMENT, target_id__in=MinutesAmendment.objects.filter(agenda_item__case_id=case_id).values("pk")
        )
    ).delete()
    if marks:
        removed["woomark"] = marks
    return removed
