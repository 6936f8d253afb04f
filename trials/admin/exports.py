"""CSV and XLSX exports of a (scoped, annotated) study queryset from the admin.

Titles and codes are typed by sponsors and coordinators: every value goes through
``sites.spreadsheet`` so a title such as ``=HYPERLINK(…)`` is shown as text, never run.
"""

import tempfile

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from sites.spreadsheet import csv_download, csv_lines, xlsx_row

from .. import selectors
from ..models import Study

COLUMNS = [
    ("Offentlig id", lambda s: s.public_id),
    ("Tittel", lambda s: str(s)),
    ("Vitenskapelig tittel", lambda s: s.scientific_title),
    ("REK", lambda s: s.rek_number),
    ("EU CT", lambda s: s.eu_ct_number),
    ("EudraCT", lambda s: s.eudract_number),
    ("NCT", lambda s: s.nct_id),
    ("ISRCTN", lambda s: s.isrctn),
    ("Protokollkode", lambda s: s.sponsor_protocol_code),
    (
        "Region",
        lambda s: (
            s.responsible_organisation.region.name if s.responsible_organisation.region else ""
        ),
    ),
    ("Ansvarlig organisasjon", lambda s: s.responsible_organisation.name),
    ("Sponsor", lambda s: s.sponsor.name if s.sponsor else ""),
    ("Status", lambda s: s.get_status_display()),
    ("Kategori", lambda s: s.get_category_display()),
    ("Fase", lambda s: s.get_phase_display()),
    ("Åpne studiesteder", lambda s: s.open_sites),
    ("Inkludert", lambda s: s.enrolled),
    ("Mål", lambda s: s.target_enrolment or ""),
    ("Publisert", lambda s: "ja" if s.is_published else "nei"),
    ("Flagg", lambda s: "; ".join(str(f.label) for f in selectors.study_flags(s))),
]


def _rows(queryset):
    """Rows in a constant number of queries; the queryset must come from ``study_admin_list``."""
    if "enrolled" not in queryset.query.annotations:
        queryset = selectors.study_with_flags(queryset)
    queryset = queryset.select_related("responsible_organisation__region", "sponsor")
    for study in queryset.iterator(chunk_size=2000):
        values = (get(study) for _, get in COLUMNS)
        yield [v if isinstance(v, int) else str(v) for v in values]


def _filename(ext: str) -> str:
    return f"studier-{timezone.localtime():%Y%m%d-%H%M}.{ext}"


def export_csv(queryset: QuerySet[Study]) -> StreamingHttpResponse:
    """Streamed line by line from a database cursor: memory stays flat however many rows."""
    return csv_download(csv_lines([name for name, _ in COLUMNS], _rows(queryset)), _filename("csv"))


def export_xlsx(queryset: QuerySet[Study]) -> FileResponse:
    """openpyxl's write-only mode keeps rows in a temporary file, not in memory; the finished
    workbook is a temporary file too, sent in chunks and deleted when the response is closed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Studier")
    sheet.append([name for name, _ in COLUMNS])
    for row in _rows(queryset):
        sheet.append(xlsx_row(sheet, row))
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
