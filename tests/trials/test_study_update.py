"""``study_update``: the one service behind the study form (the admin only calls it)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.factories import StudyFactory, StudySiteFactory, hf
from trials.models import Study, StudySite
from trials.services import study_update, studysite_update

pytestmark = pytest.mark.django_db


def test_a_coordinator_cannot_change_a_study_another_region_leads(coordinator_vest, reference_data):
    study = StudyFactory(responsible_organisation=hf("Nord-Norge"), scientific_title="Nord")
    StudySiteFactory(study=study, organisation=hf("Bergen"))
    study.scientific_title = "Omdøpt"
    with pytest.raises(PermissionDenied):
        study_update(
            study=study,
            user=coordinator_vest,
            expected_version=study.version,
            loaded_status=study.status,
            reason="Prøver",
        )
    assert Study.objects.get(pk=study.pk).scientific_title == "Nord"


def test_sites_of_other_regions_are_refused_and_nothing_is_saved(coordinator_vest, reference_data):
    study = StudyFactory(responsible_organisation=hf("Bergen"))
    nord = StudySiteFactory(study=study, organisation=hf("Nord-Norge"))
    study.scientific_title = "Ny tittel"
    nord.status = StudySite.Status.CLOSED
    with pytest.raises(PermissionDenied):
        study_update(
            study=study,
            user=coordinator_vest,
            expected_version=study.version,
            loaded_status=study.status,
            reason="Stenger",
            sites=[nord],
        )
    nord.refresh_from_db()
    assert nord.status == StudySite.Status.OPEN
    assert Study.objects.get(pk=study.pk).scientific_title != "Ny tittel"
    new_site = StudySite(study=study, organisation=hf("Finnmark"))
    with pytest.raises(PermissionDenied):
        study_update(
            study=study,
            user=coordinator_vest,
            expected_version=study.version,
            loaded_status=study.status,
            reason="Nytt sted",
            sites=[new_site],
        )


def test_a_coordinator_changes_their_own_site_in_a_study_led_elsewhere_with_a_reason(
    client, coordinator_vest, reference_data
):
    study = StudyFactory(responsible_organisation=hf("Nord-Norge"))
    bergen = StudySiteFactory(study=study, organisation=hf("Bergen"), contact_email="a@b.no")
    client.force_login(coordinator_vest)
    url = reverse("admin:trials_studysite_change", args=[bergen.pk])
    data = {
        "status": "open",
        "activated_on": str(bergen.activated_on),
        "contact_email": "forskning@helse-bergen.no",
        "target_enrolment": "50",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200  # the reason is missing
    assert "Skriv kort hvorfor" in refused.content.decode()
    response = client.post(url, {**data, "change_reason": "Ny kontaktadresse"})
    assert response.status_code == 302
    bergen.refresh_from_db()
    assert bergen.contact_email == "forskning@helse-bergen.no"
    latest = bergen.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Ny kontaktadresse"
    assert latest.history_user == coordinator_vest
    with pytest.raises(PermissionDenied):
        studysite_update(
            site=StudySiteFactory(study=study, organisation=hf("Nord-Norge")),
            user=coordinator_vest,
            reason="Nei",
        )
