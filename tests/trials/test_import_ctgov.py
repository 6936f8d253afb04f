"""Import from ClinicalTrials.gov, with the real files in ../shared/data/clinical_trials/."""

import copy
import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from trials.models import Study
from trials.services.ctgov import OrganisationMatcher, ctgov_import, ctgov_read

DATA = Path(__file__).resolve().parents[2].parent.parent / "shared" / "data" / "clinical_trials"
if not DATA.exists():
    DATA = Path("/work/shared/data/clinical_trials")
NORWAY = DATA / "norway_subset" / "ctgov_v2_studies_with_norway_sites.json"
SITE_STRINGS = DATA / "ctgov_csv_export" / "drstrupf__MS_trials_norwegian_site_strings.csv"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not NORWAY.exists(), reason="shared reference data not present"),
]


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("Haukeland Universitetssykehus", "Helse Bergen HF"),
        ("Helse Bergen HF Haukeland universitetssjukehus", "Helse Bergen HF"),
        ("Haukeland University Hospital", "Helse Bergen HF"),
        ("St.Olav university hospital", "St. Olavs hospital HF"),
        ("St. Olav's University Hospital", "St. Olavs hospital HF"),
        ("University hospital of North Norway", "Universitetssykehuset Nord-Norge HF"),
        ("Oslo Universitetssykehus HF - Ullevål", "Oslo universitetssykehus HF"),
        ("Rikshospitalet", "Oslo universitetssykehus HF"),
        ("Akershus University Hospital", "Akershus universitetssykehus HF"),
        ("Stavanger University Hospital HF", "Helse Stavanger HF"),
        ("Vestre Viken HF Drammen Sykehus - former Sykehuset Buskerud", "Vestre Viken HF"),
        ("Molde sjukehus", "Helse Møre og Romsdal HF"),
        ("Nordland Hospital Trust", "Nordlandssykehuset HF"),
        ("Research Site, Drammen", None),
        ("Novartis Investigative Site, Oslo", None),
        ("Bergen, N-5021", None),
    ],
)
def test_norwegian_locations_are_matched_by_normalised_name(reference_data, location, expected):
    org = OrganisationMatcher().match(location)
    assert (org.name if org else None) == expected


def test_most_named_hospitals_in_the_csv_export_are_recognised(reference_data):
    matcher = OrganisationMatcher()
    with SITE_STRINGS.open(encoding="utf-8") as handle:
        named = [
            row["location_string"]
            for row in csv.DictReader(handle)
            if any(w in row["location_string"].lower() for w in ("sykehus", "hospital", "sjukehus"))
        ]
    matched = [s for s in named if matcher.match(s.split(",")[0])]
    assert len(matched) / len(named) > 0.8, set(named) - set(matched)


def test_it_imports_norwegian_studies_with_sites_and_reports_unmatched_locations(reference_data):
    report = ctgov_import(records=ctgov_read(NORWAY))
    assert report.created == 5 and not report.errors
    st_olav = Study.objects.get(nct_id="NCT06113666")
    assert st_olav.status == Study.Status.OPEN
    assert st_olav.responsible_organisation.name == "St. Olavs hospital HF"
    assert [s.organisation.name for s in st_olav.sites.all()] == ["St. Olavs hospital HF"]
    assert st_olav.min_age == 18 and st_olav.sex == Study.Sex.ALL
    takeda = Study.objects.get(nct_id="NCT05816382")
    assert takeda.eudract_number == "2022-002965-13"
    assert takeda.phase == Study.Phase.PHASE_2_3
    assert takeda.sponsor.name == "Takeda" and takeda.sponsor_type == Study.SponsorType.INDUSTRY
    # Generic industry sites are offered for review with the organisations in that place, not
    # dropped and not invented: the study is there, without sites until a coordinator confirms.
    assert ("NCT03798535", "Research Site, Arendal") in report.review_locations
    industry = Study.objects.get(nct_id="NCT03798535")
    assert not industry.sites.exists()
    arendal = industry.site_matches.get(registry_text="Research Site, Arendal")
    assert [o.name for o in arendal.candidates.all()] == ["Sørlandet sykehus HF"]


def test_importing_the_same_file_twice_changes_nothing(reference_data):
    ctgov_import(records=ctgov_read(NORWAY))
    history_before = Study.history.count()
    report = ctgov_import(records=ctgov_read(NORWAY))
    assert report.created == report.updated == 0 and report.unchanged == 5
    assert Study.history.count() == history_before


def test_a_newer_record_updates_and_leaves_history_an_older_one_does_not(reference_data):
    records = ctgov_read(NORWAY)
    ctgov_import(records=records)
    newer = copy.deepcopy(next(r for r in records if "NCT06113666" in json.dumps(r)[:400]))
    status = newer["protocolSection"]["statusModule"]
    status["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    status["lastUpdatePostDateStruct"] = {"date": "2030-01-15", "type": "ACTUAL"}
    report = ctgov_import(records=[newer])
    assert report.updated == 1
    study = Study.objects.get(nct_id="NCT06113666")
    assert study.status == Study.Status.CLOSED
    assert study.history.latest().history_change_reason.startswith("Import fra ClinicalTrials.gov")

    older = copy.deepcopy(newer)
    older["protocolSection"]["statusModule"]["overallStatus"] = "RECRUITING"
    older["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2020-01-01"
    assert ctgov_import(records=[older]).unchanged == 1
    study.refresh_from_db()
    assert study.status == Study.Status.CLOSED


def test_a_malformed_record_is_reported_and_the_rest_imported(reference_data):
    records = ctgov_read(NORWAY)
    broken = copy.deepcopy(records[1])
    nct = broken["protocolSection"]["identificationModule"]["nctId"]
    broken["protocolSection"]["statusModule"]["startDateStruct"] = {"date": "not-a-date"}
    report = ctgov_import(records=[broken, *records[2:]])
    assert [e[0] for e in report.errors] == [nct]
    assert report.created >= 2


def test_the_command_reads_pages_and_arrays_and_prints_a_summary(reference_data, tmp_path):
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": ctgov_read(NORWAY)[:2]}), encoding="utf-8")
    out = io.StringIO()
    call_command("import_ctgov", str(page), str(NORWAY), stdout=out)
    text = out.getvalue()
    assert "nye" in text and "med feil" in text
    assert "Studiested til vurdering i NCT03798535: Research Site, Arendal" in text


def test_the_large_website_downloads_import_without_errors(reference_data):
    files = sorted((DATA / "ctgov_v2_json").glob("*.json"))
    report = ctgov_import(records=[r for f in files for r in ctgov_read(f)])
    assert not report.errors
    assert report.created >= 2  # the few studies with Norwegian sites or sponsors
