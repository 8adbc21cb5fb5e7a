"""The monitor page, its PDF and its Excel file agree cell for cell."""

import datetime as dt
import io
import re
from html.parser import HTMLParser

import openpyxl
import pikepdf
import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from monitor import presentation, services
from monitor.models import MonitorSnapshot

from . import dataset
from .factories import ProgrammeUserFactory
from .pdftext import pdf_text

pytestmark = pytest.mark.django_db


class _Tables(HTMLParser):
    """Body rows of every <table id="table-…"> as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._table, self._row, self._cell, self._in_body = {}, None, None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id", "").startswith("table-"):
            self._table = attrs["id"]
            self.tables[self._table] = []
        elif tag == "tbody" and self._table:
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("variant", ["gross", "net"])
def test_page_pdf_and_xlsx_agree_cell_for_cell(client, variant):
    with time_machine.travel(dt.datetime(2025, 11, 1, 10, 0), tick=False):
        dataset.build()
        services.snapshot_build(year=2025, quarter=2, by=ProgrammeUserFactory())
        client.force_login(ProgrammeUserFactory())
        args = [2025, 2, variant]
        page = client.get(reverse("monitor:detail", args=args)).content.decode()
        pdf = pdf_text(pikepdf.open(io.BytesIO(client.get(reverse("monitor:export_pdf", args=args)).content)))
        book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("monitor:export_xlsx", args=args)).content))
    snapshot = MonitorSnapshot.objects.get(variant=variant)
    parser = _Tables()
    parser.feed(page)
    with translation.override("nl"):
        sections = presentation.sections(snapshot.figures, variant=variant)
    compared = 0
    for number, section in enumerate(sections):
        sheet = book[book.sheetnames[number]]
        sheet_rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        pdf_position = 0
        for table in section.tables:
            html_rows = parser.tables[f"table-{section.key}-{table.key}"]
            start = 2 + next(
                i
                for i, r in enumerate(sheet_rows[:-1])
                if r[0] == table.caption and list(sheet_rows[i + 1][: len(table.headers)]) == list(table.headers)
            )
            for i, row in enumerate(table.rows):
                with translation.override("nl"):
                    expected = [presentation.show(v) for v in row]
                assert [_norm(c) for c in html_rows[i]] == [_norm(e) for e in expected], (table.key, i)
                excel = sheet_rows[start + i][: len(row)]
                for value, cell, text in zip(row, excel, expected, strict=True):
                    if isinstance(value, int | float) and not isinstance(value, bool):
                        assert cell == value, (table.key, i)
                    else:
                        assert cell == text, (table.key, i)
                    compared += 1
                for text in expected:  # in the PDF, in reading order
                    found = pdf.find(_norm(text), pdf_position)
                    assert found >= 0, (table.key, i, text)
                    pdf_position = found
    assert compared > 100
    if variant == "net":
        assert "niet getoond (a)" in page and "niet getoond (a)" in pdf


def test_xlsx_text_cells_cannot_run_as_formulas(client):
    """Formula injection: a director named "=1+1 …" is text in the Excel export, escaped as the
    access-log CSV does (ipgar.exports.spreadsheet_cell)."""
    with time_machine.travel(dt.datetime(2025, 11, 1, 10, 0), tick=False):
        data = dataset.build()
        user = data["d1"].user
        user.first_name, user.last_name = "=1+1", "@SUM(A1)"
        user.save()
        services.snapshot_build(year=2025, quarter=2, by=ProgrammeUserFactory())
        client.force_login(ProgrammeUserFactory())
        response = client.get(reverse("monitor:export_xlsx", args=[2025, 2, "gross"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    texts = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "'=1+1 @SUM(A1)" in texts
    assert not any(t.startswith(("=", "+", "@", "\t", "\r")) for t in texts)
    assert not any(t.startswith("-") and t != "–" for t in texts)
