"""Sikt's local_project_manager_reports.feature, in our words: a site reports its own number."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.kbs import selectors, services
from indicators.kbs.models import KbsChange, KbsSiteNumber

pytestmark = pytest.mark.django_db


@pytest.fixture
def unn_number(project, trial) -> KbsSiteNumber:
    return KbsSiteNumber.objects.get(project=project, site=trial.unn)


def test_the_local_project_manager_gets_the_kbs_projects_of_their_sites(project, local_manager):
    """Scenario: Requesting KBS Projects (as Local Project Manager)."""
    assert list(selectors.kbs_local_projects_for(user=local_manager)) == [project]
    assert list(selectors.kbs_projects_for(user=local_manager)) == [project]


def test_the_local_project_manager_reports_their_sites_number(unn_number, local_manager):
    """Scenario: Report Local Recruitment Number for given Reporting Period."""
    services.kbs_site_number_report(
        site_number=unn_number, user=local_manager, recruitment_number=1
    )
    unn_number.refresh_from_db()
    assert (unn_number.recruitment_number, unn_number.reported_by) == (1, local_manager)


@pytest.mark.parametrize(("value", "accepted"), [(4, True), (0, True), (-2, False)])
def test_the_local_number_is_zero_or_a_positive_whole_number(
    unn_number, local_manager, value, accepted
):
    """Scenario Outline: Only zero or a positive integer allowed input for Local Recruitment
    Number."""
    call = {"site_number": unn_number, "user": local_manager, "recruitment_number": value}
    if accepted:
        services.kbs_site_number_report(**call, reason="Rettet lokalt.")
        unn_number.refresh_from_db()
        assert unn_number.recruitment_number == value
    else:
        with pytest.raises(ValidationError) as refused:
            services.kbs_site_number_report(**call, reason="Rettet lokalt.")
        assert "recruitment_number" in refused.value.message_dict


def test_a_corrected_local_number_updates_and_is_logged(unn_number, local_manager):
    """Scenario: Can report Recruitment Number for their local project."""
    services.kbs_site_number_report(
        site_number=unn_number, user=local_manager, recruitment_number=3, reason="To på papir."
    )
    unn_number.refresh_from_db()
    assert unn_number.recruitment_number == 3
    change = KbsChange.objects.get(field=KbsChange.Field.SITE_NUMBER)
    assert (change.registered, change.new, change.changed_by) == ("1", "3", local_manager)


def test_the_local_project_manager_cannot_report_another_sites_number(
    project, trial, local_manager
):
    """Scenario: Cannot report Recruitment Number for another local project."""
    bergen = KbsSiteNumber.objects.get(project=project, site=trial.bergen)
    with pytest.raises(PermissionDenied):
        services.kbs_site_number_report(
            site_number=bergen, user=local_manager, recruitment_number=9, reason="x"
        )


def test_the_local_project_manager_cannot_report_other_kbs_metadata(project, local_manager):
    """Scenario: Cannot report KBS Metadata other than their Local Recruitment Number."""
    with pytest.raises(PermissionDenied):
        services.kbs_project_report(
            project=project,
            user=local_manager,
            recruitment_number=10,
            first_recruitment_on=None,
            last_recruitment_on=None,
            reason="x",
        )
