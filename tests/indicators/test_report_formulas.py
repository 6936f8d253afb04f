"""The monthly report workbook shows study titles as text: a spreadsheet never runs them."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from indicators import selectors, services
from indicators.periods import Period
from tests.factories import StudySiteFactory, hf
from trials.models import Study

OCTOBER = Period.month(2026, 10)
HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.mark.django_db
def test_monthly_report_workbook_writes_a_formula_like_title_as_text(world):
    StudySiteFactory(
        study__scientific_title=HYPERLINK,
        study__sponsor_protocol_code="=1+1",
        study__responsible_organisation=hf("Bergen"),
        organisation=hf("Bergen"),
        activated_on=dt.date(2026, 1, 10),
    )
    services.snapshots_compute(period=OCTOBER)
    built = services.report_build(period=OCTOBER, scope=selectors.NATIONAL_SCOPE)
    workbook = load_workbook(io.BytesIO(built.attachment))

    titles = {row[0].value: row[0] for row in workbook["Studier"].iter_rows(min_row=2)}
    assert HYPERLINK in titles
    cell = titles[HYPERLINK]
    assert cell.data_type == "s" and cell.quotePrefix
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    # Values stay numbers (a fall from last month is a negative number, not text).
    numbers = [
        cell
        for sheet in workbook
        for row in sheet.iter_rows(min_row=2, min_col=4, max_col=6)
        for cell in row
        if cell.value is not None
        and sheet.title not in {"Studier", "Organisasjoner", "Datakvalitet"}
    ]
    assert numbers and all(cell.data_type == "n" for cell in numbers)


@pytest.mark.django_db
def test_monthly_report_workbook_lists_studies_as_the_admin_names_them(world):
    services.snapshots_compute(period=OCTOBER)
    built = services.report_build(period=OCTOBER, scope=selectors.NATIONAL_SCOPE)
    sheet = load_workbook(io.BytesIO(built.attachment))["Studier"]

    header = list(sheet[1])
    assert all(cell.font.bold for cell in header) and sheet.freeze_panes
    column = {cell.value: index for index, cell in enumerate(header)}
    names = ["Kategori", "Status", "Sponsortype"]
    shown = {
        row[column["Id"]].value: [row[column[name]].value for name in names]
        for row in sheet.iter_rows(min_row=2)
    }
    studies = Study.objects.filter(public_id__in=shown)
    assert studies.exists()
    for study in studies:
        assert shown[study.public_id] == [
            study.get_category_display(),
            study.get_status_display(),
            study.get_sponsor_type_display(),
        ]
