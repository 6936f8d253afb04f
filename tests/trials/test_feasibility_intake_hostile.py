"""Hostile and odd bodies on the public feasibility intake (``POST /api/v1/feasibility-requests/``):
a field error (400) every time, never a server error and never a request routed by accident."""

import pytest
from rest_framework.test import APIClient

from sites.models import Organisation
from tests.factories import hf
from trials.industry.models import FeasibilityRequest

URL = "/api/v1/feasibility-requests/"


def payload(**overrides) -> dict:
    data = {
        "sponsor_name": "Nordic Oncology AB",
        "sponsor_country": "SE",
        "contact_name": "Anna Lind",
        "contact_email": "anna.lind@nordiconc.example.com",
        "title": "Adjuvant XY-101 in HER2-low early breast cancer",
        "condition": "Brystkreft",
        "hrcs_category": "02",
        "phase": "3",
        "study_category": "kbs",
        "design_summary": "Randomised, double-blind, placebo-controlled.",
        "key_inclusion_criteria": "Women 18+, HER2-low, after surgery.",
        "patients_wanted": 60,
    }
    data.update(overrides)
    return data


@pytest.fixture
def api(reference_data, settings):
    settings.FEASIBILITY_INTAKE_RATE = "10000/min"
    return APIClient()


def _without_orgnr(count: int) -> list[Organisation]:
    """Organisations with no organisation number (a municipality unit, a dental clinic)."""
    template = hf("Nord-Norge")
    return [
        Organisation.objects.create(
            name=f"Enhet uten orgnr {i}",
            kind=Organisation.Kind.MUNICIPAL_SERVICE,
            region=template.region,
            orgnr=None,
        )
        for i in range(count)
    ]


@pytest.mark.django_db
def test_a_null_organisation_is_a_field_error_not_a_server_error(api):
    """The body schemathesis found: ``"organisations": [null]`` looked up ``orgnr IS NULL`` and
    found every organisation without a number (MultipleObjectsReturned, 500)."""
    _without_orgnr(2)
    response = api.post(URL, payload(organisations=[None]), format="json")
    assert response.status_code == 400, response.content
    assert "organisations" in response.json()
    assert not FeasibilityRequest.objects.exists()


@pytest.mark.django_db
def test_a_null_organisation_is_not_routed_to_the_one_without_a_number(api):
    [lonely] = _without_orgnr(1)
    response = api.post(URL, payload(organisations=[None]), format="json")
    assert response.status_code == 400, response.content
    assert not FeasibilityRequest.objects.filter(organisations=lonely).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("organisations", [None]),
        ("organisations", [""]),
        ("organisations", ["   "]),
        ("organisations", [983658776]),
        ("organisations", [["983658776"]]),
        ("organisations", [{"orgnr": "983658776"}]),
        ("organisations", [True]),
        ("regions", [None]),
        ("regions", [""]),
        ("regions", [1]),
        ("regions", [["helse-vest"]]),
        ("regions", [{}]),
        ("hrcs_category", None),
        ("hrcs_category", 2),
        ("hrcs_category", ["02"]),
        ("hrcs_category", ""),
        ("contact_email", "a" * 250 + "@example.com"),
        ("sponsor_name", ""),
        ("design_summary", "   "),
    ],
)
def test_odd_values_are_field_errors(api, field, value):
    _without_orgnr(2)
    response = api.post(URL, payload(**{field: value}), format="json")
    assert response.status_code == 400, (field, value, response.status_code, response.content)
    assert field in response.json()
    assert not FeasibilityRequest.objects.exists()


@pytest.mark.django_db
def test_real_codes_still_route(api):
    _without_orgnr(2)
    bergen = hf("Bergen")
    response = api.post(
        URL, payload(organisations=[bergen.orgnr], regions=["helse-vest"]), format="json"
    )
    assert response.status_code == 201, response.content
    request = FeasibilityRequest.objects.get(public_id=response.json()["reference"])
    assert list(request.organisations.all()) == [bergen]
    assert response.json()["sites_asked"] == 1


@pytest.mark.django_db
def test_the_schema_describes_codes_as_non_null_text(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    body = schema["components"]["schemas"]["FeasibilityRequestInput"]["properties"]
    assert body["organisations"]["items"] == {"type": "string", "pattern": r"^\d{9}$"}
    assert body["regions"]["items"]["type"] == "string"
    assert not body["regions"]["items"].get("nullable")
    assert body["hrcs_category"]["pattern"] == "^(0[1-9]|1[0-9]|2[01])$"
    assert body["sponsor_name"]["minLength"] == 1
    assert body["contact_email"]["maxLength"] == 254
