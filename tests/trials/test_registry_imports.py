"""Registry imports through one service: every format, dates by meaning, lifecycle, identity
across registries and site matching (issue 17), with the real files in ../shared/data/."""

import copy
import json
from pathlib import Path

import pytest
from django.utils import translation

from indicators.kbs.selectors import kbs_health_project_type
from trials.models import (
    Decision,
    IdentityReview,
    OrganisationAlias,
    RegistryRecord,
    SiteMatch,
    StatusProposal,
    Study,
)
from trials.services.ctgov import ctgov_import, ctgov_read
from trials.services.imports import import_paths
from trials.services.imports.identity import sponsor_words
from trials.services.imports.records import SiteRef
from trials.services.imports.report import ImportReport
from trials.services.imports.reviews import (
    identityreview_decide,
    sitematch_confirm,
    statusproposal_decide,
)
from trials.services.imports.sitematch import OrganisationMatcher
from trials.services.imports.unassigned import UNASSIGNED_NAME

SHARED = Path("/work/shared/data")
DATA = SHARED / "clinical_trials"
CTIS_CSV = DATA / "ctis" / "brunoamaral_mswarriors__CTIS_trials_20250924.csv"
CSV_NORWAY = DATA / "ctgov_csv_export" / "drstrupf__clinicaltrials_allMS_trials_NORWAY_sites.csv"
NORWAY_V2 = DATA / "norway_subset" / "ctgov_v2_studies_with_norway_sites.json"
NORWAY_V1 = DATA / "norway_subset" / "ctgov_v1_legacy_studies_with_norway_sites.json"
HELSENORGE = DATA / "helsenorge" / "helsenorge_kliniske_studier_FNSP.json"
AACT_NORWAY = (
    SHARED
    / "nordic_trial_reporting"
    / "aact_ctgov_extract"
    / "clintrialsnord_CTgov_full-2023-11-09_NORWAY_lead.csv"
)
AACT_SAMPLE = AACT_NORWAY.parent / "clintrialsnord_CTgov_sample-2023-11-09.csv"
AACT_CROSSREG = AACT_NORWAY.parent / "nordic_all-randomorder-2023-11-09.csv"
RAW_PARSER_TEXT = ("Expecting value", "Unexpected UTF-8 BOM", "KeyError", "Traceback", "line 1 col")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not DATA.exists(), reason="shared reference data not present"),
]


def _no_raw_errors(report) -> None:
    for _where, why in report.errors:
        assert not any(raw in why for raw in RAW_PARSER_TEXT), why


# --- formats that could not be imported at all -----------------------------------------------


def test_classic_xml_imports_the_two_norwegian_studies(reference_data):
    files = [
        DATA / "ctgov_classic_xml" / "aact_spec" / "NCT02481830.xml",
        DATA / "ctgov_classic_xml" / "trec2022_sample" / "NCT00056407.xml",
    ]
    report = import_paths(paths=files)
    assert report.created == 2 and not report.errors
    nivolumab = Study.objects.get(nct_id="NCT02481830")
    assert nivolumab.eudract_number == "2015-001097-18"
    assert nivolumab.actual_enrolment == 803 and nivolumab.target_enrolment is None


def test_legacy_v1_json_imports_instead_of_a_raw_key_error(reference_data):
    report = import_paths(paths=[NORWAY_V1])
    assert report.created == 2 and not report.errors
    bergen = Study.objects.get(nct_id="NCT04706390")
    assert bergen.responsible_organisation.name == "Universitetet i Bergen"
    # "University of Bergen" written as a site means the university hospital.
    assert [s.organisation.name for s in bergen.sites.all()] == ["Helse Bergen HF"]
    assert bergen.target_enrolment == 2500  # "Anticipated" enrolment is a target


