"""Organisations in the admin: a change says why, and the reason is kept in the history."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sites.models import Organisation
from sites.services import organisation_save
from tests.factories import hf

pytestmark = pytest.mark.django_db


def _form_data(client, organisation) -> dict:
    response = client.get(reverse("admin:sites_organisation_change", args=[organisation.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else str(value)
    return data


def test_changing_an_organisation_needs_a_reason_kept_in_history(client, coordinator_vest):
    bergen = hf("Bergen")
    url = reverse("admin:sites_organisation_change", args=[bergen.pk])
    client.force_login(coordinator_vest)
    data = _form_data(client, bergen)
    data["short_name"] = "Haukeland"

    response = client.post(url, data)
    assert response.status_code == 200
    assert "Skriv kort hvorfor du endrer organisasjonen." in response.text
    bergen.refresh_from_db()
    assert bergen.short_name != "Haukeland"

    data["change_reason"] = "Kortnavn brukt i rapportene"
    assert client.post(url, data).status_code == 302
    latest = Organisation.history.filter(id=bergen.pk).latest()
    assert latest.short_name == "Haukeland"
    assert latest.history_change_reason == "Kortnavn brukt i rapportene"
    assert latest.history_user == coordinator_vest

    history = client.get(reverse("admin:sites_organisation_history", args=[bergen.pk]))
    assert "Kortnavn brukt i rapportene" in history.text
    assert "Haukeland" in history.text


def test_a_foreign_organisation_cannot_be_changed(client, coordinator_nord):
    client.force_login(coordinator_nord)
    url = reverse("admin:sites_organisation_change", args=[hf("Bergen").pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"change_reason": "forsøk"}).status_code == 404


def test_the_service_refuses_a_change_without_reason(reference_data):
    bergen = hf("Bergen")
    bergen.short_name = "Uten grunn"
    with pytest.raises(ValidationError):
        organisation_save(organisation=bergen, user=None, reason="  ")
    organisation_save(organisation=bergen, user=None, reason="Rettet navn")
    assert Organisation.history.filter(id=bergen.pk).latest().history_change_reason == (
        "Rettet navn"
    )
