"""History pages read as a coordinator speaks: choice labels, yes/no, dates, "–" — never stored
values such as ``cancelled → draft`` or ``None``."""

import datetime as dt

import pytest
from django.urls import reverse

from sites.history import save_with_history
from sites.models import OrganisationCapacity
from tests.factories import StudyFactory, hf
from trials.models import Study

pytestmark = pytest.mark.django_db


def test_a_history_page_shows_labels_not_stored_values(client, coordinator_vest, reference_data):
    study = StudyFactory(
        status=Study.Status.DRAFT, healthy_volunteers=False, rek_approved_on=None, opened_on=None
    )
    save_with_history(study, user=coordinator_vest, reason="Ny studie")
    study.status = Study.Status.AWAITING_APPROVAL
    study.healthy_volunteers = True
    study.rek_approved_on = dt.date(2020, 10, 5)
    save_with_history(study, user=coordinator_vest, reason="Sendt til REK")
    client.force_login(coordinator_vest)

    response = client.get(reverse("admin:trials_study_history", args=[study.pk]))

    assert response.status_code == 200
    text = response.text
    assert "Utkast&nbsp;&rarr;&nbsp;Venter på godkjenning" in text
    assert "nei&nbsp;&rarr;&nbsp;ja" in text
    assert "–&nbsp;&rarr;&nbsp;05.10.2020" in text
    assert "draft" not in text and "awaiting_approval" not in text
    assert ">None<" not in text
    assert "Sendt til REK" in text
    assert f"{study.history.count()} endringer" in text


def test_a_studys_intervention_types_read_as_words_in_its_history(
    client, coordinator_vest, reference_data
):
    study = StudyFactory(intervention_types=["drug"])
    save_with_history(study, user=coordinator_vest, reason="Ny studie")
    study.intervention_types = ["drug", "procedure"]
    save_with_history(study, user=coordinator_vest, reason="Kirurgi lagt til")
    client.force_login(coordinator_vest)

    text = client.get(reverse("admin:trials_study_history", args=[study.pk])).text

    assert "Legemiddel&nbsp;&rarr;&nbsp;Legemiddel, Prosedyre eller kirurgi" in text
    assert "&quot;drug&quot;" not in text and "procedure" not in text


def test_capacity_figures_read_as_words_in_their_history(client, coordinator_vest, reference_data):
    capacity = OrganisationCapacity(organisation=hf("Bergen"), year=2026)
    save_with_history(capacity, user=coordinator_vest, reason="Nye tall")
    capacity.phd_by_profession = {"lege": 3, "sykepleier": 1}
    capacity.patients_by_hrcs = {"02": 5400}
    save_with_history(capacity, user=coordinator_vest, reason="Tall for 2026")
    client.force_login(coordinator_vest)

    url = reverse("admin:sites_organisationcapacity_history", args=[capacity.pk])
    text = client.get(url).text

    assert "–&nbsp;&rarr;&nbsp;Lege: 3, Sykepleier: 1" in text
    assert "–&nbsp;&rarr;&nbsp;02 Kreft: 5\xa0400" in text
    assert "&quot;lege&quot;" not in text and "&quot;02&quot;" not in text
