"""Schemathesis over the integration API's own schema (/api/v1/integration/schema/), signed in
with a real client token: generated valid and invalid records, headers and batches never give a
server error, and invalid input is refused with a 4xx."""

import datetime as dt
import itertools
import uuid

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    status_code_conformance,
)

from consents.services import consent_give, participant_register
from consents.services.integration import integration_client_create

from .conftest import SYNTHETIC

application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/integration/schema/?format=json", application)

# Real values for the fields that must match the database; the token fixture fills them in.
KNOWN: dict[str, object] = {}
_turn = itertools.count()


def _with_known_values(case) -> None:
    """Every other case gets a real study, site, form and (synthetic) number and a fresh
    Idempotency-Key, so the writing code runs too, not only the refusal of an unknown study
    (schemathesis re-checks whether the changed case is still valid or invalid input). A body
    generated to be invalid is left as it is: filling in real values could make it valid, and
    the refusal check would then expect a 4xx for a record that is in fact correct."""
    if next(_turn) % 2 == 0:
        return
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.BODY):
        return
    if isinstance(case.body, list):
        case.body = [
            {
                **record,
                **{k: v for k, v in KNOWN.items() if k in record},
                **(
                    {"national_id": SYNTHETIC[i % len(SYNTHETIC)]}
                    if "national_id" in record
                    else {}
                ),
            }
            if isinstance(record, dict)
            else record
            for i, record in enumerate(case.body)
        ]
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers = {**case.headers, "Idempotency-Key": str(uuid.uuid4())}


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Like Django's test client: the WSGI app must not close the test's database connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(site, consent_form, wsgi_keeps_the_test_connection) -> str:
    _client, token = integration_client_create(
        name="EPJ", organisations=[site.organisation], may_register_reservations=True
    )
    for number in SYNTHETIC[:3]:  # so that generated enrolments of these people can succeed
        consent_give(
            participant=participant_register(national_id=number),
            form=consent_form,
            channel="digital",
            occurred_at=timezone.now() - dt.timedelta(days=2),
        )
    KNOWN.update(
        study=site.study.public_id,
        site_orgnr=site.organisation.orgnr,
        form_version=consent_form.version_label,
        language=consent_form.language,
        occurred_at=(timezone.now() - dt.timedelta(days=1)).isoformat(),
        included_on=(timezone.localdate() - dt.timedelta(days=1)).isoformat(),
    )
    yield token
    KNOWN.clear()


def test_the_schema_documents_the_three_endpoints_and_the_token(client):
    document = client.get("/api/v1/integration/schema/?format=json").json()
    assert set(document["paths"]) == {
        "/api/v1/integration/enrolments/",
        "/api/v1/integration/consents/",
        "/api/v1/integration/reservations/",
    }
    assert "integrationToken" in document["components"]["securitySchemes"]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_integration_api_never_fails_on_generated_input(case, token):
    _with_known_values(case)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[
            not_a_server_error,
            negative_data_rejection,
            status_code_conformance,
            content_type_conformance,
        ],
    )
