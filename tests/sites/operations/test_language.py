"""Norwegian first: Bokmål in the back office whatever the browser says; the API negotiates."""

import pytest


@pytest.mark.django_db
def test_the_admin_is_in_bokmal_for_an_english_browser(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert 'lang="nb"' in response.content.decode()
    assert "Brukernavn" in response.content.decode()


@pytest.mark.django_db
def test_a_chosen_language_is_kept(client):
    client.post("/i18n/setlang/", {"language": "nn", "next": "/admin/login/"})
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert 'lang="nn"' in response.content.decode()


@pytest.mark.django_db
def test_the_public_api_follows_accept_language(client, reference_data):
    response = client.get("/api/v1/studies/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
