"""The indicator dashboards: a scope picker with what the user may see, a clear answer to a scope
that is unknown or not theirs, and a drill-down that says what each study contributes."""

from __future__ import annotations

import re

import pytest

from indicators import services
from indicators.catalogue import CATALOGUE
from indicators.periods import Period
from sites.models import Organisation, Region

OCTOBER = Period.month(2026, 10)
OVERVIEW = "/admin/indicators/indicator/oversikt/"
DRILL = "/admin/indicators/indicator/studier/"


@pytest.fixture
def computed(world):
    services.snapshots_compute(period=OCTOBER.previous())
    services.snapshots_compute(period=OCTOBER)
    return world


def _options(html: str) -> dict[str, str]:
    picker = html.split('id="ind-scope"', 1)[1].split("</select>", 1)[0]
    return dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', picker))


def _contribution(html: str, title: str) -> str:
    """The last cell (the contribution) of the study row whose title link reads ``title``."""
    row = re.search(rf">{re.escape(title)}</a></td>(.*?)</tr>", html, re.S).group(1)
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)[-1]


@pytest.mark.django_db
def test_a_national_user_picks_the_country_a_region_or_a_health_trust(computed, admin_client):
    html = admin_client.get(f"{OVERVIEW}?period=2026-10").content.decode()
    options = _options(html)
    assert options["national"] == "Hele landet"
    assert {f"region:{r.pk}" for r in Region.objects.all()} <= set(options)
    assert options[f"hf:{computed['bergen'].pk}"] == "Helse Bergen HF"
    vest = Region.objects.get(code="helse-vest")
    picked = admin_client.get(f"{OVERVIEW}?period=2026-10&scope=region:{vest.pk}")
    assert picked.status_code == 200
    assert _options(picked.content.decode()) == options
    assert f'<option value="region:{vest.pk}" selected>' in picked.content.decode()


@pytest.mark.django_db
def test_a_coordinator_picks_only_within_their_region(computed, coordinator_vest, client):
    client.force_login(coordinator_vest)
    options = _options(client.get(f"{OVERVIEW}?period=2026-10").content.decode())
    vest = Region.objects.get(code="helse-vest")
    assert "national" not in options and f"region:{vest.pk}" in options
    assert f"hf:{computed['bergen'].pk}" in options
    assert f"org:{computed['unn'].pk}" not in options  # Helse Nord
    in_vest = Organisation.objects.filter(region=vest).count()
    assert len([k for k in options if k.startswith("org:")]) == in_vest


@pytest.mark.django_db
def test_an_unknown_scope_is_named_as_unknown_instead_of_showing_national_figures(
    computed, admin_client
):
    for scope in ("org:999999", "nonsense", "region:abc"):
        response = admin_client.get(f"{OVERVIEW}?period=2026-10&scope={scope}")
        html = response.content.decode()
        assert response.status_code == 400, scope
        assert f"Ukjent omfang «{scope}»" in html
        assert 'class="ind-table"' not in html  # no figures of another scope in its place
        assert 'id="ind-scope"' in html  # the picker to choose again


@pytest.mark.django_db
def test_another_regions_scope_is_refused_with_a_message(computed, coordinator_vest, client):
    client.force_login(coordinator_vest)
    unn = computed["unn"]
    for url in (f"{OVERVIEW}?scope=org:{unn.pk}", f"{DRILL}participants-active/?scope=hf:{unn.pk}"):
        response = client.get(url)
        assert response.status_code == 403
        html = response.content.decode()
        assert "Du har ikke tilgang til tallene for «Universitetssykehuset Nord-Norge" in html
        assert 'id="drilldown"' not in html


@pytest.mark.django_db
def test_the_drill_down_shows_what_each_study_adds_to_the_figure(
    computed, coordinator_vest, client
):
    client.force_login(coordinator_vest)
    region = client.get(f"{DRILL}participants-active/?period=2026-10").content.decode()
    # Study A: one person at Haukeland (Helse Bergen), one at Stavanger, both in Helse Vest.
    assert "Personer som deltar" in region
    assert _contribution(region, "A") == "2"
    bergen = client.get(
        f"{DRILL}participants-active/?period=2026-10&scope=hf:{computed['bergen'].pk}"
    ).content.decode()
    assert _contribution(bergen, "A") == "1"  # only the person at Helse Bergen's site


@pytest.mark.django_db
def test_the_drill_down_of_a_median_shows_each_studys_days(computed, coordinator_vest, client):
    services.snapshots_compute(period=Period.month(2026, 8))
    client.force_login(coordinator_vest)
    html = client.get(f"{DRILL}approval-to-first-patient-days/?period=2026-08").content.decode()
    # A: DMP approval 5 July, first recorded enrolment 1 August.
    assert "Dager fra godkjenning til første inklusjon" in html
    assert _contribution(html, "A") == "27"


@pytest.mark.django_db
def test_the_dashboards_speak_the_users_language(computed, coordinator_vest, client):
    client.force_login(coordinator_vest)
    unknown = client.get(f"{OVERVIEW}?scope=nonsense", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Unknown scope “nonsense”. Choose a scope in the list" in unknown
    assert '<label for="ind-scope">Scope</label>' in unknown
    assert 'value="Show"' in unknown and "Ukjent omfang" not in unknown
    drill = client.get(
        f"{DRILL}participants-active/?period=2026-10", HTTP_ACCEPT_LANGUAGE="nn"
    ).content.decode()
    assert "Personar som deltek" in drill and "Personer som deltar" not in drill
    assert "Same person i fleire studiar blir talt i kvar studie" in drill
    assert "<th>Tittel</th>" in drill and ": 1 studie, til saman" in drill
    league = client.get(
        "/admin/indicators/indicator/liga/?period=2026-10&niva=hf", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Ranked by new participants per 100,000 inhabitants" in league
    assert "<strong>Health trust</strong>" in league and "Helseforetak" not in league


@pytest.mark.django_db
def test_the_country_is_named_in_the_users_language(computed, admin_client):
    english = admin_client.get(f"{OVERVIEW}?period=2026-10", HTTP_ACCEPT_LANGUAGE="en")
    html = english.content.decode()
    assert _options(html)["national"] == "Whole country"
    assert '<optgroup label="Country and regions">' in html and "Hele landet" not in html
    nynorsk = admin_client.get(f"{OVERVIEW}?period=2026-10", HTTP_ACCEPT_LANGUAGE="nn")
    assert _options(nynorsk.content.decode())["national"] == "Heile landet"


@pytest.mark.django_db
def test_indicator_names_are_english_on_an_english_page(computed, coordinator_vest, client):
    client.force_login(coordinator_vest)
    active = CATALOGUE["participants-active"]
    overview = client.get(f"{OVERVIEW}?period=2026-10", HTTP_ACCEPT_LANGUAGE="en").text
    assert f">{active.name_en}</span>" in overview and f">{active.name_nb}<" not in overview
    drill = client.get(f"{DRILL}participants-active/?period=2026-10", HTTP_ACCEPT_LANGUAGE="en")
    assert f"<title>{active.name_en} |" in drill.text
    bokmal = client.get(f"{OVERVIEW}?period=2026-10", HTTP_ACCEPT_LANGUAGE="nb").text
    assert f">{active.name_nb}</span>" in bokmal
