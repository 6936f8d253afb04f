"""Malformed and hostile input to public endpoints: a clear 4xx, never a server error."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.django_db

HOSTILE = [
    "' OR 1=1 --",
    "'; DROP TABLE trials_study; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "\u0000",
    "9" * 400,
    "{{7*7}}",
]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("param", ["open", "region", "page", "page_size", "search"])
def test_injection_strings_in_query_parameters_get_a_4xx_or_are_ignored(
    client, reference_data, param, value
):
    response = client.get("/api/v1/studies/", {param: value})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.json()  # a message, not an empty body


@pytest.mark.parametrize("value", HOSTILE[:4] + ["x" * 5000])
def test_hostile_identifiers_get_404(client, reference_data, value):
    response = client.get(f"/api/v1/studies/{value}/")
    assert response.status_code in {404, 400}


def test_a_huge_page_size_is_refused_with_a_message(client, reference_data):
    response = client.get("/api/v1/studies/", {"page_size": 10**12})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_an_oversized_body_is_refused(client, reference_data):
    body = b"{" + b'"a": "' + b"x" * 3_000_000 + b'"}'
    response = client.generic("POST", "/api/v1/studies/", body, content_type="application/json")
    assert 400 <= response.status_code < 500


def test_writes_to_the_read_only_api_are_refused_clearly(client, reference_data):
    response = client.post("/api/v1/studies/", "not json", content_type="application/json")
    assert response.status_code in {400, 405}
    assert "detail" in response.json()


_app = get_wsgi_application()


def _over_https(environ, start_response):
    """The WSGI app as behind the TLS proxy (production settings redirect plain HTTP)."""
    environ["wsgi.url_scheme"] = "https"
    return _app(environ, start_response)


schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", _over_https)


@pytest.fixture
def keep_test_connection():
    """As Django's test client does: a WSGI request must not close the test's transaction."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_public_schema_has_no_server_error(case, reference_data, keep_test_connection):
    case.call_and_validate(checks=[not_a_server_error])
