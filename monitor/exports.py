"""PDF (tagged, PDF/UA-1) and Excel exports of a frozen monitor: the same sections as the page."""

import io
import re

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ipgar.exports import spreadsheet_cell

from . import presentation
from .disclosure import is_hidden
from .models import MonitorSnapshot

# Excel forbids these in sheet titles; titles are at most 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\[\]\*\?/\\:]")


def pdf(*, request, snapshot: MonitorSnapshot) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "monitor/export_pdf.html",
        {
            "snapshot": snapshot,
            "sections": presentation.sections(snapshot.figures, variant=snapshot.variant),
            "notes": presentation.notes(snapshot.figures.get("settings", {}).get("threshold", 5)),
        },
        request=request,
    )
    # pdf/ua-1: tagged, with language and title, readable by screen readers (docs/decisions.md D15).
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def _cell(value):
    """Numbers stay numbers; a hidden figure, a boolean or a text becomes text that a spreadsheet
    never runs as a formula (names and labels come from users)."""
    if is_hidden(value) or isinstance(value, bool) or value is None:  # "–" for no value, as on the page
        return spreadsheet_cell(presentation.show(value))
    if isinstance(value, str):
        return spreadsheet_cell(value)
    return value


def xlsx(*, snapshot: MonitorSnapshot) -> bytes:
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for number, section in enumerate(presentation.sections(snapshot.figures, variant=snapshot.variant), start=1):
        sheet = book.create_sheet(_SHEET_FORBIDDEN.sub("", f"{number} {section.title}")[:31])
        sheet.append([_cell(section.title)])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([_cell(section.text)])
        for table in section.tables:
            sheet.append([])
            sheet.append([_cell(table.caption)])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append([_cell(h) for h in table.headers])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in table.rows:
                sheet.append([_cell(v) for v in row])
        sheet.column_dimensions["A"].width = 48
    info = book.create_sheet(_("About"))
    if snapshot.variant == MonitorSnapshot.Variant.NET:
        for mark, _reason, text in presentation.notes(snapshot.figures.get("settings", {}).get("threshold", 5)):
            info.append([f"({mark})", _cell(text)])
    info.append([_("Quarterly monitor"), f"{snapshot.year} Q{snapshot.quarter}"])
    info.append([_("Variant"), str(snapshot.get_variant_display())])
    info.append([_("Version"), snapshot.version])
    info.append([_("Made at"), snapshot.created_at.replace(tzinfo=None)])
    info.append([_("Made by"), _cell(str(snapshot.created_by) if snapshot.created_by else _("scheduled task"))])
    if snapshot.reason:
        info.append([_("Reason for this version"), _cell(snapshot.reason)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