def test_the_website_csv_export_imports_the_norwegian_studies(reference_data):
    report = import_paths(paths=[CSV_NORWAY])
    assert not report.errors
    # Every trial with a Norwegian site is a study, also when no site string can be read
    # ("Many Locations", a sponsor's office): those wait for a coordinator to assign them.
    assert report.created == 69 and not report.skipped
    assert report.sites_review > 0  # "Research Site, ‹city›" offered, not dropped
    waiting = dict(report.awaiting_assignment)
    assert waiting["NCT00544037"] == "Bayer"  # its only Norwegian site: "Many Locations"
    study = Study.objects.get(nct_id="NCT00544037")
    assert study.responsible_organisation.name == UNASSIGNED_NAME
    assert study.site_matches.filter(outcome=SiteMatch.Outcome.REVIEW).count() == 1


def test_ctis_csv_imports_the_norwegian_trials_and_leaves_the_rest(reference_data):
    report = import_paths(paths=[CTIS_CSV])
    assert not report.errors
    studies = Study.objects.exclude(eu_ct_number="")
    assert {s.responsible_organisation.name for s in studies} == {
        "Helse Bergen HF",
        "Oslo universitetssykehus HF",
        UNASSIGNED_NAME,
    }
    assert studies.count() == 8
    skipped = dict(report.skipped)
    assert skipped["2024-513193-22-00"] == "studien har ikke studiesteder i Norge"


FOREIGN_CTIS = {
    "2023-506543-41-00": "F. Hoffmann-La Roche AG",
    "2023-507906-15-00": "Novartis Pharma AG",
    "2024-514495-41-00": "Genzyme Corp.",
}


def test_ctis_trials_in_norway_with_a_foreign_sponsor_wait_for_a_coordinator(
    reference_data, coordinator_vest
):
    """CTIS names Norway but no Norwegian site for the three industry trials: they become
    studies (never skipped) with the sponsor recorded, counted in the report, and each waits in
    the site review with the health trusts to choose from."""
    report = import_paths(paths=[CTIS_CSV])
    assert dict(report.awaiting_assignment) == FOREIGN_CTIS
    assert not any(ident in FOREIGN_CTIS for ident, _why in report.skipped)
    assert "3 venter på ansvarlig organisasjon" in report.summary()
    roche = Study.objects.get(eu_ct_number="2023-506543-41-00")
    assert roche.sponsor.name == "F. Hoffmann-La Roche AG"
    assert roche.sponsor.kind == "industry" and roche.sponsor_type == Study.SponsorType.INDUSTRY
    match = SiteMatch.objects.get(study=roche)
    assert match.outcome == SiteMatch.Outcome.REVIEW
    bergen = match.candidates.get(name="Helse Bergen HF")
    sitematch_confirm(match=match, organisation=bergen, user=coordinator_vest)
    roche.refresh_from_db()
    assert roche.responsible_organisation == bergen
    assert list(roche.sites.values_list("organisation__name", flat=True)) == ["Helse Bergen HF"]
    assert not OrganisationAlias.objects.exists()  # "Norway, no site" is no name to remember
    again = import_paths(paths=[CTIS_CSV])
    assert again.created == again.updated == 0 and not again.awaiting_assignment
    roche.refresh_from_db()
    assert roche.responsible_organisation == bergen


def _ctis_json_in_norway() -> dict:
    record = json.loads((DATA / "ctrdata_demo" / "ctis" / "2023-505613-24-00.json").read_text())
    part = record["authorizedApplication"]["authorizedPartsII"][0]
    part["mscInfo"] = {"mscName": "Norway", "countryName": "Norway"}
    part["trialSites"] = part["trialSites"][:2]
    for site, (name, city) in zip(
        part["trialSites"],
        [("Haukeland University Hospital", "Bergen"), ("Research Site", "Tromsø")],
        strict=True,
    ):
        site["organisationAddressInfo"]["organisation"]["name"] = name
        site["organisationAddressInfo"]["address"]["city"] = city
    record["trialCountries"] = ["Poland:4", "Norway:2"]
    return record


