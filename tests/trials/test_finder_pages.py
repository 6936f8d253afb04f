"""What a patient reads on the finder and study pages: honest states, three languages, no dead
ends (an empty search, a withdrawn study's old link)."""

import re

import pytest
from django.test import Client

from sites.history import update_with_history
from tests.factories import StudySiteFactory
from trials.models import Study, StudySite

pytestmark = pytest.mark.django_db


def get(url: str, status: int = 200) -> str:
    response = Client().get(url)
    assert response.status_code == status, url
    return response.content.decode()


@pytest.fixture
def heart(reference_data):
    return StudySiteFactory(
        study__lay_title_nb="Ny behandling av hjertesvikt",
        study__lay_summary_nb="Vi prøver en ny medisin mot hjertesvikt.",
        study__lay_title_en="New treatment for heart failure",
        study__conditions="Hjertesvikt",
        study__min_age=40,
        study__max_age=80,
        study__target_enrolment=600,
        study__nct_id="NCT01234567",
        study__rek_number="400191",
        study__phase=Study.Phase.PHASE_3,
        study__hrcs=["03"],
    ).study


def test_a_search_with_no_hits_says_0_studies_and_how_to_widen_it(heart):
    html = get("/?q=finnesikke")
    assert "0 studier" in html
    assert "Fjern noen av filtrene" in html and "færre eller andre ord" in html
    assert "0 studies" in get("/?q=finnesikke&lang=en")


@pytest.mark.parametrize(
    ("status", "site_status", "said"),
    [
        (Study.Status.APPROVED, StudySite.Status.PLANNED, "Ikke startet ennå"),
        (Study.Status.SUSPENDED, StudySite.Status.CLOSED, "Midlertidig stanset"),
        (Study.Status.CLOSED, StudySite.Status.CLOSED, "Tar ikke inn flere deltakere"),
        (Study.Status.COMPLETED, StudySite.Status.CLOSED, "Avsluttet"),
        (Study.Status.TERMINATED, StudySite.Status.CLOSED, "Avbrutt"),
    ],
)
def test_each_state_is_said_in_its_own_words(reference_data, status, site_status, said):
    study = StudySiteFactory(study__status=status, status=site_status).study
    html = get(f"/studier/{study.public_id}/")
    assert said in html and "Tar ikke inn deltakere nå" not in html


def test_the_study_page_explains_target_phase_identifiers_and_how_to_take_part(heart):
    html = get(f"/studier/{heart.public_id}/")
    assert "Planlagt antall deltakere" in html and "Antall deltakere</dt>" not in html
    assert "Slik deltar du" in html
    assert "Fase 3: legemiddelet sammenlignes med vanlig behandling" in html
    assert 'href="https://clinicaltrials.gov/study/NCT01234567"' in html
    assert "400191" in html


def test_dates_are_written_in_the_page_language(heart, frozen_now):
    update_with_history(
        Study.objects.filter(pk=heart.pk),
        values={"opened_on": "2026-11-30"},
        user=None,
        reason="Dato",
    )
    assert "30. november 2026" in get(f"/studier/{heart.public_id}/")
    assert "30 November 2026" in get(f"/studier/{heart.public_id}/?lang=en")


def test_text_left_in_bokmal_is_marked_as_bokmal_on_other_languages(heart):
    html = get(f"/studier/{heart.public_id}/?lang=en")
    # The English title exists; the summary does not, so it is the Bokmål one, marked.
    assert "<h1>New treatment for heart failure</h1>" in html
    assert '<p lang="nb">Vi prøver en ny medisin mot hjertesvikt.</p>' in html
    assert "only available in Norwegian Bokmål" in html
    nynorsk = get(f"/studier/{heart.public_id}/?lang=nn")
    assert '<h1 lang="nb">Ny behandling av hjertesvikt</h1>' in nynorsk
    listed = get("/?lang=en&q=hjertesvikt")
    assert 'lang="nb">Vi prøver en ny medisin' in listed


def test_the_disease_area_list_is_in_the_page_language(heart):
    assert ">Cardiovascular</option>" in get("/?lang=en")
    assert ">Hjerte og kar</option>" in get("/")


def test_a_withdrawn_study_link_gives_a_designed_404_in_the_page_language(heart):
    update_with_history(
        Study.objects.filter(pk=heart.pk),
        values={"status": Study.Status.WITHDRAWN},
        user=None,
        reason="Trukket",
    )
    html = get(f"/studier/{heart.public_id}/?lang=en", status=404)
    assert '<html lang="en">' in html and "Back to the search" in html
    assert "Not Found" not in html
    other = get("/finnes/ikke/", status=404)
    assert '<html lang="nb">' in other and "Fant ikke siden" in other


