"""History pages read as a coordinator speaks: choice labels, yes/no, dates, "–" — never stored
values such as ``cancelled → draft`` or ``None``."""

import datetime as dt

import pytest
from django.urls import reverse

from sites.history import save_with_history
from tests.factories import StudyFactory
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
