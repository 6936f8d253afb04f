"""Results reporting of one trial: dates, days from completion, the overdue flags (on a frozen
date), the link to the portfolio's study and the panel on the study in the admin."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import StudyFactory
from trials.results.models import ResultsReport
from trials.results.selectors import SOURCE_NORDIC, results_overdue_q
from trials.results.services import results_report_save

pytestmark = pytest.mark.django_db

OVER_12 = "Avsluttet for over 12 måneder siden uten resultater i register"
OVER_24 = "Over 24 måneder uten publikasjon"


def _report(registry_id="NCT01234567", **values) -> ResultsReport:
    base = {
        "registry": "ctgov",
        "nct_id": registry_id,
        "lead_institution": "Haukeland university hospital",
        "lead_country": "Norway",
        "has_summary_results": False,
        "has_publication": False,
        "source": SOURCE_NORDIC,
    }
    report, _ = results_report_save(registry_id=registry_id, values={**base, **values})
    return report


def _flagged(on: dt.date, kind: str) -> set[str]:
    return set(
        ResultsReport.objects.filter(results_overdue_q(on=on, kind=kind)).values_list(
            "registry_id", flat=True
        )
    )


def test_the_12_and_24_month_flags_turn_on_the_day_after_the_deadline(frozen_now):
    today = timezone.localdate()
    edge = _report("NCT00000001", completion_date=today - dt.timedelta(days=365))
    past = _report("NCT00000002", completion_date=today - dt.timedelta(days=366))
    old = _report("NCT00000003", completion_date=today - dt.timedelta(days=731))
    assert not edge.summary_overdue(on=today)
    assert past.summary_overdue(on=today) and not past.publication_overdue(on=today)
    assert old.publication_overdue(on=today)
    assert _flagged(today, "summary") == {"NCT00000002", "NCT00000003"}
    assert _flagged(today, "publication") == {"NCT00000003"}


def test_reporting_before_the_date_clears_the_flag_and_later_reporting_does_not(frozen_now):
    today = timezone.localdate()
    completed = today - dt.timedelta(days=1000)
    on_time = _report(
        "NCT00000004",
        completion_date=completed,
        has_summary_results=True,
        summary_results_date=completed + dt.timedelta(days=200),
        has_publication=True,
        publication_date=completed + dt.timedelta(days=900),
        publication_doi="10.1000/xyz",
    )
    assert (on_time.days_to_summary, on_time.days_to_publication) == (200, 900)
    assert not on_time.summary_overdue(on=today) and not on_time.publication_overdue(on=today)
    # Seen from before the publication, the same trial was overdue for it.
    before = completed + dt.timedelta(days=850)
    assert on_time.publication_overdue(on=before)
    assert _flagged(before, "publication") == {"NCT00000004"}
    assert _flagged(today, "publication") == set()


def test_a_report_links_to_the_study_with_the_same_identifier(reference_data):
    study = StudyFactory(eudract_number="2015-001234-12")
    report = _report("2015-001234-12", registry="euctr", nct_id="", eudract_number="2015-001234-12")
    assert report.study == study
    unmatched = _report("NCT09999999")
    assert unmatched.study is None


def test_a_malformed_identifier_is_refused_in_norwegian():
    with pytest.raises(ValidationError) as caught:
        _report("NCT123", nct_id="NCT123")
    assert "nct_id" in caught.value.message_dict


def test_the_study_page_in_the_admin_shows_reporting_and_flags(client, frozen_now, reference_data):
    from django.contrib.auth import get_user_model

    study = StudyFactory(nct_id="NCT01446328")
    today = timezone.localdate()
    _report(
        "NCT01446328",
        completion_date=today - dt.timedelta(days=900),
        has_summary_results=True,
        summary_results_date=today - dt.timedelta(days=700),
    )
    admin_user = get_user_model().objects.create_superuser("admin", "a@example.no", "x")
    client.force_login(admin_user)
    page = client.get(reverse("admin:trials_study_change", args=[study.pk])).text
    assert "Resultatrapportering" in page and "NCT01446328" in page
    assert OVER_24 in page and OVER_12 not in page
    overdue = client.get(
        reverse("admin:results_resultsreport_changelist") + "?forsinket=publication"
    ).text
    assert "NCT01446328" in overdue


def test_the_league_table_page_in_the_admin(client, coordinator_vest):
    _report("NCT00000005", completion_date=dt.date(2018, 1, 1))
    client.force_login(coordinator_vest)
    page = client.get(reverse("admin:results_league") + "?land=Norway")
    assert page.status_code == 200
    assert "Haukeland university hospital" in page.text
    assert "Wilson" in page.text


def test_a_source_row_with_several_ids_and_typographic_hyphens_loads_and_links(reference_data):
    from trials.results.services import nordic_row_values

    study = StudyFactory(nct_id="NCT02332603")
    row = {
        "registry": "euctr", "nct_id": "NCT02332616;NCT02332603", "eudract_id": "2013\u2010004460\u201066",
        "trial_title": "T", "lead_institution": "University of Oslo", "lead_country": "Norway",
        "completion_date": "2018-05-01", "has_summary_results": "No", "summary_results_date": "NA",
        "has_publication": "Yes", "publication_date": "2019-01-02", "publication_doi": "NA",
        "publication_pmid": "123", "publication_url": "doi.org/10.1000/x",
    }  # fmt: skip
    report, outcome = results_report_save(
        registry_id="2013-004460-66", values=nordic_row_values(row)
    )
    assert outcome == "created" and report.study == study
    assert (report.nct_id, report.eudract_number) == ("NCT02332616", "2013-004460-66")
    assert report.other_identifiers == ["NCT02332603"]
    assert report.publication_url == "https://doi.org/10.1000/x"


def test_a_date_without_the_fact_it_dates_is_refused():
    with pytest.raises(ValidationError) as caught:
        _report("NCT00000009", publication_date=dt.date(2020, 1, 1))
    assert "publication_date" in caught.value.message_dict


def test_the_league_table_page_is_closed_to_staff_without_a_role(client, reference_data):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("uten-rolle", is_staff=True))
    assert client.get(reverse("admin:results_league")).status_code == 403