def test_a_ctis_json_trial_in_norway_is_led_from_its_norwegian_sites(reference_data, tmp_path):
    path = tmp_path / "ctis.json"
    path.write_text(json.dumps(_ctis_json_in_norway()), encoding="utf-8")
    report = import_paths(paths=[path])
    assert report.created == 1 and not report.awaiting_assignment
    study = Study.objects.get(eu_ct_number="2023-505613-24-00")
    assert study.sponsor.name == "Merck Sharp & Dohme LLC"
    assert study.responsible_organisation.name == "Helse Bergen HF"
    assert (report.sites_matched, report.sites_review) == (1, 1)  # Tromsø: a generic site
    assert import_paths(paths=[path]).unchanged == 1


def test_ctis_trials_are_clinical_treatment_studies_and_stay_so(reference_data, tmp_path):
    """Every CTIS trial tests a medicinal product: a clinical treatment study (a drug study in
    the KBS report), not "other interventional"; importing again changes nothing."""
    path = tmp_path / "ctis.json"
    path.write_text(json.dumps(_ctis_json_in_norway()), encoding="utf-8")
    import_paths(paths=[CTIS_CSV, path])
    studies = Study.objects.exclude(eu_ct_number="")
    assert studies.count() == 9
    assert {s.get_category_display() for s in studies} == {"Klinisk behandlingsstudie"}
    assert {kbs_health_project_type(s) for s in studies} == {"Legemiddelstudie"}
    history = Study.history.count()
    again = import_paths(paths=[CTIS_CSV, path])
    assert again.created == again.updated == 0 and again.unchanged == 9
    assert Study.history.count() == history


def test_helsenorge_listings_import_as_studies_with_their_health_trusts(reference_data):
    report = import_paths(paths=[HELSENORGE])
    assert report.created == 47 and not report.errors and report.sites_unmatched == 0
    omega = RegistryRecord.objects.get(registry="helsenorge", registry_id="95862").study
    assert omega.lay_title_nb.startswith("ADHD og OMEGA-3")
    assert omega.responsible_organisation.name == "Universitetssykehuset Nord-Norge HF"
    assert omega.status == Study.Status.OPEN
    # The sites are the listing's participating trusts; the responsible one is not listed there.
    assert {s.organisation.name for s in omega.sites.all()} == {
        "Nordlandssykehuset HF",
        "Finnmarkssykehuset HF",
    }


@pytest.mark.parametrize(
    ("listing", "category"),
    [
        ("88138", Study.Category.KBS),  # ibrutinib against standard chemotherapy
        ("88135", Study.Category.KBS),  # embolisation "kan behandles": a treatment tried out
        ("88303", Study.Category.OBSERVATIONAL),  # interviews
        ("88301", Study.Category.OBSERVATIONAL),  # follow-up questionnaires
        ("88321", Study.Category.IMPLEMENTATION),  # improving pain treatment after surgery
        ("88313", Study.Category.OTHER_INTERVENTIONAL),  # a new surgical instrument
        ("234071", Study.Category.OTHER_INTERVENTIONAL),  # "test": nothing said
    ],
)
def test_helsenorge_listings_get_the_study_category_their_text_describes(
    reference_data, listing, category
):
    import_paths(paths=[HELSENORGE])
    study = RegistryRecord.objects.get(registry="helsenorge", registry_id=listing).study
    assert study.category == category


def test_the_aact_extract_imports_the_norwegian_led_trials(reference_data):
    report = import_paths(paths=[AACT_NORWAY])
    assert not report.errors
    assert report.created >= 330
    study = Study.objects.get(nct_id="NCT02541890")
    assert study.responsible_organisation.name.startswith("Norges teknisk")
    assert study.actual_enrolment == 175 and study.target_enrolment is None
    assert str(study.actual_recruitment_end_on) == "2017-07-31"
    # Two registrations (a trial and its follow-up) share one EudraCT number: a person decides.
    review = IdentityReview.objects.get(kind=IdentityReview.Kind.IDENTIFIER_CONFLICT)
    assert {review.registry_id, review.study.nct_id} == {"NCT02903251", "NCT03339024"}


JOINED_TRIALS = ["NCT02323412", "NCT03209830", "NCT03314792", "NCT01849926", "NCT02282540"]


