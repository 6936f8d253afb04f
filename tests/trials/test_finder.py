"""The study finder pages, rendered on the server (no JavaScript needed)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sites.history import update_with_history
from sites.models import Municipality, Organisation, Region
from tests.factories import StudySiteFactory, hf
from trials.models import Study, StudySite

pytestmark = pytest.mark.django_db


@pytest.fixture
def studies(reference_data):
    heart = StudySiteFactory(
        study__lay_title_nb="Ny behandling av hjertesvikt",
        study__lay_title_en="New treatment for heart failure",
        study__conditions="Hjertesvikt",
        study__min_age=40,
        study__max_age=80,
        study__hrcs=["03"],
        contact_name="Studiesykepleier Kari",
        contact_email="studie@example.org",
    ).study
    children = StudySiteFactory(
        study__lay_title_nb="Astma hos barn",
        study__min_age=2,
        study__max_age=12,
        study__responsible_organisation=hf("Nord-Norge"),
    ).study
    closed = StudySiteFactory(
        study__lay_title_nb="Avsluttet studie",
        study__status=Study.Status.CLOSED,
        status=StudySite.Status.CLOSED,
    ).study
    hidden = StudySiteFactory(study__lay_title_nb="Hemmelig", study__is_published=False).study
    return heart, children, closed, hidden


def page(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_front_page_lists_published_studies_taking_in_participants_with_where(studies):
    html = page("/")
    assert '<html lang="nb">' in html
    assert "Ny behandling av hjertesvikt" in html and "Astma hos barn" in html
    assert "Hemmelig" not in html
    # The default list does not mix in studies that take in no one.
    assert "Tar inn deltakere" in html and "Avsluttet studie" not in html
    assert "Bergen" in html and "Tromsø" in html
    everything = page("/?q=")
    assert "Avsluttet studie" in everything and "Tar ikke inn flere deltakere" in everything


@pytest.mark.parametrize(
    ("query", "shown", "not_shown"),
    [
        ("q=hjertesvikt", "hjertesvikt", "Astma"),
        ("open=on", "Astma", "Avsluttet studie"),
        ("region=helse-nord", "Astma", "hjertesvikt"),
        ("hrcs=03", "hjertesvikt", "Astma"),
        ("age=8", "Astma", "hjertesvikt"),
        ("municipality=5501&radius_km=25", "Astma", "hjertesvikt"),  # Tromsø
    ],
)
def test_filters_narrow_the_list(studies, query, shown, not_shown):
    html = page(f"/?{query}")
    assert shown in html and not_shown not in html


def test_bad_input_is_explained_not_a_crash(studies):
    html = page("/?age=-4")
    assert 'class="errors"' in html


def test_study_page_shows_summary_eligibility_sites_and_contacts(studies):
    html = page(f"/studier/{studies[0].public_id}/")
    assert "Fra 40 til 80 år." in html
    assert "studie@example.org" in html and "Studiesykepleier Kari" in html
    assert "Hvor foregår studien" in html


def test_unpublished_study_page_is_404(studies):
    assert Client().get(f"/studier/{studies[3].public_id}/").status_code == 404


@pytest.mark.parametrize(
    ("lang", "heading", "title"),
    [
        ("nb", "Finn en klinisk studie", "Ny behandling av hjertesvikt"),
        ("nn", "Finn ein klinisk studie", "Ny behandling av hjertesvikt"),
        ("en", "Find a clinical study", "New treatment for heart failure"),
    ],
)
def test_language_switch(studies, lang, heading, title):
    html = page(f"/?lang={lang}")
    assert f'<html lang="{lang}">' in html and heading in html and title in html


def test_list_page_query_count_does_not_grow_with_rows(reference_data):
    Client().get("/")  # the select lists' reference rows are now in the cache

    def count(n: int) -> int:
        for _ in range(n):
            StudySiteFactory()
        with CaptureQueriesContext(connection) as ctx:
            Client().get("/")
        return len(ctx.captured_queries)

    assert count(2) == count(15)


def test_the_select_lists_come_from_the_cache_and_a_renamed_region_shows_at_once(studies):
    """The regions, categories and municipalities of the search form are read once, then served
    from the shared cache; saving a region forgets them, so the new name is on the next page."""
    Client().get("/?open=on&region=helse-vest")
    with CaptureQueriesContext(connection) as ctx:
        html = page("/?open=on&region=helse-vest&hrcs=03")
    tables = ('FROM "sites_region"', 'FROM "sites_municipality"', 'FROM "trials_healthcategory"')
    assert not [q["sql"] for q in ctx.captured_queries if any(t in q["sql"] for t in tables)]
    assert '<option value="helse-vest" selected>Helse Vest RHF</option>' in html
    region = Region.objects.get(code="helse-vest")
    region.name = "Helse Vest (nytt navn)"
    region.save()
    assert '<option value="helse-vest" selected>Helse Vest (nytt navn)</option>' in page(
        "/?open=on&region=helse-vest"
    )


@pytest.mark.parametrize(("lang", "anywhere"), [("nb", "Hvor som helst"), ("en", "Anywhere")])
def test_a_renamed_municipality_shows_at_once_in_the_list_and_as_chosen(studies, lang, anywhere):
    """The select lists are worked out once per language and kept in the process; a municipality
    renamed is in the list on the next page all the same, and a search near it still works."""
    html = page(f"/?lang={lang}&q=")
    assert f'<option value="" selected>{anywhere}</option>' in html
    assert '<option value="4601">Bergen (Vestland)</option>' in html
    bergen = Municipality.objects.get(code="4601")
    bergen.name = "Bjørgvin"
    bergen.save()
    html = page(f"/?lang={lang}&municipality=4601&radius_km=25")
    assert '<option value="4601" selected>Bjørgvin (Vestland)</option>' in html
    assert "Bergen (Vestland)" not in html
    heart, children, *_ = studies
    assert f"/studier/{heart.public_id}/" in html and f"/studier/{children.public_id}/" not in html


def test_study_page_shows_its_sites_on_a_map_that_needs_no_map_server(studies):
    heart = studies[0]
    StudySiteFactory(study=heart, organisation=hf("Nord-Norge"), status=StudySite.Status.PLANNED)
    html = page(f"/studier/{heart.public_id}/")
    assert 'role="img"' in html and "Kart over Norge med 2 studiesteder" in html
    assert "/static/trials/norge.svg" in html  # served by the project itself
    assert html.count("<circle ") == 2
    # Open sites are drawn last, on top, and each point names its site and state.
    assert html.index(": planlagt</title>") < html.index(": tar inn deltakere</title>")
    english = page(f"/studier/{heart.public_id}/?lang=en")
    assert "Map of Norway with 2 study sites" in english and ": recruiting</title>" in english


def test_no_map_when_no_site_has_coordinates(studies):
    heart = studies[0]
    (only_site,) = heart.sites.all()
    update_with_history(
        Organisation.objects.filter(pk=only_site.organisation_id),
        values={"latitude": None, "longitude": None},
        user=None,
        reason="Uten koordinater",
    )
    html = page(f"/studier/{heart.public_id}/")
    assert "<svg" not in html and "Hvor foregår studien" in html


@pytest.mark.parametrize(
    ("min_age", "max_age", "said"),
    [(0, None, "Alle aldre."), (0, 17, "Opp til 17 år."), (18, None, "Fra 18 år.")],
)
def test_age_from_zero_is_no_lower_limit(studies, min_age, max_age, said):
    heart = studies[0]
    update_with_history(
        Study.objects.filter(pk=heart.pk),
        values={"min_age": min_age, "max_age": max_age},
        user=None,
        reason="Alder",
    )
    html = page(f"/studier/{heart.public_id}/")
    assert said in html and "Fra 0" not in html
