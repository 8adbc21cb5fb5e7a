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
    marks, _ = WooMark.objects.filter(_marks_on_texts_of(case_id)).delete()
    if marks:
        removed["woomark"] = marks
    return removed


def _marks_on_texts_of(case_id: int) -> Q:
    """Woo marks on any text about the case: the texts per the targets that point at them."""
    texts = {
        (WooMark.Target.ITEM_TITLE, WooMark.Target.ITEM_DESCRIPTION): AgendaItem.objects.filter(case_id=case_id),
        (WooMark.Target.ENTRY,): MinuteEntry.objects.filter(agenda_item__case_id=case_id),
        (WooMark.Target.DECISION,): Decision.objects.filter(case_id=case_id),
        (WooMark.Target.ACTION_SUBJECT, WooMark.Target.ACTION_DESCRIPTION): ActionItem.objects.filter(
            agenda_item__case_id=case_id
        ),
        (WooMark.Target.AMENDMENT,): MinutesAmendment.objects.filter(agenda_item__case_id=case_id),
    }
    condition = Q()
    for targets, rows in texts.items():
        condition |= Q(target__in=targets, target_id__in=rows.values("pk"))
    return condition
