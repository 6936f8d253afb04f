"""The one selector that decides who sees which studies, sites and organisations."""

import pytest
from django.contrib.auth import get_user_model

from sites.models import UserScope
from sites.roles import user_scope_assign
from sites.selectors import organisation_visible_to
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials.selectors import study_visible_to, studysite_visible_to

pytestmark = pytest.mark.django_db


def test_a_coordinator_sees_studies_with_a_site_or_responsibility_in_the_region(
    coordinator_vest, coordinator_nord
):
    vest_only = StudySiteFactory().study
    shared = StudySiteFactory().study
    StudySiteFactory(study=shared, organisation=hf("Nord-Norge"))
    nord = StudyFactory(responsible_organisation=hf("Nord-Norge"))
    assert set(study_visible_to(user=coordinator_nord)) == {shared, nord}
    assert set(study_visible_to(user=coordinator_vest)) == {vest_only, shared}
    assert not studysite_visible_to(user=coordinator_nord).filter(study=vest_only).exists()


def test_a_coordinator_sees_only_the_region_s_organisations(coordinator_nord):
    regions = set(
        organisation_visible_to(user=coordinator_nord).values_list("region__code", flat=True)
    )
    assert regions == {"helse-nord"}


def test_organisation_staff_see_their_trust_and_its_hospitals(reference_data):
    user = get_user_model().objects.create_user("stab", password="x-12345678")
    user_scope_assign(user=user, role=UserScope.Role.ORGANISATION_STAFF, organisation=hf("Bergen"))
    names = set(organisation_visible_to(user=user).values_list("name", flat=True))
    assert "Helse Bergen HF" in names and "Haukeland universitetssjukehus" in names
    assert "Helse Stavanger HF" not in names


def test_a_user_without_scope_sees_nothing(reference_data):
    StudySiteFactory()
    user = get_user_model().objects.create_user("ingen", password="x-12345678", is_staff=True)
    assert not study_visible_to(user=user).exists()
    assert not organisation_visible_to(user=user).exists()
