"""A synthetic demo portfolio: realistic, deterministic, idempotent, and free of personal data.

Every demo study carries a sponsor protocol code ``DEMO-NNNN``; loading again skips those that exist.
"""

import datetime as dt
import random
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from sites.history import save_with_history
from sites.models import Municipality, Organisation, Region

from .models import HealthCategory, ResearchActivity, Sponsor, Study, StudySite

_T = TypeVar("_T")

DEMO_STUDY_COUNT = 240


@dataclass(frozen=True)
class Words:
    """The same words in Bokmål, Nynorsk and English."""

    nb: str
    nn: str
    en: str


@dataclass(frozen=True)
class Condition:
    name: Words
    sex: str = "all"  # Study.Sex
    min_age: int = 18
    max_age: int | None = None


@dataclass(frozen=True)
class Intervention:
    name: Words
    is_drug: bool = False


def _c(nb: str, nn: str, en: str, **kwargs) -> Condition:
    return Condition(Words(nb, nn, en), **kwargs)


def _i(nb: str, nn: str, en: str, *, drug: bool = False) -> Intervention:
    return Intervention(Words(nb, nn, en), is_drug=drug)


# (HRCS health category, conditions, what is tested). The categories are those of the HRCS
# (trials/fixtures/reference/hrcs_health_categories.csv): stroke is 19 Stroke, diabetes 11
# Metabolic and endocrine, asthma 17 Respiratory.
_THEMES: list[tuple[str, list[Condition], list[Intervention]]] = [
    (
        "02",  # Cancer and neoplasms
        [
            _c("brystkreft", "brystkreft", "breast cancer", sex="female"),
            _c("tykktarmskreft", "tjukktarmskreft", "colon cancer"),
            _c("lungekreft", "lungekreft", "lung cancer"),
            _c("prostatakreft", "prostatakreft", "prostate cancer", sex="male", min_age=40),
            _c("føflekkreft", "føflekkreft", "melanoma"),
            _c("lymfekreft", "lymfekreft", "lymphoma"),
        ],
        [
            _i("en ny immunterapi", "ein ny immunterapi", "a new immunotherapy", drug=True),
            _i("kortere strålebehandling", "kortare strålebehandling", "shorter radiotherapy"),
            _i(
                "et nytt legemiddel i tablettform",
                "eit nytt legemiddel i tablettform",
                "a new oral drug",
                drug=True,
            ),
            _i(
                "trening under cellegiftbehandling",
                "trening under cellegiftbehandling",
                "exercise during chemotherapy",
            ),
        ],
    ),
    (
        "03",  # Cardiovascular
        [
            _c("hjertesvikt", "hjartesvikt", "heart failure", min_age=40),
            _c("atrieflimmer", "atrieflimmer", "atrial fibrillation", min_age=40),
            _c("høyt blodtrykk", "høgt blodtrykk", "high blood pressure"),
            _c("hjerteinfarkt", "hjarteinfarkt", "myocardial infarction", min_age=40),
        ],
        [
            _i(
                "et digitalt oppfølgingsprogram",
                "eit digitalt oppfølgingsprogram",
                "a digital follow-up programme",
            ),
            _i(
                "et nytt blodfortynnende legemiddel",
                "eit nytt blodfortynnande legemiddel",
                "a new anticoagulant",
                drug=True,
            ),
            _i(
                "hjemmemåling av blodtrykk",
                "heimemåling av blodtrykk",
                "home blood pressure monitoring",
            ),
        ],
    ),
    (
        "19",  # Stroke
        [_c("hjerneslag", "hjerneslag", "stroke", min_age=18)],
        [
            _i("tidlig opptrening", "tidleg opptrening", "early rehabilitation"),
            _i(
                "et nytt legemiddel som løser opp blodpropp",
                "eit nytt legemiddel som løyser opp blodpropp",
                "a new clot-dissolving drug",
                drug=True,
            ),
        ],
    ),
    (
        "10",  # Mental health
        [
            _c("depresjon", "depresjon", "depression", min_age=16),
            _c("angst", "angst", "anxiety", min_age=16),
            _c("spiseforstyrrelser", "eteforstyrringar", "eating disorders", min_age=16),
            _c("psykoselidelser", "psykoselidingar", "psychotic disorders"),
        ],
        [
            _i(
                "nettbasert kognitiv terapi",
                "nettbasert kognitiv terapi",
                "internet-delivered cognitive therapy",
            ),
            _i("gruppebehandling", "gruppebehandling", "group therapy"),
            _i(
                "fysisk aktivitet som behandling",
                "fysisk aktivitet som behandling",
                "physical activity as treatment",
            ),
        ],
    ),
    (
        "11",  # Metabolic and endocrine
        [
            _c("type 2-diabetes", "type 2-diabetes", "type 2 diabetes"),
            _c("type 1-diabetes", "type 1-diabetes", "type 1 diabetes", min_age=6),
            _c("fedme", "fedme", "obesity"),
        ],
        [
            _i(
                "kontinuerlig glukosemåling",
                "kontinuerleg glukosemåling",
                "continuous glucose monitoring",
            ),
            _i(
                "et nytt ukentlig legemiddel",
                "eit nytt vekentleg legemiddel",
                "a new once-weekly drug",
                drug=True,
            ),
            _i(
                "kostveiledning i kommunen",
                "kosthaldsrettleiing i kommunen",
                "dietary advice in primary care",
            ),
        ],
    ),
    (
        "08",  # Inflammatory and immune system
        [
            _c("revmatoid artritt", "revmatoid artritt", "rheumatoid arthritis"),
            _c("Bekhterevs sykdom", "Bekhterevs sjukdom", "ankylosing spondylitis"),
            _c("psoriasisartritt", "psoriasisartritt", "psoriatic arthritis"),
        ],
        [
            _i(
                "nedtrapping av biologiske legemidler",
                "nedtrapping av biologiske legemiddel",
                "tapering of biological drugs",
                drug=True,
            ),
            _i(
                "tett oppfølging av sykepleier",
                "tett oppfølging av sjukepleiar",
                "close follow-up by a nurse",
            ),
        ],
    ),
    (
        "12",  # Musculoskeletal
        [
            _c("hoftebrudd", "hoftebrot", "hip fracture", min_age=60),
            _c("kneartrose", "kneartrose", "knee osteoarthritis", min_age=40),
            _c("korsryggsmerter", "korsryggsmerter", "low back pain"),
        ],
        [
            _i(
                "rask mobilisering etter operasjon",
                "rask mobilisering etter operasjon",
                "early mobilisation after surgery",
            ),
            _i("digital fysioterapi", "digital fysioterapi", "digital physiotherapy"),
            _i("en ny operasjonsmetode", "ein ny operasjonsmetode", "a new surgical technique"),
        ],
    ),
    (
        "17",  # Respiratory
        [
            _c("astma", "astma", "asthma", min_age=6),
            _c("KOLS", "KOLS", "chronic obstructive pulmonary disease", min_age=40),
        ],
        [
            _i(
                "et nytt inhalasjonspreparat",
                "eit nytt inhalasjonspreparat",
                "a new inhaled drug",
                drug=True,
            ),
            _i(
                "lungerehabilitering hjemme",
                "lungerehabilitering heime",
                "home-based pulmonary rehabilitation",
            ),
        ],
    ),
    (
        "13",  # Neurological
        [
            _c("multippel sklerose", "multippel sklerose", "multiple sclerosis"),
            _c("Parkinsons sykdom", "Parkinsons sjukdom", "Parkinson's disease", min_age=40),
            _c("demens", "demens", "dementia", min_age=60),
            _c("epilepsi", "epilepsi", "epilepsy", min_age=6),
        ],
        [
            _i(
                "et nytt sykdomsmodifiserende legemiddel",
                "eit nytt sjukdomsmodifiserande legemiddel",
                "a new disease-modifying drug",
                drug=True,
            ),
            _i("hjemmebasert oppfølging", "heimebasert oppfølging", "home-based follow-up"),
            _i("musikkterapi", "musikkterapi", "music therapy"),
        ],
    ),
    (
        "07",  # Infection
        [
            _c("sepsis", "sepsis", "sepsis"),
            _c("urinveisinfeksjon", "urinvegsinfeksjon", "urinary tract infection"),
            _c("lungebetennelse", "lungebetennelse", "pneumonia"),
        ],
        [
            _i(
                "kortere antibiotikakur",
                "kortare antibiotikakur",
                "shorter antibiotic treatment",
                drug=True,
            ),
            _i(
                "rask diagnostikk ved innleggelse",
                "rask diagnostikk ved innlegging",
                "rapid diagnostics on admission",
            ),
        ],
    ),
    (
        "15",  # Renal and urogenital
        [_c("kronisk nyresykdom", "kronisk nyresjukdom", "chronic kidney disease")],
        [
            _i(
                "tidlig henvisning til nyrelege",
                "tidleg tilvising til nyrelege",
                "early referral to a nephrologist",
            ),
            _i("hjemmedialyse", "heimedialyse", "home dialysis"),
        ],
    ),
    (
        "14",  # Oral and gastrointestinal
        [
            _c(
                "tannråte hos barn",
                "tannròte hos born",
                "dental caries in children",
                min_age=6,
                max_age=12,
            ),
            _c("periodontitt", "periodontitt", "periodontitis"),
        ],
        [
            _i("fluorlakk", "fluorlakk", "fluoride varnish"),
            _i(
                "ny behandling av tannkjøttsykdom",
                "ny behandling av tannkjøttsjukdom",
                "a new treatment for gum disease",
            ),
        ],
    ),
    (
        "16",  # Reproductive health and childbirth
        [
            _c("for tidlig fødsel", "for tidleg fødsel", "preterm birth", sex="female"),
            _c(
                "svangerskapsdiabetes", "svangerskapsdiabetes", "gestational diabetes", sex="female"
            ),
        ],
        [
            _i(
                "hudkontakt etter fødselen",
                "hudkontakt etter fødselen",
                "skin-to-skin contact after birth",
            ),
            _i(
                "tett blodsukkeroppfølging",
                "tett blodsukkeroppfølging",
                "close blood glucose monitoring",
            ),
        ],
    ),
    (
        "06",  # Eye
        [
            _c(
                "aldersrelatert makuladegenerasjon",
                "aldersrelatert makuladegenerasjon",
                "age-related macular degeneration",
                min_age=60,
            ),
            _c("grønn stær", "grøn stær", "glaucoma", min_age=40),
        ],
        [
            _i(
                "sjeldnere injeksjoner i øyet",
                "sjeldnare injeksjonar i auget",
                "less frequent eye injections",
                drug=True,
            )
        ],
    ),
    (
        "14",  # Oral and gastrointestinal
        [
            _c(
                "inflammatorisk tarmsykdom",
                "inflammatorisk tarmsjukdom",
                "inflammatory bowel disease",
            ),
            _c("leverbetennelse", "leverbetennelse", "hepatitis"),
        ],
        [
            _i(
                "et nytt biologisk legemiddel",
                "eit nytt biologisk legemiddel",
                "a new biological drug",
                drug=True,
            )
        ],
    ),
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


def _pick(rng: random.Random, weighted: list[tuple[_T, int]]) -> _T:
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


@dataclass(frozen=True)
class LayTexts:
    title: Words
    summary: Words
    scientific: str


def _lay_texts(condition: Words, intervention: Words, category: str, months: int) -> LayTexts:
    c, i = condition, intervention
    if category in (Study.Category.OBSERVATIONAL, Study.Category.REGISTRY):
        registry = category == Study.Category.REGISTRY
        return LayTexts(
            title=Words(
                f"Hvordan går det med personer med {c.nb} over tid?",
                f"Korleis går det med personar med {c.nn} over tid?",
                f"How do people with {c.en} fare over time?",
            ),
            summary=Words(
                f"Vi vil lære mer om hvordan {c.nb} utvikler seg, og hva som påvirker hvordan det "
                "går. Studien endrer ikke behandlingen du får. "
                + (
                    "Vi bruker opplysninger fra helseregistre."
                    if registry
                    else "Du svarer på spørreskjema og gir blodprøver ved vanlige kontroller."
                ),
                f"Vi vil lære meir om korleis {c.nn} utviklar seg, og kva som påverkar korleis det "
                "går. Studien endrar ikkje behandlinga du får. "
                + (
                    "Vi bruker opplysningar frå helseregister."
                    if registry
                    else "Du svarar på spørjeskjema og gir blodprøver ved vanlege kontrollar."
                ),
                f"We want to learn more about how {c.en} develops and what affects the outcome. "
                "The study does not change the treatment you receive. "
                + (
                    "We use information from health registries."
                    if registry
                    else "You answer questionnaires and give blood samples at routine check-ups."
                ),
            ),
            scientific=(
                f"A registry-based cohort study of {c.en} in Norway"
                if registry
                else f"A prospective cohort study of {c.en} in Norway"
            ),
        )
    if category == Study.Category.IMPLEMENTATION:
        return LayTexts(
            title=Words(
                f"Bedre oppfølging av {c.nb} i kommunen",
                f"Betre oppfølging av {c.nn} i kommunen",
                f"Better follow-up of {c.en} in primary care",
            ),
            summary=Words(
                f"Studien prøver ut {i.nb} for personer med {c.nb}, og undersøker om tilbudet kan "
                "tas i bruk i hele landet.",
                f"Studien prøver ut {i.nn} for personar med {c.nn}, og undersøkjer om tilbodet kan "
                "takast i bruk i heile landet.",
                f"The study tries out {i.en} for people with {c.en}, and examines whether the "
                "service can be introduced nationwide.",
            ),
            scientific=f"Implementation of {i.en} for {c.en} in Norwegian municipalities: "
            "a stepped-wedge study",
        )
    return LayTexts(
        title=Words(
            f"Kan {i.nb} hjelpe personer med {c.nb}?",
            f"Kan {i.nn} hjelpe personar med {c.nn}?",
            f"Can {i.en} help people with {c.en}?",
        ),
        summary=Words(
            f"Studien sammenligner {i.nb} med vanlig behandling for personer med {c.nb}. "
            f"Deltakerne trekkes tilfeldig til én av to grupper og følges i {months} måneder. "
            "Deltakelse er frivillig, og du kan når som helst trekke deg uten at det påvirker "
            "behandlingen din.",
            f"Studien samanliknar {i.nn} med vanleg behandling for personar med {c.nn}. "
            f"Deltakarane blir trekte tilfeldig til ei av to grupper og følgde i {months} "
            "månader. Det er frivillig å delta, og du kan når som helst trekkje deg utan at det "
            "påverkar behandlinga di.",
            f"The study compares {i.en} with usual care for people with {c.en}. Participants "
            f"are randomly assigned to one of two groups and followed for {months} months. "
            "Taking part is voluntary, and you can withdraw at any time without it affecting "
            "your treatment.",
        ),
        scientific=f"A randomised controlled trial of {i.en} versus usual care in patients "
        f"with {c.en}",
    )


# Phases and the number of participants that fit them (a phase 1 trial has dozens, not 600).
_PHASE_TARGETS: dict[str, list[int]] = {
    Study.Phase.PHASE_1: [12, 18, 24, 30],
    Study.Phase.PHASE_1_2: [30, 40, 60],
    Study.Phase.PHASE_2: [60, 80, 120, 200],
    Study.Phase.PHASE_3: [300, 450, 600, 900],
    Study.Phase.PHASE_4: [200, 400, 1000],
}
_OTHER_TARGETS: dict[str, list[int]] = {
    Study.Category.KBS: [40, 60, 100, 150, 300],
    Study.Category.OTHER_INTERVENTIONAL: [40, 60, 100, 150],
    Study.Category.OBSERVATIONAL: [150, 300, 600, 1000],
    Study.Category.REGISTRY: [2000, 5000, 20000],
    Study.Category.IMPLEMENTATION: [100, 200, 400],
}


def _phase_and_target(category: str, is_drug: bool, rng: random.Random) -> tuple[str, int]:
    """Only a drug trial has a phase; its size follows the phase."""
    if is_drug and category in (Study.Category.KBS, Study.Category.OTHER_INTERVENTIONAL):
        phase = rng.choice(_PHASES)
        return phase, rng.choice(_PHASE_TARGETS[phase])
    return Study.Phase.NOT_APPLICABLE, rng.choice(_OTHER_TARGETS[category])


def _eligibility(condition: Condition, healthy: bool) -> str:
    ages = (
        f"fra {condition.min_age} til {condition.max_age} år"
        if condition.max_age is not None
        else f"fra {condition.min_age} år"
    )
    who = {"female": "Kvinner", "male": "Menn"}.get(condition.sex, "Personer")
    text = f"{who} {ages} med {condition.name.nb} som kan gi informert samtykke"
    if condition.min_age < 16:
        text += " (for barn samtykker foreldrene)"
    text += "."
    if healthy:
        text += " Friske personer i samme alder kan delta som sammenligningsgruppe."
    return text


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


_DENTAL = {"tannråte hos barn", "periodontitt"}


def _demo_study(
    *,
    n: int,
    rng: random.Random,
    condition: Condition,
    intervention: Intervention,
    category: str,
    status: str,
    sponsor: Sponsor,
    dates: dict,
) -> Study:
    """One study whose texts, phase, size, eligibility and identifiers fit together."""
    texts = _lay_texts(condition.name, intervention.name, category, rng.choice([6, 12, 24, 36]))
    interventional = category in (Study.Category.KBS, Study.Category.OTHER_INTERVENTIONAL)
    is_drug = interventional and intervention.is_drug
    phase, target = _phase_and_target(category, is_drug, rng)
    healthy = category == Study.Category.OBSERVATIONAL and rng.random() < 0.3
    approved = "rek_approved_on" in dates
    industry = sponsor.kind == Sponsor.Kind.INDUSTRY
    published = status not in (
        Study.Status.DRAFT,
        Study.Status.AWAITING_APPROVAL,
        Study.Status.WITHDRAWN,
    ) and (n == 1 or rng.random() < 0.9)
    return Study(
        scientific_title=texts.scientific,
        lay_title_nb=texts.title.nb,
        lay_summary_nb=texts.summary.nb,
        lay_nb_reviewed_at=timezone.now() if rng.random() < 0.8 else None,
        # Most studies have Nynorsk and English texts; the rest show the Bokmål ones, marked.
        lay_title_nn=texts.title.nn if n % 5 else "",
        lay_summary_nn=texts.summary.nn if n % 5 else "",
        lay_title_en=texts.title.en if n % 7 else "",
        lay_summary_en=texts.summary.en if n % 7 else "",
        category=category,
        phase=phase,
        intervention_types=["drug"]
        if is_drug
        else ["behavioural" if "terapi" in intervention.name.nb else "other"],
        conditions=condition.name.nb,
        min_age=condition.min_age,
        max_age=condition.max_age
        if condition.max_age is not None
        else rng.choice([None, None, 80])
        if condition.min_age < 60
        else None,
        sex=condition.sex,
        healthy_volunteers=healthy,
        eligibility_criteria=_eligibility(condition, healthy),
        sponsor=sponsor,
        sponsor_type=Study.SponsorType.INDUSTRY if industry else Study.SponsorType.PUBLIC,
        decentralised=rng.random() < 0.15,
        target_enrolment=target,
        status=status,
        is_published=published,
        published_at=timezone.now() if published else None,
        rek_number=f"{400000 + n}" if approved else "",
        eu_ct_number=f"{2022 + n % 4}-5{n:05d}-{n % 90 + 10}-00" if is_drug and approved else "",
        # Drug trials and industry-sponsored trials are registered on ClinicalTrials.gov too.
        nct_id=f"NCT0{6100000 + n * 37}"
        if approved and (is_drug or (industry and interventional))
        else "",
        dmp_approved_on=dates.get("rek_approved_on") if is_drug else None,
        **dates,
    )


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
        hrcs_code, conditions, interventions = _THEMES[0] if n == 1 else rng.choice(_THEMES)
        condition = conditions[0] if n == 1 else rng.choice(conditions)  # 1: breast cancer
        intervention = rng.choice(interventions)
        sponsor = rng.choice(sponsors)
        site_count = rng.choice([1, 1, 2, 2, 3, 4, 6])
        region_hospitals = hospitals_by_region[region.id]
        all_hospitals = [o for orgs in hospitals_by_region.values() for o in orgs]
        site_orgs = rng.sample(region_hospitals, k=min(site_count, len(region_hospitals)))
        if site_count > 3:
            site_orgs += [o for o in rng.sample(all_hospitals, k=2) if o not in site_orgs]
        if condition.name.nb in _DENTAL or rng.random() < 0.12:
            site_orgs.append(rng.choice(local_services))
        dates = _dates(status, rng, today)
        study = _demo_study(
            n=n,
            rng=rng,
            condition=condition,
            intervention=intervention,
            category=category,
            status=status,
            sponsor=sponsor,
            dates=dates,
        )
        study.sponsor_protocol_code = code
        study.research_activity = rng.choice(activities)
        study.responsible_organisation = site_orgs[0]
        target = study.target_enrolment or 0  # every demo study has a target
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
