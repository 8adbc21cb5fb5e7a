from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from monitor.presentation import show

register = template.Library()


@register.filter
def cell(value) -> str:
    """A monitor figure as text ("not shown (a)" for a hidden figure, never "< 5")."""
    return show(value)


def _rows(rows: list[list]):
    # Cells repeat a lot (ages in days and weeks, small counts): each distinct value is
    # formatted and escaped once per table. Keyed by type too, so 1 and 1.0 and True differ.
    texts = {}

    def text(value) -> str:
        if isinstance(value, dict):  # a hidden count: not hashable, and rare
            return escape(show(value))
        key = (type(value), value)
        if key not in texts:
            texts[key] = escape(show(value))
        return texts[key]

    for header, *cells in rows:
        yield "".join(
            (
                '<tr class="ams-table__row"><th scope="row" class="ams-table__header-cell">',
                text(header),
                "</th>",
                *(f'<td class="ams-table__cell">{text(value)}</td>' for value in cells),
                "</tr>",
            )
        )


@register.filter
def table_rows(rows: list[list]) -> SafeString:
    """The body rows of a monitor table, built here rather than cell by cell in the template.

    A national monitor has thousands of cells (every pending report, every director):
    template nodes, or format_html, per cell made the page many times slower than the
    minimal page. The markup is the one the template wrote, each cell escaped.
    """
    return mark_safe("\n    ".join(_rows(rows)))  # noqa: S308 - every cell is escaped in _rows
