"""CSV files that Dutch Excel opens in columns.

Dutch Excel splits on semicolons and needs a byte-order mark to read UTF-8; a cell that
starts like a formula is prefixed with an apostrophe so a spreadsheet shows it as text
(CSV injection, ASVS 5.3.10). Every CSV export goes through here.
"""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

from .exports import spreadsheet_cell

BOM = "\ufeff"
DELIMITER = ";"
cell = spreadsheet_cell


class _Echo:
    def write(self, value):
        return value


def csv_response(*, filename: str, header: Iterable, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """Stream a CSV: BOM, translated header, semicolons, escaped cells; rows may be a generator."""
    writer = csv.writer(_Echo(), delimiter=DELIMITER)

    def lines():
        yield BOM + writer.writerow([cell(h) for h in header])
        for row in rows:
            yield writer.writerow([cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
