"""The monthly report's spreadsheet: one sheet per focus area, then studies, organisations, quality.

Names come first (the indicator, the organisation), codes last; percentages are Excel percentages
(the value 10,63 % is stored as 0.1063 and formatted ``0.00%``), so a reader sees 10,63 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any, cast

from django.db.models import Field
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from sites.spreadsheet import xlsx_row
from trials.models import Study

from .models import Indicator

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
PERCENT_FORMAT = "0.00%"
PERCENT_UNIT = "%"


def _sheet(
    workbook: Workbook,
    title: str,
    header: list[str],
    rows: list[list],
    percent: Sequence[Sequence[bool]] = (),
) -> None:
    """A sheet with a header row; ``percent[r][c]`` marks the cells shown as percentages."""
    sheet = workbook.create_sheet(title=title[:31])  # write-only: widths and panes come first
    for index, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[index - 1] or "")) for r in rows[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 70)
    sheet.freeze_panes = "B2"
    header_cells = []
    for value in xlsx_row(sheet, header):
        cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=value)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    for row_index, row in enumerate(rows):
        values = xlsx_row(sheet, row)  # titles and names are shown, never run
        marks = percent[row_index] if row_index < len(percent) else ()
        for column, mark in enumerate(marks):
            if mark:
                values[column] = WriteOnlyCell(sheet, value=values[column])
                values[column].number_format = PERCENT_FORMAT
        sheet.append(values)


def _labels(field_name: str) -> dict[object, str]:
    """A study field's choices as shown (what ``get_<field>_display`` gives), looked up once per
    workbook instead of once per study."""
    field = cast("Field[Any, Any]", Study._meta.get_field(field_name))
    return {value: str(label) for value, label in field.flatchoices}


def _num(value: Decimal | int | None, unit: str = "") -> float | None:
    """A number for a cell; a percentage as the fraction Excel formats as one."""
    if value is None:
        return None
    return float(value) / 100 if unit == PERCENT_UNIT else float(value)


INDICATOR_HEADER = [
    "Indikator",
    "Enhet",
    "Verdi",
    "Forrige måned",
    "Endring",
    "Mål",
    "Målår",
    "Teller",
    "Nevner",
    "Kode",
    "Verdi-id (sporbarhet)",
    "Versjon",
]
# Value, last month, change and target are in the indicator's unit (a percentage for "%").
_IN_UNIT = [False, False, True, True, True, True, False, False, False, False, False, False]


def _indicator_row(line) -> list:
    snap, unit = line.snapshot, line.indicator.unit
    return [
        line.indicator.name_nb,
        unit,
        _num(line.value, unit),
        _num(line.previous.value if line.previous else None, unit),
        _num(line.change, unit),
        _num(line.indicator.target_value, unit),
        line.indicator.target_year,
        _num(snap.numerator if snap else None),
        _num(snap.denominator if snap else None),
        line.indicator.code,
        snap.pk if snap else None,
        snap.version if snap else None,
    ]


def _indicator_sheets(workbook: Workbook, lines: list) -> None:
    for area, label in Indicator.FocusArea.choices:
        area_lines = [line for line in lines if line.indicator.focus_area == area]
        percent = [
            [mark and line.indicator.unit == PERCENT_UNIT for mark in _IN_UNIT]
            for line in area_lines
        ]
        rows = [_indicator_row(line) for line in area_lines]
        _sheet(workbook, str(label), INDICATOR_HEADER, rows, percent)


def _league_sheet(workbook: Workbook, context: dict) -> None:
    indicators = context["league_indicators"]
    units = [i.unit for i in indicators]
    rows = (
        [
            [
                row["organisation"].name,
                *[
                    _num(c.value if c else None, u)
                    for c, u in zip(row["cells"], units, strict=True)
                ],
            ]
            for row in context["league"]
        ]
        if indicators
        else []
    )
    percent = [[False, *[u == PERCENT_UNIT for u in units]] for _row in rows]
    _sheet(
        workbook,
        "Organisasjoner",
        ["Organisasjon", *[i.name_nb for i in indicators]],
        rows,
        percent,
    )


def report_workbook(context: dict) -> bytes:
    workbook = Workbook(write_only=True)
    _indicator_sheets(workbook, context["lines"])
    category, status, sponsor_type = _labels("category"), _labels("status"), _labels("sponsor_type")
    _sheet(
        workbook,
        "Studier",
        [
            "Tittel",
            "Id",
            "Kategori",
            "Status",
            "Sponsortype",
            "Ansvarlig",
            "Deltakere i perioden (tomt: skjult av personvernhensyn)",
        ],
        [
            [
                s.scientific_title,
                s.public_id,
                category.get(s.category, s.category),
                status.get(s.status, s.status),
                sponsor_type.get(s.sponsor_type, s.sponsor_type),
                s.responsible_organisation.name,
                s.participants,
            ]
            for s in context["studies"]
        ],
    )
    _league_sheet(workbook, context)
    _sheet(
        workbook,
        "Datakvalitet",
        ["Kontroll", "Antall", "Eksempler (studie-id)"],
        [[f.label, f.count, ", ".join(f.examples)] for f in context["flags"]],
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
