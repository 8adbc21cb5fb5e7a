"""Rows of the case tables, built in Python.

A caseload or a page of the case list renders one row per case with a dozen template tags,
filters, a translation and an include each; at national scale that cost more than the
queries. These build the same HTML in a fraction of the time, as the pool overview does
(pool/templatetags). Every value from the database goes through escape().
"""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipgar.dates import short_date

from ..models import Case, Contact

register = template.Library()


class _Labels:
    """Translated labels, the detail link and formatted dates, worked out once per table."""

    def __init__(self):
        self.link = reverse("cases:detail", args=[0]).removesuffix("0/")
        self.statuses = {value: escape(label) for value, label in Case.Status.choices}
        self.detained = escape(_("detained"))
        self.abroad = escape(_("abroad"))
        self.no_contact_flag = escape(_("No contact for more than the alert period"))
        self.no_intervention_flag = escape(_("No intervention for more than the alert period"))
        self.pending_flag = escape(_("Report pending too long"))
        self.no_alerts = f"<span>{escape(_('none'))}</span>"
        self._dates = {}

    def date(self, value) -> str:
        if value not in self._dates:
            self._dates[value] = escape(short_date(value))
        return self._dates[value]

    def status(self, case) -> str:
        text = self.statuses.get(case.status, escape(case.status))
        if case.is_detained:
            text += f", {self.detained}"
        if case.is_abroad:
            text += f", {self.abroad}"
        return text

    def alerts(self, case) -> str:
        """The same list as cases/_alerts.html."""
        flags = [
            flag
            for open_, flag in (
                (case.alert_no_contact, self.no_contact_flag),
                (case.alert_no_intervention, self.no_intervention_flag),
                (case.alert_pending_report, self.pending_flag),
            )
            if open_
        ]
        if not flags:
            return self.no_alerts
        items = "".join(f'<li class="ipgar-alert-flag">{flag}</li>' for flag in flags)
        return f'<ul class="ams-list ipgar-alert-list">{items}</ul>'


def _caseload_rows(cases):
    labels = _Labels()
    substitute = f" <span>({escape(_('as substitute'))})</span>"
    no_contact_yet = escape(_("no contact yet"))
    never_scored = escape(_("never scored"))
    acute = ' class="ipgar-score--acute"'
    domain_labels = {}

    def domain(item) -> str:
        # Some ten domains, named once per table rather than once per score.
        if item.pk not in domain_labels:
            domain_labels[item.pk] = escape(item)
        return domain_labels[item.pk]

    cell = '<td class="ams-table__cell">'
    for case in cases:
        contact = labels.date(case.last_contact_on) if case.last_contact_on else no_contact_yet
        if case.attempts_since_contact:
            n = case.attempts_since_contact
            attempts = ngettext("%(n)s attempt without contact since", "%(n)s attempts without contact since", n) % {
                "n": n
            }
            contact += f"<br>{escape(attempts)}"
        running = "; ".join(f"{escape(kind)} ({escape(partner.upper())})" for kind, partner in case.running) or "—"
        scores = ""
        if case.latest_scores:
            items = "".join(
                f"<li>{domain(score.domain)}: <span{acute if score.score <= 2 else ''}>{int(score.score)}</span></li>"
                for score in case.latest_scores
            )
            scores = f'<ul class="ipgar-domains">{items}</ul>'
        if case.never_scored:
            names = ", ".join(domain(item) for item in case.never_scored)
            scores += f'<p class="ams-paragraph ams-paragraph--small ipgar-score--never">{never_scored}: {names}</p>'
        yield (
            '<tr class="ams-table__row">'
            '<th class="ams-table__cell ipgar-code" scope="row">'
            f'<a class="ams-link" href="{labels.link}{int(case.pk)}/">{escape(case.code)}</a>'
            f"{substitute if case.via_substitute else ''}</th>"
            f"{cell}{labels.status(case)}</td>"
            f"{cell}{contact}</td>"
            f"{cell}{running}</td>"
            f"{cell}{scores}</td>"
            f"{cell}{labels.alerts(case)}</td>"
            "</tr>"
        )


def _case_list_rows(cases):
    labels = _Labels()
    dash = "—"
    cell = '<td class="ams-table__cell">'
    for case in cases:
        yield (
            '<tr class="ams-table__row">'
            '<th class="ams-table__cell ipgar-code" scope="row">'
            f'<a class="ams-link" href="{labels.link}{int(case.pk)}/">{escape(case.code)}</a></th>'
            f"{cell}{labels.status(case)}</td>"
            f"{cell}{labels.date(case.reported_on)}</td>"
            f"{cell}{escape(case.area)}</td>"
            f"{cell}{escape(case.risk_category or dash)}</td>"
            f"{cell}{escape(case.ideology or dash)}</td>"
            f"{cell}{escape(case.director or dash)}</td>"
            f"{cell}{labels.date(case.last_contact_on) if case.last_contact_on else dash}</td>"
            f"{cell}{labels.alerts(case)}</td>"
            "</tr>"
        )


@register.simple_tag
def case_list_rows(cases):
    """One table row per case of a page of the case list, in the columns of cases/list.html."""
    # Every value in the rows goes through escape() or int() above.
    return mark_safe("".join(_case_list_rows(cases)))  # noqa: S308


@register.simple_tag
def contact_rows(contacts):
    """The rows of the case page's contacts table (cases/detail.html)."""
    labels = _Labels()
    kinds = {value: escape(label) for value, label in Contact.Kind.choices}
    cell = '<td class="ams-table__cell">'
    rows = (
        f'<tr class="ams-table__row">{cell}{labels.date(c.date)}</td>{cell}{kinds.get(c.kind, escape(c.kind))}</td>'
        f"{cell}{escape(c.by)}</td>{cell}{escape(c.note or '—')}</td></tr>"
        for c in contacts
    )
    # Every value in the rows goes through escape() above.
    return mark_safe("".join(rows))  # noqa: S308


@register.simple_tag
def caseload_rows(cases):
    """One table row per case of the caseload, in the columns of cases/caseload.html."""
    # Every value in the rows goes through escape() or int() above.
    return mark_safe("".join(_caseload_rows(cases)))  # noqa: S308
