"""Two people editing the same row in the admin: the second save is refused, nothing overwritten.

Every admin of a versioned model (organisations, capacity figures, agreements, milestones,
enrolments, studies) gets the version its form was opened at from the scoped base.
"""

import pytest
from django.urls import reverse

from sites.history import save_with_history
from tests.factories import hf
from tests.form_post import form_data
from tests.trials.industry.factories import AgreementFactory, CapacityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("make", ["agreement", "capacity", "organisation"])
def test_the_second_of_two_saves_is_refused_and_names_who_changed_it(
    make, client, frozen_now, coordinator_vest, reference_data
):
    obj = {
        "agreement": lambda: AgreementFactory(organisation=hf("Bergen")),
        "capacity": lambda: CapacityFactory(organisation=hf("Bergen")),
        "organisation": lambda: hf("Bergen"),
    }[make]()
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    client.force_login(coordinator_vest)
    form_id = f"{opts.model_name}_form"
    data = form_data(client.get(url).content.decode(), form_id, change_reason="Min endring")
    assert data["expected_version"] == [str(obj.version)]

    # Someone else saves the row after the form was opened.
    save_with_history(type(obj).objects.get(pk=obj.pk), user=None, reason="Samtidig endring")
    before = type(obj).objects.filter(pk=obj.pk).values().get()

    response = client.post(url, data)
    assert response.status_code == 200
    assert "etter at du åpnet den" in response.content.decode()
    assert type(obj).objects.filter(pk=obj.pk).values().get() == before

    # Opened again, the same change saves.
    data = form_data(client.get(url).content.decode(), form_id, change_reason="Min endring")
    assert client.post(url, data).status_code == 302
