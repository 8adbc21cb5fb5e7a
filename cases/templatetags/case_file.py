"""Rows of the case page's tables (cases/detail.html), built in Python.

The same HTML as the template loops they replace, byte for byte, including the whitespace each
loop iteration wrote; with a dozen tags and filters per row they took a third of the page's
rendering. Every value from the database goes through conditional_escape(), as the template's
autoescaping did.
"""

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ipgar.dates import short_date

register = template.Library()

_CELL = '<td class="ams-table__cell">'
_DASH = "—"


def _e(value) -> str:
    return conditional_escape(value)


def _or_dash(value) -> str:
    """`{{ value|default:"—" }}`."""
    return _e(value or _DASH)


def _name(user) -> str:
    """`{{ user.get_full_name|default:user.username }}`."""
    return _e(user.get_full_name() or user.username)


def _rows(rows) -> str:
    # As the template's {% for %} wrote each row: on its own line, indented.
    # Every value in the rows went through conditional_escape() above.
    return mark_safe("".join(f'\n    <tr class="ams-table__row">{row}</tr>\n  ' for row in rows))  # noqa: S308


@register.simple_tag
def transition_rows(transitions):
    return _rows(
        f"{_CELL}{_e(short_date(t.at))}</td>{_CELL}{_e(t.get_from_status_display())}</td>"
        f"{_CELL}{_e(t.get_to_status_display())}</td>{_CELL}{_name(t.by)}</td>{_CELL}{_e(t.reason)}</td>"
        f"{_CELL}{_e(t.decision) if t.decision else _DASH}</td>"
        for t in transitions
    )


@register.simple_tag
def assignment_rows(assignments):
    return _rows(
        f"{_CELL}{_name(a.director.user)}</td>{_CELL}{_e(short_date(a.started_on))}</td>"
        f"{_CELL}{_or_dash(short_date(a.ended_on))}</td>{_CELL}{_or_dash(a.reason)}</td>"
        for a in assignments
    )


@register.simple_tag
def intervention_rows(interventions, case, may_change):
    own = f" ({_e(_('own organisation'))})"
    own_id = case.director.organisation_id if case.director else None

    # The edit link of intervention 0, its number swapped per row: reverse() once, not per row.
    edit = _e(reverse("cases:intervention_edit", args=[case.pk, 0]).removesuffix("0/"))
    types = {}

    def kind(i) -> str:
        if i.type_id not in types:  # a handful of types, each named (translated) once
            types[i.type_id] = _e(i.type)
        if not may_change:
            return types[i.type_id]
        return f'<a class="ams-link" href="{edit}{i.pk}/">{types[i.type_id]}</a>'

    return _rows(
        f"{_CELL}{kind(i)}</td>{_CELL}{_e(i.partner.name)}{own if own_id and i.partner_id == own_id else ''}</td>"
        f"{_CELL}{_e(i.goal)}</td>{_CELL}{_or_dash(short_date(i.started_on))}</td>"
        f"{_CELL}{_or_dash(short_date(i.ended_on))}</td>{_CELL}{_e(i.get_status_display())}</td>"
        f"{_CELL}{_or_dash(i.outcome)}</td>"
        for i in interventions
    )


@register.simple_tag
def score_rows(scores):
    acute = _e(_("acute"))

    def score(s) -> str:
        return f'<span class="ipgar-score--acute">{s.score} ({acute})</span>' if s.score <= 2 else f"{s.score}"

    return _rows(
        f'<th class="ams-table__cell" scope="row">{_e(s.domain)}</th>{_CELL}{score(s)}</td>'
        f"{_CELL}{_e(short_date(s.scored_on))}</td>{_CELL}{_or_dash(s.note)}</td>"
        for s in scores
    )
