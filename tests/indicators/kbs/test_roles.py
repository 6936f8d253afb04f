"""Sikt's multi_role_user, non_project_user and project_participants features, in our words."""

import pytest
from django.core.exceptions import PermissionDenied

from indicators.kbs import selectors, services
from indicators.kbs.models import KbsProject, KbsSiteNumber
from sites.models import UserScope
from tests.factories import hf

from .conftest import YEAR, kbs_study, make_user

pytestmark = pytest.mark.django_db
REPORTABLE = KbsProject.Decision.REPORTABLE


def test_someone_with_several_roles_sees_every_kbs_project_they_have_a_role_in(
    frozen_now, reference_data, period, kbs_admin
):
    """Scenario: Can see all KBS Projects where they have a role — research support at St. Olavs
    is project manager of one study and local project manager of a second, and has no role in a
    third led from UNN with no site at St. Olavs. (In the portfolio a user has one scope, so the
    "participant" role is an observer's: covered by the participant tests below.)"""
    staff = make_user("stolav", UserScope.Role.ORGANISATION_STAFF, organisation=hf("Olavs"))
    managed = kbs_study(responsible_organisation=hf("Olavs"))
    local = kbs_study()  # led by Bergen
    from tests.factories import StudySiteFactory

    StudySiteFactory(study=local.study, organisation=hf("Olavs"))
    elsewhere = kbs_study(responsible_organisation=hf("Nord-Norge"))
    for made in (managed, local, elsewhere):
        services.kbs_mark(study=made.study, year=YEAR, decision=REPORTABLE, user=kbs_admin)
    found = {p.study for p in selectors.kbs_projects_for(user=staff, year=YEAR)}
    assert found == {managed.study, local.study}
    assert {p.study for p in selectors.kbs_local_projects_for(user=staff)} == {local.study}


def test_someone_without_project_roles_gets_no_kbs_projects(project, outsider, nortrials):
    """Scenario: Requesting KBS Projects (a user without any Project roles)."""
    for user in (outsider, nortrials):
        assert not selectors.kbs_projects_for(user=user).exists()


def test_someone_without_project_roles_cannot_edit_kbs_metadata(
    project, trial, outsider, nortrials
):
    """Scenario: Should not be able to edit any KBS Metadata."""
    unn = KbsSiteNumber.objects.get(project=project, site=trial.unn)
    for user in (outsider, nortrials):
        with pytest.raises(PermissionDenied):
            services.kbs_project_report(
                project=project,
                user=user,
                recruitment_number=1,
                first_recruitment_on=None,
                last_recruitment_on=None,
                reason="x",
            )
        with pytest.raises(PermissionDenied):
            services.kbs_site_number_report(
                site_number=unn, user=user, recruitment_number=1, reason="x"
            )
        with pytest.raises(PermissionDenied):
            services.kbs_decision_undo(project=project, user=user)


def test_a_project_participant_sees_the_kbs_projects(project, participant_user):
    """Scenario: Requesting KBS Projects (a Project Participant)."""
    assert list(selectors.kbs_projects_for(user=participant_user)) == [project]


def test_a_project_participant_cannot_report(project, trial, participant_user):
    """Scenario: Is not able to edit KBS Metadata (a Project Participant)."""
    unn = KbsSiteNumber.objects.get(project=project, site=trial.unn)
    with pytest.raises(PermissionDenied):
        services.kbs_project_report(
            project=project,
            user=participant_user,
            recruitment_number=1,
            first_recruitment_on=None,
            last_recruitment_on=None,
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        services.kbs_site_number_report(
            site_number=unn, user=participant_user, recruitment_number=1, reason="x"
        )