def _aact_tables(folder: Path) -> Path:
    """The extract's three kinds of table, cut down to five Norwegian-led trials (and one
    cross-registration row of a trial the studies table does not hold)."""
    import csv

    folder.mkdir()
    kept = {*JOINED_TRIALS, "NCT02410213"}
    for name in (AACT_NORWAY.name, AACT_SAMPLE.name, AACT_CROSSREG.name):
        with (AACT_NORWAY.parent / name).open(encoding="utf-8") as source:
            reader = csv.DictReader(source)
            with (folder / name).open("w", encoding="utf-8", newline="") as target:
                writer = csv.DictWriter(target, fieldnames=reader.fieldnames or [])
                writer.writeheader()
                writer.writerows(row for row in reader if row["nct_id"] in kept)
    return folder


def test_the_aact_tables_are_joined_into_one_trial_each(reference_data, tmp_path):
    folder = _aact_tables(tmp_path / "aact")
    report = import_paths(paths=[folder])
    assert report.created == 5 and not report.errors and not report.skipped
    labels = {name: label for name, label, _count in report.files}
    assert "slått sammen med" in labels[AACT_CROSSREG.name]
    assert "slått sammen med" in labels[AACT_SAMPLE.name]
    modic = Study.objects.get(nct_id="NCT02323412")
    # The EudraCT number and protocol code are only in the cross-registration table.
    assert modic.eudract_number == "2013-004505-14" and modic.sponsor_protocol_code == "Modic02"
    for study in Study.objects.all():
        assert study.sites.exists() and study.sponsor is not None, study.nct_id
        assert study.registry_start_on and study.actual_recruitment_end_on, study.nct_id
    history = Study.history.count()
    again = import_paths(paths=[folder])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert Study.history.count() == history


def test_broken_files_get_a_norwegian_message_not_parser_text(reference_data, tmp_path):
    (tmp_path / "empty.json").write_text("", encoding="utf-8")
    (tmp_path / "html.json").write_text("<html>oops</html>", encoding="utf-8")
    (tmp_path / "half.json").write_text('{"studies": [', encoding="utf-8")
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + NORWAY_V2.read_bytes())
    (tmp_path / "v1.json").write_text(json.dumps({"Study": {}}), encoding="utf-8")
    report = import_paths(paths=[tmp_path])
    _no_raw_errors(report)
    errors = dict(report.errors)
    assert errors["empty.json"] == "Filen er tom."
    assert errors["half.json"].startswith("Filen er ikke gyldig JSON (feil på linje 1")
    assert "protocolSection" in errors["v1.json, post 1"]
    assert report.created == 5  # the file with a byte-order mark is read as any other


# --- dates, numbers and the lifecycle ---------------------------------------------------------


def _st_olav_record():
    return copy.deepcopy(
        next(r for r in ctgov_read(NORWAY_V2) if "NCT06113666" in json.dumps(r)[:400])
    )


def test_the_global_start_is_not_the_norwegian_opening_or_first_patient(reference_data):
    ctgov_import(records=ctgov_read(NORWAY_V2))
    multinational = Study.objects.get(nct_id="NCT05816382")
    assert multinational.registry_start_on is not None
    assert multinational.opened_on is None and multinational.first_patient_in_on is None


def test_a_planned_recruitment_end_is_kept_when_the_actual_one_arrives(reference_data):
    record = _st_olav_record()
    status = record["protocolSection"]["statusModule"]
    status["primaryCompletionDateStruct"] = {"date": "2030-06-30", "type": "ESTIMATED"}
    ctgov_import(records=[record])
    status["primaryCompletionDateStruct"] = {"date": "2030-09-30", "type": "ACTUAL"}
    status["lastUpdatePostDateStruct"] = {"date": "2031-01-15", "type": "ACTUAL"}
    ctgov_import(records=[record])
    study = Study.objects.get(nct_id="NCT06113666")
    assert str(study.planned_recruitment_end_on) == "2030-06-30"
    assert str(study.actual_recruitment_end_on) == "2030-09-30"


