"""The admin's language: the user's stored choice, else the language cookie, else the browser's
Accept-Language, else Bokmål. The study finder stays Norwegian; the API negotiates."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sites.models import UserPreference
from sites.services import user_language_set


@pytest.mark.django_db
def test_the_admin_follows_an_english_browser(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()
    assert "Username" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_is_in_bokmal_without_a_preference(client):
    response = client.get("/admin/login/")
    assert 'lang="nb"' in response.content.decode()
    assert "Brukernavn" in response.content.decode()


@pytest.mark.django_db
def test_a_norwegian_browser_gets_bokmal(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9,no;q=0.8")
    assert 'lang="nb"' in response.content.decode()


@pytest.mark.django_db
def test_a_chosen_language_is_kept(client):
    client.post("/i18n/setlang/", {"language": "nn", "next": "/admin/login/"})
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert 'lang="nn"' in response.content.decode()


@pytest.mark.django_db
def test_the_header_offers_the_three_languages(client, coordinator_vest):
    client.force_login(coordinator_vest)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="language-form"' in page
    for code in ("nb", "nn", "en"):
        assert f'name="language" value="{code}"' in page
    for name in ("Norsk (bokmål)", "Norsk (nynorsk)", "English"):  # each in its own language
        assert f">{name}</button>" in page


@pytest.mark.django_db
def test_the_header_choice_is_stored_and_wins_over_the_browser(client, coordinator_vest):
    client.force_login(coordinator_vest)
    response = client.post(
        reverse("admin:language"), {"language": "nn", "next": reverse("admin:index")}
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert UserPreference.objects.get(user=coordinator_vest).language == "nn"
    client.cookies.clear()  # another browser, set to English: the stored choice still applies
    client.force_login(coordinator_vest)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="nn"' in page
    assert "Logg ut" in page


@pytest.mark.django_db
def test_the_browser_decides_for_a_user_without_a_choice(client, coordinator_vest):
    client.force_login(coordinator_vest)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in page
    assert "Log out" in page


@pytest.mark.django_db
def test_the_choice_never_redirects_off_site(client, coordinator_vest):
    client.force_login(coordinator_vest)
    response = client.post(
        reverse("admin:language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == reverse("admin:index")


@pytest.mark.django_db
def test_an_unknown_language_is_refused(coordinator_vest):
    with pytest.raises(ValidationError):
        user_language_set(user=coordinator_vest, language="de")
    assert not UserPreference.objects.filter(user=coordinator_vest).exists()


@pytest.mark.django_db
def test_the_study_finder_stays_norwegian_for_an_english_browser(client, reference_data):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="nb"' in response.content.decode()


@pytest.mark.django_db
def test_the_public_api_follows_accept_language(client, reference_data):
    response = client.get("/api/v1/studies/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
