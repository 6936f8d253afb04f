"""Capacity figures in the admin: PhDs per health profession and patients per HRCS health
category as small tables of numbers, saved through the service with a reason, and read by the
PhD indicator as before."""

import pytest
from django.urls import reverse

from indicators.catalogue import CATALOGUE
from indicators.periods import Period
from sites.models import OrganisationCapacity
from tests.factories import hf
from tests.form_post import form_data, post_changed

pytestmark = pytest.mark.django_db

FORM = "organisationcapacity_form"


@pytest.fixture
def capacity(reference_data):
    return OrganisationCapacity.objects.create(
        organisation=hf("Bergen"),
        year=2026,
        phd_by_profession={"lege": 100, "sykepleier": 10},
        patients_by_hrcs={"02": 5400},
    )


def _url(capacity: OrganisationCapacity) -> str:
    return reverse("admin:sites_organisationcapacity_change", args=[capacity.pk])


def _errors(response) -> str:
    return " ".join(str(e) for e in response.context["adminform"].form.errors.values())


def test_figures_are_rows_of_numbers_not_json(client, coordinator_vest, capacity):
    client.force_login(coordinator_vest)
    page = client.get(_url(capacity)).text
    assert "{&quot;lege&quot;" not in page  # no JSON to type
    for label in ("Lege", "Sykepleier", "Psykolog", "Fysioterapeut", "Farmasøyt", "Tannlege"):
        assert f">{label}</label>" in page
    assert ">02 Kreft</label>" in page
    sent = form_data(page, FORM)
    assert sent["phd_by_profession_lege"] == ["100"]
    assert sent["phd_by_profession_psykolog"] == [""]
    assert sent["patients_by_hrcs_02"] == ["5400"]


def test_typed_numbers_are_saved_with_the_reason_and_the_indicator_reads_them(
    client, coordinator_vest, capacity
):
    client.force_login(coordinator_vest)
    response = post_changed(
        client,
        _url(capacity),
        FORM,
        phd_by_profession_lege="120",
        phd_by_profession_sykepleier="",  # emptied: not reported
        phd_by_profession_psykolog="9",
        patients_by_hrcs_03="8 100",  # a thousands space is read as typed
        change_reason="Tall fra årsrapporten",
    )
    assert response.status_code == 302, _errors(response)
    capacity.refresh_from_db()
    assert capacity.phd_by_profession == {"lege": 120, "psykolog": 9}
    assert capacity.patients_by_hrcs == {"02": 5400, "03": 8100}
    assert capacity.history.latest().history_change_reason == "Tall fra årsrapporten"

    rows = CATALOGUE["phd-coverage"].compute(Period.month(2026, 10))
    national = {
        (r.breakdown, r.breakdown_value): r.value for r in rows if r.scope_key == "national"
    }
    assert national[("", "")] == 129
    assert national[("profession", "psykolog")] == 9


@pytest.mark.parametrize("typed", ["mange", "-3", "1,5"])
def test_a_number_that_is_not_a_count_is_refused_naming_its_row(
    client, coordinator_vest, capacity, typed
):
    client.force_login(coordinator_vest)
    response = post_changed(
        client,
        _url(capacity),
        FORM,
        phd_by_profession_psykolog=typed,
        change_reason="Nye tall",
    )
    assert response.status_code == 200
    assert f"Psykolog: skriv et helt tall, 0 eller mer (ikke «{typed}»)." in _errors(response)
    capacity.refresh_from_db()
    assert capacity.phd_by_profession == {"lege": 100, "sykepleier": 10}


def test_a_stored_row_outside_the_list_is_shown_and_refused_until_moved(
    client, coordinator_vest, reference_data
):
    capacity = OrganisationCapacity.objects.create(
        organisation=hf("Bergen"), year=2026, phd_by_profession={"lege": 5, "annen": 3}
    )
    client.force_login(coordinator_vest)
    page = client.get(_url(capacity)).text
    assert "«annen» (ukjent)" in page
    response = post_changed(client, _url(capacity), FORM, change_reason="Rydder")
    assert "«annen» er ikke en av helseprofesjonene i listen." in _errors(response)

    response = post_changed(
        client,
        _url(capacity),
        FORM,
        phd_by_profession_annen="",
        phd_by_profession_fysioterapeut="3",
        change_reason="Rydder",
    )
    assert response.status_code == 302, _errors(response)
    capacity.refresh_from_db()
    assert capacity.phd_by_profession == {"lege": 5, "fysioterapeut": 3}


def test_the_service_refuses_an_hrcs_code_outside_the_classification(reference_data):
    from django.core.exceptions import ValidationError

    from sites.services import organisation_capacity_save

    capacity = OrganisationCapacity(
        organisation=hf("Bergen"), year=2026, patients_by_hrcs={"22": 10}
    )
    with pytest.raises(ValidationError) as refused:
        organisation_capacity_save(capacity=capacity, user=None, reason="")
    assert "«22» er ikke en HRCS helsekategori (kodene 01–21)." in str(refused.value)
    assert not OrganisationCapacity.objects.exists()


def test_figures_shown_read_only_are_words_and_numbers(client, capacity, helse_vest):
    from django.contrib.auth import get_user_model

    from sites.models import UserScope
    from sites.roles import user_scope_assign

    observer = get_user_model().objects.create_user(
        "observator", password="x-12345678", is_staff=True
    )
    user_scope_assign(user=observer, role=UserScope.Role.OBSERVER, region=helse_vest)
    client.force_login(observer)
    page = client.get(_url(capacity)).text
    assert "Lege: 100, Sykepleier: 10" in page
    assert "02 Kreft: 5" in page  # 5 400, grouped as the page's language writes it
    assert "{&quot;lege&quot;" not in page


@pytest.mark.parametrize(
    ("language", "profession", "category"),
    [("nn", "Sjukepleiar", "02 Kreft"), ("en", "Nurse", "02 Cancer and neoplasms")],
)
def test_the_tables_read_in_the_users_language(
    client, coordinator_vest, capacity, language, profession, category
):
    client.force_login(coordinator_vest)
    page = client.get(_url(capacity), HTTP_ACCEPT_LANGUAGE=language).text
    assert f">{profession}</label>" in page and ">Sykepleier</label>" not in page
    assert f">{category}</label>" in page