def test_an_actual_enrolment_is_not_taken_as_the_target(reference_data):
    record = _st_olav_record()
    design = record["protocolSection"]["designModule"]
    design["enrollmentInfo"] = {"count": 120, "type": "ESTIMATED"}
    ctgov_import(records=[record])
    design["enrollmentInfo"] = {"count": 97, "type": "ACTUAL"}
    record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2031-01-15"
    ctgov_import(records=[record])
    study = Study.objects.get(nct_id="NCT06113666")
    assert (study.target_enrolment, study.actual_enrolment) == (120, 97)


def test_a_newer_record_does_not_reopen_a_completed_study_a_coordinator_decides(
    reference_data, coordinator_vest
):
    record = _st_olav_record()
    status = record["protocolSection"]["statusModule"]
    status["overallStatus"] = "COMPLETED"
    status["completionDateStruct"] = {"date": "2029-12-01", "type": "ACTUAL"}
    ctgov_import(records=[record])
    status["overallStatus"] = "RECRUITING"
    status["completionDateStruct"] = {"date": "2032-12-01", "type": "ESTIMATED"}
    status["lastUpdatePostDateStruct"] = {"date": "2031-01-15", "type": "ACTUAL"}
    report = ctgov_import(records=[record])
    study = Study.objects.get(nct_id="NCT06113666")
    assert study.status == Study.Status.COMPLETED
    assert report.status_proposals
    proposal = StatusProposal.objects.get(study=study, decision=Decision.OPEN)
    assert proposal.to_status == Study.Status.OPEN
    statusproposal_decide(proposal=proposal, accept=True, user=coordinator_vest)
    study.refresh_from_db()
    assert study.status == Study.Status.OPEN and study.completed_on is None
    assert study.history.latest().history_change_reason.startswith("Statusendring fra")


# --- one identity per study --------------------------------------------------------------------


def test_ctis_and_clinicaltrials_gov_records_of_one_trial_become_one_study(reference_data):
    import_paths(paths=[CSV_NORWAY])
    report = import_paths(paths=[CTIS_CSV])
    overlord = Study.objects.get(nct_id="NCT04578639")
    assert overlord.eu_ct_number == "2024-510716-71-00"
    msc = Study.objects.get(nct_id="NCT04749667")
    assert msc.eu_ct_number == "2023-510228-63-00"
    assert set(msc.registry_records.values_list("registry", flat=True)) == {"ctgov", "ctis"}
    # RAM-MS: same sponsor, a differently worded title: a person decides, nothing is merged.
    review = IdentityReview.objects.get(registry_id="2024-510630-40-00")
    assert review.study.nct_id == "NCT03477500" and review.decision == Decision.OPEN
    assert not Study.objects.filter(eu_ct_number="2024-510630-40-00").exists()
    assert "2024-510630-40-00" in dict(report.identity_reviews)


def test_a_foreign_sponsors_ctis_trial_is_held_beside_its_clinicaltrials_gov_study(
    reference_data, coordinator_vest
):
    """No Norwegian organisation to compare within: the sponsor's studies with a similar title
    are offered to a person; the trial is neither merged silently nor duplicated."""
    import_paths(paths=[CSV_NORWAY])
    report = import_paths(paths=[CTIS_CSV])
    held = dict(report.identity_reviews)
    assert held["2023-507906-15-00"].startswith("trolig samme studie")  # Novartis, ofatumumab
    review = IdentityReview.objects.get(registry_id="2023-507906-15-00")
    assert review.study.nct_id == "NCT03650114"
    assert review.kind == IdentityReview.Kind.POSSIBLE_SAME
    assert not Study.objects.filter(eu_ct_number="2023-507906-15-00").exists()
    assert IdentityReview.objects.get(registry_id="2023-506543-41-00").study.nct_id == (
        "NCT03599245"  # Roche's extension study of its P-trials
    )
    identityreview_decide(review=review, same_study=True, user=coordinator_vest)
    import_paths(paths=[CTIS_CSV])
    ofatumumab = Study.objects.get(nct_id="NCT03650114")
    assert ofatumumab.eu_ct_number == "2023-507906-15-00"
    assert ofatumumab.responsible_organisation.name != UNASSIGNED_NAME


