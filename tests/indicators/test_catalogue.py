"""Every computed indicator against October 2026 of the hand-made portfolio in conftest.py."""

from decimal import Decimal

import pytest

from indicators.catalogue import CATALOGUE
from indicators.models import ReportedFigure
from indicators.periods import Period
from indicators.services import indicator_catalogue_sync

OCTOBER = Period.month(2026, 10)


def values(code, breakdown="", trusts=False, period=OCTOBER):
    """{scope_key: value} (or {(scope_key, breakdown_value): value}) as floats, rounded.

    Health-trust roll-ups ("hf:…") are left out unless ``trusts``: here every site is at an HF
    itself, so they repeat the organisation rows; ``test_trust_rollup.py`` works them out."""
    rows = CATALOGUE[code].compute(period)
    out = {}
    for row in rows:
        if row.breakdown != breakdown or (row.scope_key.startswith("hf:") and not trusts):
            continue
        key = (row.scope_key, row.breakdown_value) if breakdown else row.scope_key
        out[key] = None if row.value is None else round(float(row.value), 2)
    return out


def org(o):
    return f"org:{o.pk}"


def region(o):
    return f"region:{o.region_id}"


@pytest.mark.django_db
def test_patients_taking_part_counts_distinct_people_with_an_enrolment_running_in_the_month(world):
    # E1 (p1 A@Bergen), E2 (p2 A@Stavanger), E4 (p1 C@UNN), E5 (p4 C@UNN); E3 ended in September.
    v = values("participants-active")
    assert v["national"] == 3  # p1, p2, p4
    assert v[region(world["bergen"])] == 2 and v[region(world["unn"])] == 2
    assert v[org(world["bergen"])] == 1 and v[org(world["stavanger"])] == 1
    assert v[org(world["unn"])] == 2
    sex = values("participants-active", "sex")
    assert {k[1]: n for k, n in sex.items() if k[0] == "national"} == {
        "female": 1,
        "male": 1,
        "unknown": 1,
    }
    ages = values("participants-active", "age_band")
    # p1 born 1950 → 76, p2 born 2010 → 16, p4 unknown.
    assert {k[1]: n for k, n in ages.items() if k[0] == "national"} == {
        "67-79": 1,
        "0-17": 1,
        "ukjent": 1,
    }
    hrcs = values("participants-active", "hrcs")
    assert hrcs[("national", "01")] == 2 and hrcs[("national", "02")] == 2
    care = values("participants-active", "care_level")
    assert care == {
        ("national", "specialist"): 3,
        (region(world["bergen"]), "specialist"): 2,
        (region(world["unn"]), "specialist"): 2,
        (org(world["bergen"]), "specialist"): 1,
        (org(world["stavanger"]), "specialist"): 1,
        (org(world["unn"]), "specialist"): 2,
    }
    sponsor = values("participants-active", "sponsor_type")
    assert sponsor[("national", "industry")] == 2 and sponsor[("national", "public")] == 2


@pytest.mark.django_db
def test_new_participants_and_their_growth_against_the_same_month_last_year(world):
    assert values("participants-included")["national"] == 3  # p1, p2, p4 included in October
    # Growth is annual: January–October 2026 against January–October 2025.
    growth = values("participants-growth", period=Period.year_to_date(2026, 10))
    assert growth["national"] == 300.0  # p1, p2, p3, p4 against p1 (C, October 2025)
    assert growth[region(world["unn"])] == 0.0  # p4 against p1
    assert growth[region(world["bergen"])] is None  # nothing a year ago


@pytest.mark.django_db
def test_study_counts_kbs_growth_industry_and_public_overview(world):
    # Active sites in October: A@Bergen, A@Stavanger, C@UNN, D@Bergen (B closed 30 Sept, E in April).
    kbs = values("kbs-count")
    assert kbs["national"] == 2 and kbs[region(world["bergen"])] == 1
    assert kbs[org(world["stavanger"])] == 1
    growth = values("kbs-growth", period=Period.year(2026))
    assert growth["national"] == 100.0 and growth[region(world["unn"])] == 0.0  # A, C against C
    assert values("industry-studies")["national"] == 2  # A and D
    assert values("studies-open-public")["national"] == 2  # A and C (D is unpublished)
    assert values("studies-digital-share")["national"] == 33.33  # C of A, C, D