def test_back_to_the_search_keeps_the_search(heart):
    html = get("/?q=hjertesvikt&age=50&lang=en")
    link = re.search(r'href="(/studier/[^"]+)"', html).group(1).replace("&amp;", "&")
    detail = get(link)
    back = re.search(r'href="([^"]+)">Back to the search', detail).group(1)
    assert "q=hjertesvikt" in back and "age=50" in back and "lang=en" in back


def test_results_show_summary_and_age_range_open_studies_first(heart):
    closed = StudySiteFactory(
        study__lay_title_nb="Gammel hjertesvikt-studie",
        study__status=Study.Status.COMPLETED,
        status=StudySite.Status.CLOSED,
    ).study
    html = get("/?q=hjertesvikt")
    assert "Vi prøver en ny medisin" in html and "Fra 40 til 80 år." in html
    assert html.index(heart.lay_title_nb) < html.index(closed.lay_title_nb)


@pytest.mark.parametrize(
    ("query", "shown", "not_shown"),
    [
        ("sex=male", "Ny behandling av hjertesvikt", "Bare for kvinner"),
        ("healthy_volunteers=on", "Bare for kvinner", "Ny behandling av hjertesvikt"),
        ("decentralised=on", "Bare for kvinner", "Ny behandling av hjertesvikt"),
        ("phase=3", "Ny behandling av hjertesvikt", "Bare for kvinner"),
        ("category=observational", "Bare for kvinner", "Ny behandling av hjertesvikt"),
    ],
)
def test_the_finder_has_the_filters_of_the_api(heart, query, shown, not_shown):
    StudySiteFactory(
        study__lay_title_nb="Bare for kvinner",
        study__sex=Study.Sex.FEMALE,
        study__healthy_volunteers=True,
        study__decentralised=True,
        study__category=Study.Category.OBSERVATIONAL,
        study__phase=Study.Phase.NOT_APPLICABLE,
    )
    html = get(f"/?{query}")
    assert shown in html and not_shown not in html


def test_a_result_shows_its_texts_as_written_never_as_markup(heart):
    StudySiteFactory(
        study__lay_title_nb='Hjerte & lunge <b>"fett"</b>',
        study__lay_summary_nb="Kort <script>alert('x')</script> sammendrag.",
        study__conditions="Hjertesvikt",
    )
    html = get("/?q=hjertesvikt&lang=nb")
    assert "Hjerte &amp; lunge &lt;b&gt;&quot;fett&quot;&lt;/b&gt;</a>" in html
    assert "Kort &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; sammendrag.</p>" in html
    assert "<script>" not in html and "<b>" not in html
    # The link keeps the search to go back to, its ampersand written as markup needs it.
    assert re.search(r'href="/studier/[^"]+/\?lang=nb&amp;sok=q%3Dhjertesvikt"', html)


def test_a_long_summary_is_cut_after_30_words_in_the_list(heart):
    words = [f"ord{n}" for n in range(40)]
    StudySiteFactory(study__lay_title_nb="Lang studie", study__lay_summary_nb=" ".join(words))
    html = get("/?q=")
    assert f"<p>{' '.join(words[:30])} …</p>" in html and "ord30" not in html


def test_the_municipality_picker_lists_names_as_typed(heart):
    html = get("/")
    assert re.search(r'<option value="4601">Bergen\b', html)
    assert "4601 Bergen" not in html


def test_the_age_error_is_described_by_an_element_that_exists(heart):
    html = get("/?age=-4")
    described = re.search(r'aria-describedby="([^"]+)"', html).group(1)
    assert f'id="{described}"' in html


def test_every_field_in_error_says_why_where_its_description_points(heart):
    """An old link with a region, area or municipality no longer offered, or a typed address with
    a search too long, tells the patient what is wrong next to the field, not an empty page."""
    html = get(
        "/?region=vestlandet&hrcs=99&municipality=0301x&sex=x&phase=x&category=x&radius_km=7"
        f"&q={'a' * 201}&age=-4"
    )
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert len(described) == 9  # q, region, hrcs, age, sex, municipality, radius, category, phase
    for element_id in described:
        said = re.search(rf'<p class="errors" id="{element_id}">([^<]+)</p>', html)
        assert said is not None, element_id
        assert said.group(1).strip()
    assert re.search(r'id="id_region_error">Velg et gyldig valg', html)


@pytest.mark.parametrize(
    ("lang", "said"), [("nb", "Noe gikk galt"), ("en", "Something went wrong")]
)
def test_a_server_error_page_is_in_the_site_design_and_language(rf, lang, said):
    from sites.operations.views import server_error

    response = server_error(rf.get(f"/studier/KS00000000/?lang={lang}"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{lang}">' in html and said in html
    assert 'class="skip"' in html  # the finder's own page, with its header and skip link