def test_a_subsidiarys_ctis_trial_is_held_beside_its_groups_clinicaltrials_gov_study(
    reference_data,
):
    """CTIS names Genzyme, ClinicalTrials.gov Sanofi (Genzyme is a Sanofi company): the trial is
    offered beside Sanofi's study of the same product and disease (PERSEUS), not beside another
    Sanofi MS study with more words in common, and not created a second time."""
    import_paths(paths=[CSV_NORWAY])
    report = import_paths(paths=[CTIS_CSV])
    assert dict(report.identity_reviews)["2024-514495-41-00"].startswith("trolig samme studie")
    assert "2024-514495-41-00" not in dict(report.awaiting_assignment)
    review = IdentityReview.objects.get(registry_id="2024-514495-41-00")
    assert review.study.nct_id == "NCT04458051" and review.decision == Decision.OPEN
    assert review.study.sponsor.name == "Sanofi" and review.record_sponsor == "Genzyme Corp."
    assert "SAR442168" in review.detail
    assert not Study.objects.filter(eu_ct_number="2024-514495-41-00").exists()


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("Genzyme Corp.", "Sanofi", True),
        ("Janssen Research & Development, LLC", "Johnson & Johnson", True),
        ("MSD", "Merck Sharp & Dohme LLC", True),
        ("F. Hoffmann-La Roche AG", "Hoffmann-La Roche", True),
        ("EMD Serono", "Merck KGaA, Darmstadt, Germany", True),
        ("Novartis Pharma AG", "Novartis Pharmaceuticals", True),  # one name, no group needed
        ("Merck KGaA, Darmstadt, Germany", "Merck Sharp & Dohme LLC", False),
        ("Genzyme Corp.", "Novartis Pharma AG", False),
    ],
)
def test_sponsors_of_one_company_group_are_one_sponsor(one, other, same):
    assert bool(sponsor_words(one) & sponsor_words(other)) is same


def test_linking_a_reviewed_record_adds_its_identifier_and_sticks(reference_data, coordinator_vest):
    import_paths(paths=[CSV_NORWAY])
    import_paths(paths=[CTIS_CSV])
    review = IdentityReview.objects.get(registry_id="2024-510630-40-00")
    identityreview_decide(review=review, same_study=True, user=coordinator_vest)
    ram = Study.objects.get(nct_id="NCT03477500")
    assert ram.eu_ct_number == "2024-510630-40-00"
    report = import_paths(paths=[CTIS_CSV])
    assert report.created == 0 and "2024-510630-40-00" not in dict(report.identity_reviews)


def test_two_studies_claiming_one_records_identifiers_go_to_review(reference_data):
    ctgov_import(records=ctgov_read(NORWAY_V2))
    takeda = Study.objects.get(nct_id="NCT05816382")
    record = _st_olav_record()
    ident = record["protocolSection"]["identificationModule"]
    ident["secondaryIdInfos"] = [{"id": takeda.eudract_number, "type": "EUDRACT_NUMBER"}]
    record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2031-01-15"
    RegistryRecord.objects.filter(registry_id="NCT06113666").delete()
    report = ctgov_import(records=[record])
    assert report.identity_reviews
    review = IdentityReview.objects.get(kind=IdentityReview.Kind.IDENTIFIER_CONFLICT)
    assert {review.study.nct_id, review.other_study.nct_id} == {"NCT06113666", "NCT05816382"}


