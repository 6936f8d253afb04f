"""The monthly report's spreadsheet: one sheet per focus area, then studies, organisations, quality."""

from __future__ import annotations

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


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    """One sheet written row by row (a write-only workbook: a national report has tens of
    thousands of studies), with a styled header row, fitted columns and the header frozen."""
    sheet = workbook.create_sheet(title=title[:31])
    for index, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[index - 1] or "")) for r in rows[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 70)
    sheet.freeze_panes = "A2"
    cells = []
    for value in xlsx_row(sheet, header):
        cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=value)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))  # titles and names are shown, never run


def _labels(field_name: str) -> dict[object, str]:
    """A study field's choices as shown (what ``get_<field>_display`` gives), looked up once per
    workbook instead of once per study."""
    field = cast("Field[Any, Any]", Study._meta.get_field(field_name))
    return {value: str(label) for value, label in field.flatchoices}


def _num(value):
    return float(value) if value is not None else None


def report_workbook(context: dict) -> bytes:
    workbook = Workbook(write_only=True)
    header = [
        "Kode",
        "Indikator",
        "Enhet",
        "Verdi",
        "Forrige måned",
        "Endring",
        "Mål",
        "Målår",
        "Teller",
        "Nevner",
        "Verdi-id (sporbarhet)",
        "Versjon",
    ]
    for area, label in Indicator.FocusArea.choices:
        rows = []
        for line in context["lines"]:
            if line.indicator.focus_area != area:
                continue
            snap = line.snapshot
            rows.append(
                [
                    line.indicator.code,
                    line.indicator.name_nb,
                    line.indicator.unit,
                    _num(line.value),
                    _num(line.previous.value if line.previous else None),
                    _num(line.change),
                    _num(line.indicator.target_value),
                    line.indicator.target_year,
                    _num(snap.numerator if snap else None),
                    _num(snap.denominator if snap else None),
                    snap.pk if snap else None,
                    snap.version if snap else None,
                ]
            )
        _sheet(workbook, str(label), header, rows)
    category, status, sponsor_type = _labels("category"), _labels("status"), _labels("sponsor_type")
    _sheet(
        workbook,
        "Studier",
        ["Id", "Tittel", "Kategori", "Status", "Sponsortype", "Ansvarlig", "Deltakere i perioden"],
        [
            [
                s.public_id,
                s.scientific_title,
                category.get(s.category, s.category),
                status.get(s.status, s.status),
                sponsor_type.get(s.sponsor_type, s.sponsor_type),
                s.responsible_organisation.name,
                s.participants,
            ]
            for s in context["studies"]
        ],
    )
    codes = [i.code for i in context["league_indicators"]]
    _sheet(
        workbook,
        "Organisasjoner",
        ["Organisasjon", *[i.name_nb for i in context["league_indicators"]]],
        [
            [row["organisation"].name, *[_num(c.value) if c else None for c in row["cells"]]]
            for row in context["league"]
        ]
        if codes
        else [],
    )
    _sheet(
        workbook,
        "Datakvalitet",
        ["Kontroll", "Antall", "Eksempler (studie-id)"],
        [[f.label, f.count, ", ".join(f.examples)] for f in context["flags"]],
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
