"""Capacity figures, reported denominators and manual figures so the demo's indicators and reports
have content, beside the synthetic participation that ``consents.demo`` loads for them.

Idempotent: enrolments are only created when there are none, capacity and manual figures only where
missing. Everything is synthetic (random pseudonyms, no national identity numbers).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from consents.demo import demo_activity_participation_load
from sites.models import Municipality, Organisation, OrganisationCapacity

from .models import Indicator, ReportedDenominator, ReportedFigure
from .services import indicator_catalogue_sync, reported_denominator_record

# Population on 1 January (SSB table 07459); the other figures are demo values.
MANUAL_FIGURES: dict[str, list[tuple[int, int | float]]] = {
    "population": [(2025, 5_594_340), (2026, 5_620_000)],
    "dmp-case-days-phase-1-2": [(2025, 38)],
    "dmp-guidance-sessions": [(2025, 64)],
    "dmp-faster-than-required": [(2025, 31)],
    "hds-tailored-deliveries": [(2025, 140)],
    "hds-delivery-median-days": [(2025, 95)],
    "industry-rd-investment": [(2025, 4200)],
    "europe-studies-per-million-top3": [(2025, 95)],
    "eu-programme-return-share": [(2025, 2.4)],
    "eu-projects-norwegian-coordinator": [(2025, 7)],
}

# The one documented national figure of new specialist-care patients at hand: 14 000 patients were
# 0,8 % of all new patients examined or treated in 2019, so about 1 750 000 new patients. Later
# years are entered by hand when the Directorate of Health publishes them.
NEW_SPECIALIST_PATIENTS = [
    (
        2019,
        1_750_000,
        "Avledet: 14 000 rekrutterte = 0,8 % av nye pasienter i 2019 (Innst. 107 S (2021–2022), "
        "Riksrevisjonen Dokument 3:9 (2020–2021))",
    ),
]


# Population per municipality is not in the shared data: the demo spreads the national figure over
# the municipalities at random, labelled as made up, so the rates per 100 000 of regions and health
# trusts have a denominator. Never official figures; an installation enters SSB's (table 07459).
DEMO_POPULATION_SOURCE = (
    "DEMO – oppdiktet folketall per kommune (landstallet 1.1.2025 fordelt tilfeldig), ikke SSB-tall"
)


def _demo_population(rng: random.Random, year: int = 2025, national: int = 5_594_340) -> int:
    kind = ReportedDenominator.Kind.POPULATION
    if ReportedDenominator.objects.filter(kind=kind, municipality__isnull=False).exists():
        return 0
    municipalities = list(Municipality.objects.order_by("code"))
    weights = [rng.lognormvariate(0, 1.2) for _ in municipalities]
    scale = national / sum(weights) if weights else 0
    for municipality, weight in zip(municipalities, weights, strict=True):
        reported_denominator_record(
            kind=kind,
            year=year,
            value=max(int(weight * scale), 100),
            municipality=municipality,
            source=DEMO_POPULATION_SOURCE,
            note="Demoverdi",
        )
    return len(municipalities)


def _demo_denominators() -> int:
    created = 0
    for year, value, source in NEW_SPECIALIST_PATIENTS:
        kind = ReportedDenominator.Kind.NEW_SPECIALIST_PATIENTS
        if not ReportedDenominator.objects.filter(kind=kind, year=year).exists():
            reported_denominator_record(kind=kind, year=year, value=value, source=source)
            created += 1
    return created


@transaction.atomic
def demo_activity_load(*, seed: int = 2025, max_per_site: int = 40) -> dict[str, int]:
    rng = random.Random(seed)
    today = timezone.localdate()
    created = {"participants": 0, "enrolments": 0, "capacity": 0, "figures": 0}
    enrolled = demo_activity_participation_load(rng=rng, today=today, max_per_site=max_per_site)
    created["participants"] = created["enrolments"] = enrolled

    organisations = Organisation.objects.filter(
        kind__in=[Organisation.Kind.HF, Organisation.Kind.PRIVATE_NONPROFIT]
    )
    capacity = []
    for org in organisations.order_by("pk"):
        size = rng.randint(40, 400)
        for year in (today.year - 1, today.year):
            capacity.append(
                OrganisationCapacity(
                    organisation=org,
                    year=year,
                    patients_treated=size * 500,
                    research_person_years=Decimal(size) / 2,
                    phd_by_profession={
                        "lege": size // 2,
                        "sykepleier": size // 10,
                        "psykolog": size // 20,
                    },
                    shared_research_clinic_positions=size // 8,
                    gcp_trained_staff=size,
                )
            )
    before = OrganisationCapacity.objects.count()
    OrganisationCapacity.objects.bulk_create(capacity, ignore_conflicts=True)
    created["capacity"] = OrganisationCapacity.objects.count() - before

    indicators = indicator_catalogue_sync()
    for code, figures in MANUAL_FIGURES.items():
        for year, value in figures:
            _figure, was_created = ReportedFigure.objects.get_or_create(
                indicator=indicators[code],
                period_kind="year",
                period_start=dt.date(year, 1, 1),
                defaults={
                    "value": Decimal(str(value)),
                    "source": indicators[code].source or "Demo",
                    "note": "Demoverdi" if code != "population" else "",
                },
            )
            created["figures"] += was_created
    created["figures"] += _demo_denominators() + _demo_population(rng)
    assert Indicator.objects.exists()
    return created
