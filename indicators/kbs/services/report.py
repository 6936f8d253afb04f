"""The KBS report of a period: one row per KBS project with the columns NVA names, as CSV and XLSX.

Requested at any time by the administrator (a working copy); made once and stored with its SHA-256
when the period is finalised — the file that is delivered to NVA and feeds the KBS indicators.
"""

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from sites.access import User
from sites.spreadsheet import csv_row, xlsx_row

from .. import selectors
from ..models import KbsProject, KbsReportFile, ReportingPeriod
from .guards import require_admin

# NVA's columns first (Prosjektidentifikator, Prosjektnavn, Rapporteringsperiode, Antall
# inklusjoner), then what the trusts and the ministry read the report for.
COLUMNS = [
    "Prosjektidentifikator",
    "Prosjektnavn",
    "Rapporteringsperiode",
    "Antall inklusjoner",
    "Første inklusjonsdato",
    "Siste inklusjonsdato",
    "Helseprosjekttype",
    "REK-nummer",
    "EU CT-nummer",
    "Ansvarlig organisasjon",
]
SITE_COLUMNS = ["Prosjektidentifikator", "Studiested", "Lokalt inklusjonstall"]


@dataclass(frozen=True)
class KbsReport:
    period: ReportingPeriod
    rows: list[list]
    site_rows: list[list]
    csv_content: bytes
    xlsx_content: bytes

    @property
    def file_stem(self) -> str:
        return f"kbs-rapport-{self.period.year}"


Line = list[str | int | dt.date | None]
"""One line of the report: text, numbers and dates, empty where nothing is known."""


def _rows(period: ReportingPeriod) -> tuple[list[Line], list[Line]]:
    projects = (
        KbsProject.objects.filter(period=period, decision=KbsProject.Decision.REPORTABLE)
        .select_related("study__responsible_organisation")
        .prefetch_related("site_numbers__site__organisation")
        .order_by("study__public_id")
    )
    rows: list[Line] = []
    site_rows: list[Line] = []
    for project in projects:
        study = project.study
        rows.append(
            [
                study.public_id,
                study.scientific_title,
                period.year,
                project.recruitment_number,
                project.first_recruitment_on,
                project.last_recruitment_on,
                selectors.kbs_health_project_type(study),
                study.rek_number,
                study.eu_ct_number,
                study.responsible_organisation.name,
            ]
        )
        site_rows.extend(
            [study.public_id, number.site.organisation.name, number.recruitment_number]
            for number in project.site_numbers.all()
        )
    return rows, site_rows


def _csv(rows: list[Line]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(csv_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel reads the æøå right


def _xlsx(rows: list[Line], site_rows: list[Line], *, year: int) -> bytes:
    workbook = Workbook()
    for sheet, header, lines in (
        (workbook.active, COLUMNS, rows),
        (workbook.create_sheet(), SITE_COLUMNS, site_rows),
    ):
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for line in lines:
            sheet.append(xlsx_row(sheet, line))  # titles from outside are shown, never run
    workbook.worksheets[0].title = f"KBS {year}"
    workbook.worksheets[1].title = "Lokale inklusjonstall"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def kbs_report_build(*, period: ReportingPeriod, user: User) -> KbsReport:
    """The administrator requests the period's report (any status): what it holds right now."""
    require_admin(user)
    return _build(period)


def _build(period: ReportingPeriod) -> KbsReport:
    rows, site_rows = _rows(period)
    return KbsReport(
        period=period,
        rows=rows,
        site_rows=site_rows,
        csv_content=_csv(rows),
        xlsx_content=_xlsx(rows, site_rows, year=period.year),
    )


@transaction.atomic
def kbs_report_store(*, period: ReportingPeriod) -> KbsReportFile:
    """The final report, made once when the period is finalised and stored with its checksums."""
    report = _build(period)
    return KbsReportFile.objects.create(
        period=period,
        csv_content=report.csv_content,
        csv_sha256=hashlib.sha256(report.csv_content).hexdigest(),
        xlsx_content=report.xlsx_content,
        xlsx_sha256=hashlib.sha256(report.xlsx_content).hexdigest(),
        rows=len(report.rows),
        created_at=timezone.now(),
    )
