"""A synthetic demo portfolio: realistic, deterministic, idempotent, and free of personal data.

Every demo study carries a sponsor protocol code ``DEMO-NNNN``; loading again skips those that exist.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sites.history import save_with_history
from sites.models import Municipality, Organisation, Region

from .models import HealthCategory, ResearchActivity, Sponsor, Study, StudySite

DEMO_STUDY_COUNT = 240

# (HRCS code, conditions in Bokmål, what is tested)
_THEMES: list[tuple[str, list[str], list[str]]] = [
    (
        "02",
        [
            "brystkreft",
            "tykktarmskreft",
            "lungekreft",
            "prostatakreft",
            "føflekkreft",
            "lymfekreft",
        ],
        [
            "en ny immunterapi",
            "kortere strålebehandling",
            "et nytt legemiddel i tablettform",
            "trening under cellegiftbehandling",
        ],
    ),
    (
        "03",
        ["hjertesvikt", "atrieflimmer", "høyt blodtrykk", "hjerteinfarkt"],
        [
            "et digitalt oppfølgingsprogram",
            "et nytt blodfortynnende legemiddel",
            "hjemmemåling av blodtrykk",
        ],
    ),
    ("18", ["hjerneslag"], ["tidlig opptrening", "ny behandling som løser opp blodpropp"]),
    (
        "10",
        ["depresjon", "angst", "spiseforstyrrelser", "psykoselidelser"],
        ["nettbasert kognitiv terapi", "gruppebehandling", "fysisk aktivitet som behandling"],
    ),
    (
        "13",
        ["type 2-diabetes", "type 1-diabetes", "fedme"],
        ["kontinuerlig glukosemåling", "et nytt ukentlig legemiddel", "kostveiledning i kommunen"],
    ),
    (
        "14",
        ["revmatoid artritt", "Bekhterevs sykdom", "psoriasisartritt"],
        ["nedtrapping av biologiske legemidler", "tett oppfølging av sykepleier"],
    ),
    (
        "12",
        ["hoftebrudd", "kneartrose", "korsryggsmerter"],
        ["rask mobilisering etter operasjon", "digital fysioterapi", "en ny operasjonsmetode"],
    ),
    ("15", ["astma", "KOLS"], ["et nytt inhalasjonspreparat", "lungerehabilitering hjemme"]),
    (
        "11",
        ["multippel sklerose", "Parkinsons sykdom", "demens", "epilepsi"],
        [
            "et nytt sykdomsmodifiserende legemiddel",
            "hjemmebasert oppfølging",
            "musikkterapi i sykehjem",
        ],
    ),
    (
        "08",
        ["sepsis", "urinveisinfeksjon", "lungebetennelse"],
        ["kortere antibiotikakur", "rask diagnostikk ved innleggelse"],
    ),
    ("16", ["kronisk nyresykdom"], ["tidlig henvisning til nyrelege", "hjemmedialyse"]),
    (
        "17",
        ["tannråte hos barn", "periodontitt"],
        ["fluorlakk i skolen", "ny behandling av tannkjøttsykdom"],
    ),
    (
        "19",
        ["for tidlig fødsel", "svangerskapsdiabetes"],
        ["hudkontakt etter fødsel", "tett blodsukkeroppfølging"],
    ),
    ("07", ["aldersrelatert makuladegenerasjon", "grønn stær"], ["sjeldnere injeksjoner i øyet"]),
    ("09", ["inflammatorisk tarmsykdom", "leverbetennelse"], ["et nytt biologisk legemiddel"]),
]

_SPONSORS = [
    ("Oslo universitetssykehus HF", Sponsor.Kind.PUBLIC, "NO"),
    ("Helse Bergen HF", Sponsor.Kind.PUBLIC, "NO"),
    ("St. Olavs hospital HF", Sponsor.Kind.PUBLIC, "NO"),
    ("Universitetssykehuset Nord-Norge HF", Sponsor.Kind.PUBLIC, "NO"),
    ("Novo Nordisk A/S", Sponsor.Kind.INDUSTRY, "DK"),
    ("Pfizer Inc.", Sponsor.Kind.INDUSTRY, "US"),
    ("AstraZeneca AB", Sponsor.Kind.INDUSTRY, "SE"),
    ("Roche (F. Hoffmann-La Roche AG)", Sponsor.Kind.INDUSTRY, "CH"),
    ("Novartis Pharma AG", Sponsor.Kind.INDUSTRY, "CH"),
    ("Nykode Therapeutics ASA", Sponsor.Kind.INDUSTRY, "NO"),
    ("Kreftforeningen", Sponsor.Kind.NONPROFIT, "NO"),
]

# Municipal health services and county dental services that run studies in the demo.
_LOCAL_SERVICES = [
    ("0301", Organisation.Kind.MUNICIPAL_SERVICE, "Oslo kommune, helseetaten"),
    ("4601", Organisation.Kind.MUNICIPAL_SERVICE, "Bergen kommune, helse og omsorg"),
    ("5001", Organisation.Kind.MUNICIPAL_SERVICE, "Trondheim kommune, helse og velferd"),
    ("5501", Organisation.Kind.MUNICIPAL_SERVICE, "Tromsø kommune, helse og omsorg"),
    ("1103", Organisation.Kind.MUNICIPAL_SERVICE, "Stavanger kommune, helse og velferd"),
    ("1804", Organisation.Kind.MUNICIPAL_SERVICE, "Bodø kommune, helse og omsorg"),
    ("4601", Organisation.Kind.DENTAL_SERVICE, "Den offentlege tannhelsetenesta i Vestland"),
    ("5001", Organisation.Kind.DENTAL_SERVICE, "Den offentlige tannhelsetjenesten i Trøndelag"),
    ("5501", Organisation.Kind.DENTAL_SERVICE, "Den offentlige tannhelsetjenesten i Troms"),
    ("0301", Organisation.Kind.DENTAL_SERVICE, "Tannhelsetjenesten i Oslo kommune"),
]

_STATUS_WEIGHTS = [
    (Study.Status.OPEN, 45),
    (Study.Status.CLOSED, 12),
    (Study.Status.COMPLETED, 10),
    (Study.Status.APPROVED, 8),
    (Study.Status.AWAITING_APPROVAL, 7),
    (Study.Status.DRAFT, 6),
    (Study.Status.SUSPENDED, 4),
    (Study.Status.TERMINATED, 4),
    (Study.Status.WITHDRAWN, 4),
]
_CATEGORY_WEIGHTS = [
    (Study.Category.KBS, 50),
    (Study.Category.OTHER_INTERVENTIONAL, 12),
    (Study.Category.OBSERVATIONAL, 18),
    (Study.Category.REGISTRY, 12),
    (Study.Category.IMPLEMENTATION, 8),
]
_PHASES = [
    Study.Phase.PHASE_1,
    Study.Phase.PHASE_1_2,
    Study.Phase.PHASE_2,
    Study.Phase.PHASE_3,
    Study.Phase.PHASE_4,
]


@dataclass
class DemoResult:
    studies_created: int = 0
    studies_existing: int = 0
    organisations_created: int = 0


def _pick(rng: random.Random, weighted: list) -> object:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _local_services(result: DemoResult) -> list[Organisation]:
    services = []
    for code, kind, name in _LOCAL_SERVICES:
        municipality = Municipality.objects.select_related("region").get(code=code)
        org, created = Organisation.objects.get_or_create(
            name=name,
            kind=kind,
            defaults={
                "municipality": municipality,
                "region": municipality.region,
                "latitude": municipality.latitude,
                "longitude": municipality.longitude,
            },
        )
        result.organisations_created += int(created)
        services.append(org)
    return services


def _lay_texts(
    condition: str, intervention: str, category: str, rng: random.Random
) -> tuple[str, str, str]:
    if category in (Study.Category.OBSERVATIONAL, Study.Category.REGISTRY):
        title = f"Hvordan går det med personer med {condition} over tid?"
        summary = (
            f"Vi vil lære mer om hvordan {condition} utvikler seg, og hva som påvirker hvordan det går. "
            "Studien endrer ikke behandlingen du får. "
            + (
                "Vi bruker opplysninger fra helseregistre."
                if category == Study.Category.REGISTRY
                else "Du svarer på spørreskjema og gir blodprøver ved vanlige kontroller."
            )
        )
    elif category == Study.Category.IMPLEMENTATION:
        title = f"Bedre oppfølging av {condition} i kommunen"
        summary = (
            f"Studien prøver ut {intervention} for personer med {condition}, og undersøker om "
            "tilbudet kan tas i bruk i hele landet."
        )
    else:
        title = f"Kan {intervention} hjelpe personer med {condition}?"
        summary = (
            f"Studien sammenligner {intervention} med vanlig behandling for personer med {condition}. "
            f"Deltakerne trekkes tilfeldig til én av to grupper og følges i {rng.choice([6, 12, 24, 36])} måneder. "
            "Deltakelse er frivillig, og du kan når som helst trekke deg uten at det påvirker behandlingen din."
        )
    scientific = (
        f"A randomised study of {intervention} in patients with {condition}"
        if category in (Study.Category.KBS, Study.Category.OTHER_INTERVENTIONAL)
        else f"A cohort study of {condition} in Norway"
    )
    return title, summary, scientific


def _dates(status: str, rng: random.Random, today: dt.date) -> dict:
    approved = today - dt.timedelta(days=rng.randint(30, 1500))
    dates: dict = {"application_submitted_on": approved - dt.timedelta(days=rng.randint(20, 120))}
    if status in (Study.Status.DRAFT, Study.Status.AWAITING_APPROVAL, Study.Status.WITHDRAWN):
        return dates
    dates["rek_approved_on"] = approved
    if status == Study.Status.APPROVED:
        return dates
    opened = approved + dt.timedelta(days=rng.randint(10, 200))
    opened = min(opened, today - dt.timedelta(days=5))
    dates["opened_on"] = opened
    dates["first_patient_in_on"] = opened + dt.timedelta(days=rng.randint(3, 90))
    if dates["first_patient_in_on"] > today:
        dates["first_patient_in_on"] = None
    if status == Study.Status.OPEN:
        dates["planned_recruitment_end_on"] = today + dt.timedelta(days=rng.randint(30, 900))
    else:
        end = opened + dt.timedelta(days=rng.randint(60, 700))
        end = min(end, today - dt.timedelta(days=1))
        dates["planned_recruitment_end_on"] = end
        dates["actual_recruitment_end_on"] = end
        if status == Study.Status.COMPLETED:
            dates["completed_on"] = min(end + dt.timedelta(days=rng.randint(30, 300)), today)
    return dates


@transaction.atomic
def demo_portfolio_load(*, count: int = DEMO_STUDY_COUNT, seed: int = 2025) -> DemoResult:
    result = DemoResult()
    today = timezone.localdate()
    categories = {c.code: c for c in HealthCategory.objects.all()}
    activities = list(ResearchActivity.objects.all())
    hospitals_by_region: dict[int, list[Organisation]] = {}
    for org in Organisation.objects.filter(
        kind__in=[
            Organisation.Kind.HF,
            Organisation.Kind.HOSPITAL,
            Organisation.Kind.PRIVATE_NONPROFIT,
        ],
        region__isnull=False,
    ).order_by("orgnr"):
        hospitals_by_region.setdefault(org.region_id, []).append(org)
    regions = list(Region.objects.order_by("code"))
    local_services = _local_services(result)
    sponsors = [
        Sponsor.objects.get_or_create(name=name, defaults={"kind": kind, "country": country})[0]
        for name, kind, country in _SPONSORS
    ]
    existing = set(
        Study.objects.filter(sponsor_protocol_code__startswith="DEMO-").values_list(
            "sponsor_protocol_code", flat=True
        )
    )

    for n in range(1, count + 1):
        code = f"DEMO-{n:04d}"
        if code in existing:
            result.studies_existing += 1
            continue
        rng = random.Random(f"{seed}-{n}")  # One generator per study: the same study on every load.
        region = regions[n % len(regions)]
        status = Study.Status.OPEN if n <= 40 else _pick(rng, _STATUS_WEIGHTS)
        category = list(Study.Category)[n % 5] if n <= 10 else _pick(rng, _CATEGORY_WEIGHTS)
        hrcs_code, conditions, interventions = rng.choice(_THEMES)
        condition, intervention = rng.choice(conditions), rng.choice(interventions)
        sponsor = rng.choice(sponsors)
        site_count = rng.choice([1, 1, 2, 2, 3, 4, 6])
        region_hospitals = hospitals_by_region[region.id]
        all_hospitals = [o for orgs in hospitals_by_region.values() for o in orgs]
        site_orgs = rng.sample(region_hospitals, k=min(site_count, len(region_hospitals)))
        if site_count > 3:
            site_orgs += [o for o in rng.sample(all_hospitals, k=2) if o not in site_orgs]
        if hrcs_code == "17" or rng.random() < 0.12:
            site_orgs.append(rng.choice(local_services))
        target = rng.choice([20, 40, 60, 100, 150, 300, 600])
        min_age = rng.choice([18, 18, 18, 16, 40, 60, 0])
        dates = _dates(status, rng, today)

        lay_title, lay_summary, scientific = _lay_texts(condition, intervention, category, rng)
        is_drug = category == Study.Category.KBS and "legemiddel" in intervention
        study = Study(
            sponsor_protocol_code=code,
            scientific_title=scientific[:1].upper() + scientific[1:],
            lay_title_nb=lay_title,
            lay_summary_nb=lay_summary,
            lay_nb_reviewed_at=timezone.now() if rng.random() < 0.8 else None,
            category=category,
            phase=rng.choice(_PHASES)
            if category in (Study.Category.KBS, Study.Category.OTHER_INTERVENTIONAL)
            else Study.Phase.NOT_APPLICABLE,
            intervention_types=["drug"]
            if is_drug
            else ["behavioural" if "terapi" in intervention else "other"],
            research_activity=rng.choice(activities),
            conditions=condition,
            min_age=min_age,
            max_age=None if min_age >= 40 else rng.choice([None, 80, 99]),
            sex=Study.Sex.FEMALE
            if condition in ("brystkreft", "svangerskapsdiabetes")
            else Study.Sex.ALL,
            healthy_volunteers=rng.random() < 0.05,
            eligibility_criteria=f"Voksne med {condition} som kan gi informert samtykke.",
            sponsor=sponsor,
            sponsor_type=Study.SponsorType.INDUSTRY
            if sponsor.kind == Sponsor.Kind.INDUSTRY
            else Study.SponsorType.PUBLIC,
            decentralised=rng.random() < 0.15,
            responsible_organisation=site_orgs[0],
            target_enrolment=target,
            status=status,
            is_published=status
            not in (Study.Status.DRAFT, Study.Status.AWAITING_APPROVAL, Study.Status.WITHDRAWN)
            and rng.random() < 0.9,
            rek_number=f"{400000 + n}" if "rek_approved_on" in dates else "",
            eu_ct_number=f"{2022 + n % 4}-5{n:05d}-{n % 90 + 10}-00"
            if is_drug and "rek_approved_on" in dates
            else "",
            dmp_approved_on=dates.get("rek_approved_on") if is_drug else None,
            **dates,
        )
        if study.is_published:
            study.published_at = timezone.now()
        save_with_history(study, user=None, reason="Demodata")
        study.hrcs_categories.set([categories[hrcs_code]])
        for i, org in enumerate(site_orgs):
            site_status = _site_status(status, i, rng)
            StudySite.objects.create(
                study=study,
                organisation=org,
                status=site_status,
                activated_on=dates.get("opened_on")
                if site_status != StudySite.Status.PLANNED
                else None,
                closed_on=dates.get("actual_recruitment_end_on")
                if site_status == StudySite.Status.CLOSED
                else None,
                contact_name="Forskningsstøtten",
                contact_email="forskning@example.no",
                target_enrolment=max(5, target // len(site_orgs)),
                is_satellite=i > 0
                and org.kind
                in (Organisation.Kind.MUNICIPAL_SERVICE, Organisation.Kind.DENTAL_SERVICE),
            )
        result.studies_created += 1
    return result


def _site_status(study_status: str, index: int, rng: random.Random) -> str:
    if study_status == Study.Status.OPEN:
        return (
            StudySite.Status.OPEN if index == 0 or rng.random() < 0.75 else StudySite.Status.PLANNED
        )
    if study_status in (
        Study.Status.CLOSED,
        Study.Status.COMPLETED,
        Study.Status.TERMINATED,
        Study.Status.SUSPENDED,
    ):
        return StudySite.Status.CLOSED
    return StudySite.Status.PLANNED
