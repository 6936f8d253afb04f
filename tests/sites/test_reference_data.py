import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from sites.models import Municipality, Organisation, Region
from sites.services import REFERENCE_DIR, reference_data_load_sites
from sites.validators import orgnr_is_valid
from trials.models import HealthCategory, ResearchActivity

pytestmark = pytest.mark.django_db


def test_it_loads_the_four_regions_and_every_health_trust(reference_data):
    assert sorted(Region.objects.values_list("code", flat=True)) == [
        "helse-midt-norge",
        "helse-nord",
        "helse-sor-ost",
        "helse-vest",
    ]
    health_trusts = Organisation.objects.filter(kind=Organisation.Kind.HF)
    assert health_trusts.count() == 20
    assert not health_trusts.filter(region__isnull=True).exists()
    bergen = Organisation.objects.get(name="Helse Bergen HF")
    assert bergen.orgnr == "983974724" and bergen.region.code == "helse-vest"
    assert bergen.parent.kind == Organisation.Kind.RHF
    assert Organisation.objects.filter(
        kind=Organisation.Kind.PRIVATE_NONPROFIT, name__icontains="Lovisenberg"
    ).exists()
    assert all(
        orgnr_is_valid(n)
        for n in Organisation.objects.exclude(orgnr=None).values_list("orgnr", flat=True)
    )


def test_every_municipality_has_a_catchment_health_trust(reference_data):
    assert Municipality.objects.count() == 357
    assert not Municipality.objects.filter(catchment_organisation__isnull=True).exists()
    tromso = Municipality.objects.get(code="5501")
    assert tromso.name == "Tromsø"
    assert tromso.catchment_organisation.name == "Universitetssykehuset Nord-Norge HF"
    assert tromso.region.code == "helse-nord"
    assert Municipality.objects.get(code="4601").catchment_organisation.name == "Helse Bergen HF"


def test_it_loads_hrcs_categories_and_activity_codes_in_both_languages(reference_data):
    assert HealthCategory.objects.count() == 21
    assert ResearchActivity.objects.count() == 48
    cancer = HealthCategory.objects.get(identifier__endswith="CAN")
    assert cancer.label_nb == "Kreft" and cancer.label_en.startswith("Cancer")


def test_loading_again_changes_nothing(reference_data, capsys):
    before = (
        Organisation.objects.count(),
        Organisation.history.count(),
        Municipality.objects.count(),
    )
    call_command("load_reference_data")
    assert "allerede oppdatert" in capsys.readouterr().out
    assert (
        Organisation.objects.count(),
        Organisation.history.count(),
        Municipality.objects.count(),
    ) == before


def test_a_bad_organisation_number_is_rejected_and_nothing_is_written(
    reference_data, tmp_path: Path
):
    for name in ("regions.csv", "organisations.csv", "municipalities.csv"):
        shutil.copy(REFERENCE_DIR / name, tmp_path / name)
    path = tmp_path / "organisations.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("983974724", "983974725")  # Helse Bergen HF with a wrong check digit
    path.write_text(
        text.replace("Helse Bergen HF,", "Helse Bergen HF (endret),", 1), encoding="utf-8"
    )
    with pytest.raises(ValidationError) as excinfo:
        reference_data_load_sites(directory=tmp_path)
    assert "983974725" in str(excinfo.value) and "kontrollsiffer" in str(excinfo.value)
    assert not Organisation.objects.filter(name__startswith="Helse Bergen HF (endret)").exists()
    assert not Organisation.objects.filter(orgnr="983974725").exists()