# --- site matching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facility", "expected"),
    [
        ("Ullevåls sjukhus", "Oslo universitetssykehus HF"),
        ("Norwegian Radium Hospital", "Oslo universitetssykehus HF"),
        ("Finnmark Hospital Trust", "Finnmarkssykehuset HF"),
        ("Helgeland Hospital", "Helgelandssykehuset HF"),
        ("Vestfold Hospital Trust", "Sykehuset i Vestfold HF"),
        ("Telemark Hospital Trust", "Sykehuset Telemark HF"),
        ("Hospital of Southern Norway", "Sørlandet sykehus HF"),
        ("Bodø Municipality", "Bodø kommune"),
        ("Bergen kommune", "Bergen kommune"),
        ("University of Oslo", "Oslo universitetssykehus HF"),
    ],
)
def test_named_norwegian_sites_are_matched(reference_data, facility, expected):
    reading = OrganisationMatcher().read_site(SiteRef(facility=facility, city=""))
    assert reading.organisation is not None and reading.organisation.name == expected
    assert reading.outcome == SiteMatch.Outcome.MATCHED


def test_a_generic_site_offers_the_organisations_in_its_city(reference_data):
    reading = OrganisationMatcher().read_site(SiteRef(facility="Research Site", city="Bodø"))
    assert reading.outcome == SiteMatch.Outcome.REVIEW
    assert "Nordlandssykehuset HF" in [o.name for o in reading.candidates]


def test_a_corrected_site_is_remembered_for_the_next_import(reference_data, coordinator_vest):
    ctgov_import(records=ctgov_read(NORWAY_V2))
    match = SiteMatch.objects.get(registry_text="Research Site, Arendal")
    sørlandet = match.candidates.get()
    sitematch_confirm(match=match, organisation=sørlandet, user=coordinator_vest)
    assert match.study.sites.filter(organisation=sørlandet).exists()
    assert OrganisationAlias.objects.filter(organisation=sørlandet).exists()
    reading = OrganisationMatcher().read_site(SiteRef(facility="Research Site", city="Arendal"))
    assert reading.organisation == sørlandet and reading.method == SiteMatch.Method.CORRECTION


# --- every file, twice ---------------------------------------------------------------------------


def test_every_file_imports_with_a_report_and_twice_changes_nothing(reference_data):
    first = import_paths(paths=[DATA])
    _no_raw_errors(first)
    assert first.created > 100 and not first.errors
    # Files that hold no registry records are named in the report, not taken for errors.
    skipped_files = dict(first.files_skipped)
    assert "ctrdata_demo/LICENSE.md" in skipped_files
    assert "aact_spec/covid_search.xml" in " ".join(skipped_files)
    # A trial in Norway is never skipped for want of a Norwegian organisation: it waits for one.
    waiting = dict(first.awaiting_assignment)
    assert waiting["NCT00544037"] == "Bayer"
    # Genzyme's CTIS trial waits beside Sanofi's ClinicalTrials.gov study instead.
    assert "2024-514495-41-00" in dict(first.identity_reviews)
    history = Study.history.count()
    second = import_paths(paths=[DATA])
    _no_raw_errors(second)
    assert second.created == second.updated == 0
    assert Study.history.count() == history


@pytest.mark.parametrize(
    "typed", ["EudraCT number: 2022-002965-13", "nct 05816382", "NCT05816382", "2022-002965-13-NO"]
)
def test_identifiers_are_searchable_in_the_study_list_however_they_are_typed(
    reference_data, client, typed
):
    from django.contrib.auth import get_user_model

    ctgov_import(records=ctgov_read(NORWAY_V2))
    admin = get_user_model().objects.create_superuser(username="admin", password="x-123456789")
    client.force_login(admin)
    response = client.get("/admin/trials/study/", {"q": typed})
    takeda = Study.objects.get(nct_id="NCT05816382")
    st_olav = Study.objects.get(nct_id="NCT06113666")
    assert f"/admin/trials/study/{takeda.pk}/change/" in response.text
    assert f"/admin/trials/study/{st_olav.pk}/change/" not in response.text


@pytest.mark.parametrize(
    ("language", "created", "expected"),
    [
        ("nb", 1, "1 ny, 0 oppdatert"),
        ("nb", 2, "2 nye, 0 oppdatert"),
        ("nn", 1, "1 ny, 0 oppdaterte"),
        ("en", 1, "1 new, 0 updated"),
    ],
)
def test_the_import_summary_agrees_with_its_count(language, created, expected):
    with translation.override(language):
        assert ImportReport(created=created).summary().startswith(expected)
