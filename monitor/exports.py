"""PDF (tagged, PDF/UA-1) and Excel exports of a frozen monitor: the same sections as the page."""

import io
import re

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from . import presentation
from .models import MonitorSnapshot
from .suppression import is_hidden

# Excel forbids these in sheet titles; titles are at most 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\[\]\*\?/\\:]")


def pdf(*, request, snapshot: MonitorSnapshot) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "monitor/export_pdf.html",
        {"snapshot": snapshot, "sections": presentation.sections(snapshot.figures, variant=snapshot.variant)},
        request=request,
    )
    # pdf/ua-1: tagged, with language and title, readable by screen readers (FIELD-NOTES 26).
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def _cell(value):
    """Numbers stay numbers; a hidden count becomes the text "< 5"; booleans become yes/no."""
    if is_hidden(value) or isinstance(value, bool):
        return presentation.show(value)
    return value


def xlsx(*, snapshot: MonitorSnapshot) -> bytes:
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for number, section in enumerate(presentation.sections(snapshot.figures, variant=snapshot.variant), start=1):
        sheet = book.create_sheet(_SHEET_FORBIDDEN.sub("", f"{number} {section.title}")[:31])
        sheet.append([section.title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([section.text])
        for table in section.tables:
            sheet.append([])
            sheet.append([table.caption])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append(table.headers)
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in table.rows:
                sheet.append([_cell(v) for v in row])
        sheet.column_dimensions["A"].width = 48
    info = book.create_sheet(_("About"))
    info.append([_("Quarterly monitor"), f"{snapshot.year} Q{snapshot.quarter}"])
    info.append([_("Variant"), str(snapshot.get_variant_display())])
    info.append([_("Version"), snapshot.version])
    info.append([_("Made at"), snapshot.created_at.replace(tzinfo=None)])
    info.append([_("Made by"), str(snapshot.created_by) if snapshot.created_by else _("scheduled task")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
