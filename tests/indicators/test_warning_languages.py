"""The warnings beside an indicator value are stored in Bokmål (as the public API and the reports
show them) and read in the admin in the reader's language."""

import re

import pytest
from django.utils import translation

from indicators import services
from indicators.coverage import coverage_warnings, jump_warning
from indicators.models import IndicatorSnapshot
from indicators.periods import Period
from indicators.warnings import TEMPLATES, warning_shown

OCTOBER = Period.month(2026, 10)
OVERVIEW = "/admin/indicators/indicator/oversikt/"


def test_the_stored_warnings_read_as_before_in_bokmal() -> None:
    coverage = {
        "reference_year": 2019,
        "unknown_sex_share": 20.6,
        "denominator_missing": True,
        "below_min_n": True,
        "n": 3,
        "min_n": 5,
    }
    previous = {"reference_year": 2018, "unknown_sex_share": 10.0}
    before = str(OCTOBER.previous())
    assert coverage_warnings(coverage, previous, OCTOBER) == [
        "Nevneren/tallet gjelder 2019, ikke 2026.",
        "20,6 % av personene har ukjent kjønn.",
        "Ingen rapportert nevner for dette omfanget: andelen beregnes ikke.",
        "Median vises ikke: 3 studier, minst 5 kreves.",
        f"Andelen med ukjent kjønn er endret fra 10,0 % til 20,6 % mot {before}.",
        f"Nevneren er byttet fra 2018-tall til 2019-tall mot {before}.",
    ]
    assert jump_warning(150, 100, OCTOBER) == [
        f"Verdien er endret med +50 % mot {before}: kontroller at grunnlaget er komplett før "
        "tallet brukes."
    ]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_every_warning_is_shown_in_the_readers_language(language: str) -> None:
    for template in TEMPLATES:
        values = {name: f"‹{name}›" for name in re.findall(r"%\((\w+)\)s", template)}
        stored = template % values
        with translation.override(language):
            shown = warning_shown(stored)
            assert shown == translation.gettext(template) % values
        assert (shown == stored) == (language == "nb"), template
        assert all(value in shown for value in values.values())


@pytest.mark.django_db
def test_an_english_reader_sees_the_warnings_of_the_overview_in_english(world, admin_client):
    services.snapshots_compute(period=OCTOBER)
    snapshot = IndicatorSnapshot.objects.filter(
        scope_kind="national", period_start=OCTOBER.start, breakdown=""
    ).first()
    assert snapshot is not None
    snapshot.warnings = ["Nevneren/tallet gjelder 2019, ikke 2026."]
    snapshot.save(update_fields=["warnings"])
    english = admin_client.get(f"{OVERVIEW}?period=2026-10", HTTP_ACCEPT_LANGUAGE="en")
    html = english.content.decode()
    assert "⚠ The denominator/figure is for 2019, not 2026." in html
    assert "Nevneren/tallet gjelder" not in html
    bokmal = admin_client.get(f"{OVERVIEW}?period=2026-10", HTTP_ACCEPT_LANGUAGE="nb")
    assert "⚠ Nevneren/tallet gjelder 2019, ikke 2026." in bokmal.content.decode()
