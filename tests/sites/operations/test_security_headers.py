import pytest

pytestmark = pytest.mark.django_db


def _assert_security_headers(response):
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csp = response["Content-Security-Policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "path", ["/api/v1/studies/", "/api/v1/schema/", "/healthz", "/admin/login/"]
)
def test_every_kind_of_page_carries_the_security_headers(client, reference_data, path):
    response = client.get(path, secure=True)
    assert response.status_code == 200
    _assert_security_headers(response)


def test_admin_pages_are_never_cached(client, reference_data, django_user_model):
    assert "no-store" in client.get("/admin/login/", secure=True)["Cache-Control"]
    admin = django_user_model.objects.create_superuser("sjef", password="pw-for-tests-only-1")
    client.force_login(admin)
    response = client.get("/admin/trials/study/", secure=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    _assert_security_headers(response)


def test_plain_http_is_redirected_to_https_except_health_probes(client, settings, reference_data):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/api/v1/studies/")
    assert response.status_code == 301 and response.url.startswith("https://")
    assert client.get("/healthz").status_code == 200


def test_admin_pages_have_no_inline_scripts(client, reference_data, django_user_model):
    import re

    admin = django_user_model.objects.create_superuser("sjef", password="pw-for-tests-only-1")
    client.force_login(admin)
    for path in ["/admin/", "/admin/trials/study/", "/admin/trials/study/add/", "/api/v1/docs/"]:
        html = client.get(path, secure=True).content.decode()
        inline = re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", html)
        assert not inline, f"{path}: {inline}"


def test_the_favicon_is_answered_not_404(client):
    """Browsers ask for /favicon.ico on every page, the admin and the API docs included."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("sites/favicon.svg")
    from django.contrib.staticfiles import finders

    assert finders.find("sites/favicon.svg")
