"""The admin in Bokmål, Nynorsk and English: Django's own texts that Django ships untranslated
are supplied by the project, and the menu names the third-party apps in the user's language."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import StudySiteFactory, hf

pytestmark = pytest.mark.django_db

DJANGO_ENGLISH = ("Start typing to filter", "Skip to main content", "Show counts", "Toggle theme")


@pytest.fixture
def national_admin(reference_data):
    return get_user_model().objects.create_superuser(
        username="nasjonal", password="pw-for-tests-only-1", email="nasjonal@example.no"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", ("Skriv for å filtrere", "Gå til hovedinnholdet", "Vis antall", "Bytt tema")),
        ("nn", ("Skriv for å filtrere", "Gå til hovudinnhaldet", "Vis tal", "Byt tema")),
    ],
)
def test_django_texts_are_norwegian_in_norwegian(client, coordinator_vest, language, expected):
    client.force_login(coordinator_vest)
    page = client.get(
        reverse("admin:sites_organisation_changelist"), HTTP_ACCEPT_LANGUAGE=language
    ).text
    for text in expected:
        assert text in page
    for text in DJANGO_ENGLISH:
        assert text not in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", "Rett opp feilene nedenfor."), ("nn", "Rett opp feila nedanfor.")],
)
def test_a_form_error_is_announced_in_norwegian(client, coordinator_vest, language, expected):
    bergen = hf("Bergen")
    client.force_login(coordinator_vest)
    url = reverse("admin:sites_organisation_change", args=[bergen.pk])
    response = client.post(url, {"name": ""}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert expected in response.text
    assert "Please correct" not in response.text


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("nb", ("Innloggingsforsøk", "Tofaktorinnlogging", "Autentiseringsapper"), "Axes"),
        ("nn", ("Innloggingsforsøk", "Tofaktorinnlogging", "Autentiseringsappar"), "Axes"),
        ("en", ("Sign-in attempts", "Two-factor sign-in", "Authenticator apps"), "Otp_Totp"),
    ],
)
def test_the_menu_names_third_party_apps_in_the_users_language(
    client, national_admin, language, expected, absent
):
    client.force_login(national_admin)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language).text
    for text in expected:
        assert text in page
    assert absent not in page
    assert "TOTP devices" not in page


def test_project_labels_follow_the_language(client, coordinator_vest):
    client.force_login(coordinator_vest)
    english = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").text
    assert "Regions and organisations" in english
    nynorsk = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="nn").text
    assert "Regionar og organisasjonar" in nynorsk


@pytest.mark.parametrize(
    ("language", "add_row", "details"),
    [
        ("nb", "Legg til rad: Studiested", "Detaljer"),
        ("nn", "Legg til rad: Studiestad", "Detaljar"),
        ("en", "Add another Study site", "Details"),
    ],
)
def test_the_site_inline_reads_in_the_users_language(
    client, coordinator_vest, language, add_row, details
):
    study_site = StudySiteFactory(organisation=hf("Bergen"))
    client.force_login(coordinator_vest)
    url = reverse("admin:trials_study_change", args=[study_site.study.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).text
    assert add_row in page
    assert "Legg til ny" not in page  # "ny" agrees with some nouns only (nytt studiested)
    # A row is headed by where the study runs, in any language (not "Studiested 340").
    row_labels = re.findall(r'<td class="original">\s*<p>\s*([^<]+?)\s*<', page)
    assert study_site.organisation.name in row_labels
    assert f"Studiested {study_site.pk}" not in page
    row = page.split('<td class="original">', 1)[1].split("</tr>", 1)[0]
    assert f">{details}<span" in row  # the link to the site's own page
