"""Rows of the access-log tables (ipgar/_access_entries.html), built in Python.

The privacy officer's log page shows 50 entries, the per-person view 100, six cells
each; one template variable, filter and condition per cell cost more than reading the rows
from 50 million (BENCHMARKS.md, the access-log section). These build the same HTML, as the
case tables do (cases/templatetags/case_rows.py). Every value from the database goes through
escape().
"""

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ipgar.dates import short_date

register = template.Library()

CELL = '<td class="ams-table__cell">'


def _rows(entries):
    days = {}

    def when(moment) -> str:
        # As |short_datetime: local time, the day written once per table.
        local = timezone.localtime(moment)
        day = local.date()
        if day not in days:
            days[day] = escape(short_date(day))
        return f"{days[day]} {local:%H:%M}"

    for entry in entries:
        label = escape(entry.label)
        if entry.outcome == "denied":
            label = f"<strong>{label}</strong>"
        yield (
            '\n    <tr class="ams-table__row">'
            f"\n      {CELL}{when(entry.at)}</td>"
            f"\n      {CELL}{escape(entry.username)}</td>"
            f"\n      {CELL}{escape(entry.role_label)}</td>"
            f"\n      {CELL}{escape(entry.organisation)}</td>"
            f"\n      {CELL}{label}</td>"
            f"\n      {CELL}{escape(entry.client_address or '')}</td>"
            "\n    </tr>"
        )


@register.simple_tag
def access_entry_rows(entries):
    """One table row per log entry (annotated by ipgar.access_labels.annotate), in the columns of
    ipgar/_access_entries.html."""
    # Every value in the rows goes through escape() above.
    return mark_safe("".join(_rows(entries)))  # noqa: S308
