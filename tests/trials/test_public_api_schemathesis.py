"""Property-based run of schemathesis against the published OpenAPI schema.

Every documented operation, the feasibility intake (POST) included, is called with generated input:
no server error, and every response must match the schema. The number of examples is bounded and
the run derandomised (the same examples every run) so it stays short and repeatable.
"""

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from sites.api.throttling import PublicAnonThrottle
from sites.models import Organisation
from tests.factories import StudySiteFactory, hf

# The plain WSGI handler: config.wsgi also runs the production secret checks.
application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Like Django's test client: the WSGI app must not close the test's database connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def portfolio(reference_data, monkeypatch, settings, wsgi_keeps_the_test_connection):
    monkeypatch.setattr(PublicAnonThrottle, "THROTTLE_RATES", {"anon": "100000/min"})
    settings.FEASIBILITY_INTAKE_RATE = "100000/min"  # else the intake answers 429 after 20
    cache.clear()
    study = StudySiteFactory(study__hrcs=["03"], study__conditions="Hjertesvikt").study
    StudySiteFactory(study=study, organisation=hf("Nord-Norge"))
    # Organisations without an organisation number, as in production (municipal services): an
    # intake that looked up a null number found them all and failed.
    for name in ("Helsestasjon uten orgnr", "Tannklinikk uten orgnr"):
        Organisation.objects.create(
            name=name,
            kind=Organisation.Kind.MUNICIPAL_SERVICE,
            region=hf("Nord-Norge").region,
        )
    return study


@pytest.mark.django_db
@schema.parametrize()
@hypothesis.settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, portfolio):
    case.call_and_validate(
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
    )


def test_the_feasibility_intake_is_in_the_schema_under_test():
    operations = {
        (result.ok().method.upper(), result.ok().path) for result in schema.get_all_operations()
    }
    assert ("POST", "/api/v1/feasibility-requests/") in operations
