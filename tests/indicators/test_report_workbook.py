"""The monthly report's workbook as a director reads it: names first, percentages as percentages,
and no per-study count that singles people out or gives a hidden count away."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from indicators import selectors, services
from indicators.models import Indicator, IndicatorSnapshot
from indicators.periods import Period
from indicators.publication import counts_hidden

OCTOBER = Period.month(2026, 10)
AREA_SHEETS = [str(label) for _value, label in Indicator.FocusArea.choices]


def _workbook(scope=selectors.NATIONAL_SCOPE):
    services.snapshots_compute(period=OCTOBER.previous())
    services.snapshots_compute(period=OCTOBER)
    report = services.report_build(period=OCTOBER, scope=scope)
    return load_workbook(io.BytesIO(report.attachment))


def _indicator_rows(workbook):
    for title in AREA_SHEETS:
        sheet = workbook[title[:31]]
        yield from ((sheet, row) for row in sheet.iter_rows(min_row=2))


@pytest.mark.django_db
def test_column_a_names_the_indicator_and_the_study_not_their_codes(world):
    workbook = _workbook()
    names = set(Indicator.objects.values_list("name_nb", flat=True))
    codes = set(Indicator.objects.values_list("code", flat=True))
    rows = list(_indicator_rows(workbook))
    assert rows and all(row[0].value in names for _sheet, row in rows)
    assert not any(row[0].value in codes for _sheet, row in rows)
    for title in AREA_SHEETS:
        assert workbook[title[:31]]["A1"].value == "Indikator"
    studies = workbook["Studier"]
    assert studies["A1"].value == "Tittel"
    assert {"A", "C"} <= {row[0] for row in studies.iter_rows(min_row=2, values_only=True)}


@pytest.mark.django_db
def test_percentages_are_excel_percentages_and_counts_stay_numbers(world):
    workbook = _workbook()
    percent_rows = [(s, r) for s, r in _indicator_rows(workbook) if r[1].value == "%"]
    valued = [(s, r) for s, r in percent_rows if r[2].value is not None]
    assert valued, "the hand-made portfolio has a percentage for October"
    for _sheet, row in valued:
        snapshot = IndicatorSnapshot.objects.get(pk=row[10].value)
        assert row[2].number_format == "0.00%"
        # 12.5 % is the cell value 0.125, which Excel shows as 12.50 %
        assert Decimal(str(row[2].value)) == (snapshot.value / 100).normalize()
        assert row[10].number_format == "General"  # the id is not a percentage
    counts = [r for _s, r in _indicator_rows(workbook) if r[1].value != "%" and r[2].value]
    assert counts and all(r[2].number_format == "General" for r in counts)


@pytest.mark.django_db
def test_the_studies_sheet_shows_no_count_of_fewer_than_five_people(world):
    workbook = _workbook()
    header, *rows = list(workbook["Studier"].iter_rows(values_only=True))
    column = header.index("Deltakere i perioden (tomt: skjult av personvernhensyn)")
    by_title = {row[0]: row[column] for row in rows}
    assert by_title["A"] is None and by_title["C"] is None  # 2 people each
    assert not any(n is not None and 0 < n < 5 for n in by_title.values())


def test_a_study_count_that_the_total_would_give_away_is_hidden_with_another():
    total = IndicatorSnapshot(value=Decimal(15), numerator=Decimal(15))
    assert counts_hidden(total, {"X": 3, "Y": 12, "Z": 0}) == {"X", "Y"}  # 15 − 12 = 3
    assert counts_hidden(total, {"X": 6, "Y": 9}) == set()
    assert counts_hidden(None, {"X": 3, "Y": 12}) == {"X"}  # no total to subtract from
    hidden_total = IndicatorSnapshot(value=None, numerator=None)
    hidden_total.suppressed = True
    assert counts_hidden(hidden_total, {"X": 3, "Y": 20}) == {"X"}  # two unknowns in the sum
