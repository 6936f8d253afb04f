"""Values that a spreadsheet shows as written, never evaluates: for every CSV and XLSX the system makes.

Study titles, protocol codes, names and free text come from people outside the office. A cell that
starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some programs strip
first) is read by Excel and LibreOffice as a formula: ``=HYPERLINK(…)`` becomes a live link and
``=1+1`` a calculation (OWASP, "CSV Injection"). Every writer passes its values through here:

* CSV: such text gets a leading single quote (``'=1+1``), which spreadsheets show as text.
* XLSX: such text is written as a string cell with Excel's "quote prefix" style, so the cell holds
  exactly the text, is shown as text and stays text when someone edits it. openpyxl would otherwise
  store any string starting with ``=`` as a formula.

Numbers (including negative ones), dates and empty cells are left as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.functional import Promise
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_PLAIN = (int, float, Decimal, dt.date, dt.time, dt.timedelta)  # bool is an int


def starts_formula(text: str) -> bool:
    """True if a spreadsheet could read ``text`` as the start of a formula."""
    return text.startswith(FORMULA_STARTS)


def csv_value(value: Any) -> Any:
    """One CSV field: numbers stay numbers, ``None`` is empty, text that could run is quoted."""
    if value is None:
        return ""
    if isinstance(value, _PLAIN):
        return value
    text = str(value)
    return "'" + text if starts_formula(text) else text


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``csv.writer`` with every field made safe by ``csv_value``."""
    return [csv_value(value) for value in values]


def xlsx_value(sheet: Any, value: Any) -> Any:
    """One XLSX cell for ``sheet.append``: text that could run becomes a quoted string cell."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str) or not starts_formula(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl has just decided "=…" is a formula
    cell.quotePrefix = True
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for ``sheet.append`` (normal or write-only workbook) made safe by ``xlsx_value``."""
    return [xlsx_value(sheet, value) for value in values]


class _Echo:
    """A file-like object for ``csv.writer`` that hands each line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: Iterable[Any], rows: Iterable[Iterable[Any]], *, delimiter: str = ";"
) -> Iterator[str]:
    """CSV as Norwegian Excel opens it (UTF-8 with BOM, ``;``), one line at a time, every field
    made safe by ``csv_value``: memory stays flat however many rows."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield "\ufeff" + writer.writerow(list(header))
    for row in rows:
        yield writer.writerow(csv_row(row))


def csv_download(lines: Iterator[str], filename: str) -> StreamingHttpResponse:
    """A streamed CSV attachment."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