@pytest.mark.django_db
def test_kbs_share_is_not_taken_from_typed_capacity_figures(world):
    # The capacity rows say 1 700 patients treated; the official share needs a reported
    # denominator of new specialist-care patients, so none is made up from them.
    share = {
        row.scope_key: row for row in CATALOGUE["kbs-share-specialist"].compute(Period.year(2026))
    }
    assert share["national"].value is None and share["national"].denominator is None
    assert share["national"].numerator == 4  # p1, p2, p3 (A) and p4 (C) recruited in 2026


@pytest.mark.django_db
def test_capacity_indicators(world):
    assert values("research-person-years")["national"] == 200.5
    assert values("research-person-years")[region(world["bergen"])] == 150.5
    assert values("phd-coverage")["national"] == 150
    assert values("phd-coverage", "profession")[("national", "lege")] == 140
    assert values("shared-positions")["national"] == 15
    assert values("enrolment-activity")["national"] == 4


@pytest.mark.django_db
def test_timing_indicators(world):
    # A: DMP approval 5 July → first enrolment 1 Aug = 27 days; D has no enrolment. One study is
    # too few for a median (``test_official_methods`` works the median out on five).
    approval = {
        r.scope_key: r for r in CATALOGUE["approval-to-first-patient-days"].compute(OCTOBER)
    }
    assert approval["national"].numerator == 0  # A's first enrolment was in August, not October
    august = CATALOGUE["approval-to-first-patient-days"].compute(Period.month(2026, 8))
    national = next(r for r in august if r.scope_key == "national")
    assert (national.value, national.numerator) == (None, 1)
    # A: application 1 May → 3 Oct = 155 days (late); D: 1 June → 10 Oct = 131 days.
    assert values("commercial-fpi-150-days")["national"] == 50.0
    # A opened 1 Aug → 63 days; D opened 1 Oct → 9 days.
    assert values("fpi-within-30-days")["national"] == 50.0
    # Sites activated in October: A@Stavanger 102 days after DMP approval, D@Bergen 5 days.
    assert values("open-within-60-days")["national"] == 50.0
    # E ended on time with 1 of 1; F ended late with 0 of 5.
    assert values("delivering-to-time-and-target")["national"] == 50.0


@pytest.mark.django_db
def test_industry_indicators(world):
    cancelled = values("agreements-cancelled")
    assert cancelled["national"] == 1 and cancelled[org(world["bergen"])] == 1
    assert values("agreements-cancelled", "reason") == {
        ("national", "budget"): 1,
        (region(world["bergen"]), "budget"): 1,
        (org(world["bergen"]), "budget"): 1,
    }
    # No industry study ended recruitment in October: none carried out according to agreement.
    assert values("industry-delivered") == {"national": 0.0}
    assert values("feasibility-days")["national"] == 20.0  # 10 and 30 days
    assert values("feasibility-satisfaction")["national"] == 4.5
    assert values("feasibility-portal-share")["national"] == 50.0  # R1 of R1, R3


@pytest.mark.django_db
def test_studies_per_million_uses_the_reported_population(world):
    indicators = indicator_catalogue_sync()
    ReportedFigure.objects.create(
        indicator=indicators["population"],
        period_start=Period.year(2026).start,
        value=Decimal(6_000_000),
        source="SSB",
    )
    assert values("studies-per-million")["national"] == 0.5  # A, C, D / 6 million


@pytest.mark.django_db
def test_each_indicator_uses_a_constant_number_of_queries(world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for code, definition in CATALOGUE.items():
        if definition.compute is None:
            continue
        with CaptureQueriesContext(connection) as ctx:
            definition.compute(OCTOBER)
        counts[code] = len(ctx.captured_queries)
    # More data must not mean more queries: add a site and participants and count again.
    from tests.factories import StudySiteFactory

    StudySiteFactory.create_batch(3)
    for code, definition in CATALOGUE.items():
        if definition.compute is None:
            continue
        with CaptureQueriesContext(connection) as ctx:
            definition.compute(OCTOBER)
        assert len(ctx.captured_queries) == counts[code], code


def test_the_catalogue_covers_the_plan():
    focus = {d.focus_area for d in CATALOGUE.values()}
    assert focus == {"overall", "patients", "integrated", "industry", "conduct", "international"}
    assert CATALOGUE["kbs-share-specialist"].target_value == 5
    assert CATALOGUE["kbs-growth"].target_value == 15
    manual = {c for c, d in CATALOGUE.items() if d.method == "manual"}
    assert {"dmp-case-days-phase-1-2", "hds-tailored-deliveries", "population"} <= manual
