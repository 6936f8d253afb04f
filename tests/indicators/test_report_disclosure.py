"""The monthly report leaves the back office by e-mail: it hides what the public API hides."""

import io

import pytest
from openpyxl import load_workbook

from indicators import selectors, services
from indicators.periods import Period

OCTOBER = Period.month(2026, 10)


@pytest.mark.django_db
def test_the_monthly_report_shows_no_count_of_fewer_than_five_people(world):
    services.snapshots_compute(period=OCTOBER.previous())
    services.snapshots_compute(period=OCTOBER)
    report = services.report_build(period=OCTOBER, scope=selectors.NATIONAL_SCOPE)
    active = "Pasienter som deltar i kliniske studier, hele helsetjenesten"
    assert f"- {active}: skjult (personvern)" in report.text  # 3 people
    assert "Kliniske behandlingsstudier åpne for inklusjon: 2" in report.text  # studies, not people
    sheet = load_workbook(io.BytesIO(report.attachment))["1 Pasientenes muligheter"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == active)
    assert row[2] is None and row[7] is None and row[10] is not None  # no value, still traceable
    organisations = load_workbook(io.BytesIO(report.attachment))["Organisasjoner"]
    header, *rows = list(organisations.iter_rows(values_only=True))
    column = header.index("Pasienter som deltar i kliniske studier, hele helsetjenesten")
    assert rows and all(r[column] is None for r in rows)  # 1–2 people per organisation
