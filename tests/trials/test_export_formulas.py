"""Study exports from the admin show what sponsors typed as text: a spreadsheet never runs it."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import StudySiteFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.fixture
def hostile_study(reference_data):
    return StudySiteFactory(
        study__scientific_title=HYPERLINK,
        study__sponsor_protocol_code="=1+1",
        study__lay_title_nb="@SUM(1+1)",
        study__rek_number="+47 1234",
        study__nct_id="-2+3",
    ).study


def _export(client, user, study, action: str) -> bytes:
    client.force_login(user)
    response = client.post(
        reverse("admin:trials_study_changelist"),
        {"action": action, "_selected_action": [study.pk]},
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_csv_export_quotes_titles_and_codes_that_would_start_a_formula(
    client, coordinator_vest, hostile_study
):
    body = _export(client, coordinator_vest, hostile_study, "export_as_csv")
    header, row = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    fields = dict(zip(header, row, strict=True))
    assert fields["Vitenskapelig tittel"] == "'" + HYPERLINK
    assert fields["Protokollkode"] == "'=1+1"
    assert fields["Tittel"] == "'@SUM(1+1)"
    assert fields["REK"] == "'+47 1234"
    assert fields["NCT"] == "'-2+3"
    # Counts are numbers, not quoted text.
    assert fields["Inkludert"] == "0" and fields["Mål"] == "100"


def test_xlsx_export_writes_titles_and_codes_as_text_cells_not_formulas(
    client, coordinator_vest, hostile_study
):
    body = _export(client, coordinator_vest, hostile_study, "export_as_xlsx")
    sheet = load_workbook(io.BytesIO(body)).active
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    for column, text in [
        ("Vitenskapelig tittel", HYPERLINK),
        ("Protokollkode", "=1+1"),
        ("Tittel", "@SUM(1+1)"),
        ("REK", "+47 1234"),
        ("NCT", "-2+3"),
    ]:
        cell = cells[column]
        assert cell.data_type == "s" and cell.value == text, column
        assert cell.quotePrefix, f"{column}: Excel keeps it text when the cell is edited"
    assert cells["Mål"].data_type == "n" and cells["Mål"].value == 100
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_compiled_feasibility_workbook_shows_an_organisations_answer_as_text(reference_data):
    from django.utils import timezone

    from tests.factories import SponsorFactory, hf
    from trials.industry.models import FeasibilityRequest, FeasibilityResponse
    from trials.industry.services.feasibility_mail import compiled_xlsx
    from trials.models import HealthCategory, Study

    now = timezone.now()
    request = FeasibilityRequest.objects.create(
        public_id="MS-FORMEL",
        sponsor=SponsorFactory(name="Pharma AS"),
        contact_name="Kari",
        contact_email="kari@example.com",
        title="Astma",
        condition="Astma",
        hrcs_category=HealthCategory.objects.get(code="01"),
        phase=Study.Phase.PHASE_3,
        design_summary="RCT",
        key_inclusion_criteria="Voksne",
        patients_wanted=40,
        received_at=now,
        deadline=now.date(),
    )
    FeasibilityResponse.objects.create(
        request=request,
        organisation=hf("Bergen"),
        answer=FeasibilityResponse.Answer.NO,
        reason_no='=HYPERLINK("http://x","Les mer")',
        proposed_investigator="-Dr. Nordmann",
        eligible_patients_per_year=12,
        routed_at=now,
        answered_at=now,
    )
    sheet = load_workbook(io.BytesIO(compiled_xlsx(request=request))).active
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    reason, investigator = cells["Reason (if no)"], cells["Proposed investigator"]
    assert (reason.data_type, reason.value) == ("s", '=HYPERLINK("http://x","Les mer")')
    assert (investigator.data_type, investigator.value) == ("s", "-Dr. Nordmann")
    assert cells["Eligible patients per year"].value == 12


@pytest.mark.parametrize("value", [-5, -2.5, 0, 17])
def test_numbers_stay_numbers_even_when_negative(value):
    from openpyxl import Workbook

    from sites.spreadsheet import csv_value, xlsx_value

    assert csv_value(value) == value
    assert xlsx_value(Workbook().active, value) == value


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_text_that_could_start_a_formula_is_quoted_in_csv(text):
    from sites.spreadsheet import csv_value

    assert csv_value(text) == "'" + text
    assert csv_value("Astma " + text) == "Astma " + text


def test_every_csv_and_xlsx_writer_uses_the_shared_spreadsheet_values():
    """A new export elsewhere must neutralise formulas too: a writer without it fails here."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    writers = []
    for app in ("sites", "trials", "consents", "indicators"):
        for path in (root / app).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            if path.name == "spreadsheet.py" and app == "sites":
                continue  # the shared home of the safe writers
            if "csv.writer(" in source or re.search(r"\bWorkbook\(", source):  # not a model's name
                writers.append(path.relative_to(root).as_posix())
                assert "sites.spreadsheet import" in source, f"{path} writes cells unprotected"
    assert {"trials/admin/exports.py", "indicators/xlsx.py"} <= set(writers)
