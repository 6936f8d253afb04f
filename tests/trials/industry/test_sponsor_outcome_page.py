"""The sponsor's outcome page (tokenised link, no login): in the public site's design, in English
by default or in Bokmål with ``?lang=nb``, the confirmation wholly in the page's language."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from tests.trials.industry.factories import compiled_feasibility_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def feasibility(reference_data, frozen_now):
    return compiled_feasibility_request()


@pytest.fixture
def link(feasibility):
    return reverse("feasibility-outcome", args=[feasibility.outcome_token])


def _report(client, url: str) -> str:
    bergen = re.search(r'value="(\d+)"[^>]*id="id_selected_0"', client.get(url).text).group(1)
    response = client.post(url, {"selected": [bergen], "satisfaction": "4"})
    assert response.status_code == 200
    return response.text


def test_the_english_confirmation_has_no_norwegian_in_it(client, link):
    page = _report(client, link)
    assert '<html lang="en">' in page
    assertInHTML(
        '<p role="status" id="outcome-recorded" class="confirmation">Thank you. Your outcome was'
        " recorded on 16 November 2026: Norwegian sites selected, rating 4 of 5.</p>",
        page,
    )
    assert "Norske" not in page and "valgt" not in page and "november" not in page


def test_the_page_in_bokmal_is_in_bokmal(client, feasibility, link):
    url = f"{link}?lang=nb"
    form = client.get(url).text
    assert '<html lang="nb">' in form
    assertInHTML(f"<h1>Mulighetsstudie {feasibility.public_id}</h1>", form)
    assert "Helse Bergen HF (ja, 25 aktuelle pasienter per år)" in form
    assert "Helse Stavanger HF (kanskje, 10 aktuelle pasienter per år)" in form
    assertInHTML('<button type="submit">Send utfall</button>', form)
    assert "eligible" not in form and "Send outcome" not in form

    page = _report(client, url)
    assertInHTML(
        '<p role="status" id="outcome-recorded" class="confirmation">Takk. Utfallet ble'
        " registrert 16. november 2026: Norske sentre valgt, vurdering 4 av 5.</p>",
        page,
    )
    assert "Thank you" not in page


def test_the_page_is_in_the_sites_design_with_a_language_switch_and_is_never_cached(client, link):
    response = client.get(link)
    page = response.text
    # The public site's skip link, header with the site's name and language switch, main landmark.
    assertInHTML('<a class="skip" href="#innhold">Skip to content</a>', page)
    assertInHTML('<a class="brand" href="/?lang=en">Clinical studies in Norway</a>', page)
    assert '<nav aria-label="Language">' in page
    assertInHTML('<span aria-current="true" lang="en"><strong>English</strong></span>', page)
    assertInHTML('<a href="?lang=nb" lang="nb" hreflang="nb">Bokmål</a>', page)
    assert "Nynorsk" not in page
    assert '<main id="innhold">' in page
    # Still kept out of search engines and out of every cache: the token is the only key.
    assert '<meta name="robots" content="noindex">' in page
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "Please rate the process from 1 to 5."), ("nb", "Vurder prosessen fra 1 til 5.")],
)
def test_a_missing_rating_is_told_and_tied_to_the_radios(client, link, lang, message):
    response = client.post(f"{link}?lang={lang}", {"comment": "x"})
    assert response.status_code == 400
    page = response.text
    assertInHTML(f'<p class="errors" id="id_satisfaction-error">{message}</p>', page)
    radios = re.findall(r'<input type="radio" name="satisfaction"[^>]*>', page)
    assert len(radios) == 5
    assert all('aria-describedby="id_satisfaction-error"' in r for r in radios)
    assert all('aria-invalid="true"' in r for r in radios)


def test_a_site_that_said_no_cannot_be_chosen_and_the_error_is_tied_to_the_boxes(
    client, feasibility, link
):
    said_no = feasibility.responses.get(answer="no").organisation_id
    response = client.post(link, {"selected": [str(said_no)], "satisfaction": "3"})
    assert response.status_code == 400
    page = response.text
    assertInHTML(
        '<p class="errors" id="id_selected-error">'
        f"Select a valid choice. {said_no} is not one of the available choices.</p>",
        page,
    )
    boxes = re.findall(r'<input type="checkbox" name="selected"[^>]*>', page)
    assert len(boxes) == 2
    assert all('aria-describedby="id_selected-error"' in b for b in boxes)
    feasibility.refresh_from_db()
    assert feasibility.status == feasibility.Status.COMPILED
