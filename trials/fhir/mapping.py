"""A published study as a FHIR R4B ResearchStudy (plain JSON; tests validate it with fhir.resources).

Who may take part is the contained Group ``#eligibility`` that ``enrollment`` points to (the R4B
way): age range, sex, healthy volunteers and the criteria as written, with the recruitment target
as its quantity. Each site is a contained Location managed by its organisation, named by
organisation number (or the API's stable id for an organisation without one).
"""

from ..api.serializers import lay_text
from ..models import Study
from ..selectors.public import PublicSite, PublicStudy
from .conditions import condition_coding

BASE = "https://kliniskestudier.no/fhir"
SYSTEMS = {
    "public_id": "https://kliniskestudier.no/studie",
    "nct_id": "https://clinicaltrials.gov",
    "eu_ct_number": "https://euclinicaltrials.eu",
    "eudract_number": "https://www.clinicaltrialsregister.eu",
    "rek_number": "https://rekportalen.no",
    "isrctn": "https://www.isrctn.com",
}
CATEGORY_SYSTEM = "https://kliniskestudier.no/fhir/CodeSystem/studiekategori"
HRCS_SYSTEM = "https://hrcs.ukcrc.org/health-category"
PHASE_SYSTEM = "http://terminology.hl7.org/CodeSystem/research-study-phase"
IDENTIFIER_FIELDS = SYSTEMS
# The Norwegian Central Coordinating Register for Legal Entities (organisation numbers).
ORGNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.101"
ORGANISATION_ID_SYSTEM = "https://kliniskestudier.no/organisasjon"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
GENDER_SYSTEM = "http://hl7.org/fhir/administrative-gender"

# Our lifecycle status → FHIR R4B research-study-status.
STATUS: dict[str, str] = {
    Study.Status.AWAITING_APPROVAL: "in-review",
    Study.Status.APPROVED: "approved",
    Study.Status.OPEN: "active",
    Study.Status.CLOSED: "closed-to-accrual",
    Study.Status.COMPLETED: "completed",
    Study.Status.SUSPENDED: "temporarily-closed-to-accrual",
    Study.Status.TERMINATED: "administratively-completed",
    Study.Status.WITHDRAWN: "withdrawn",
    Study.Status.DRAFT: "in-review",
}
PHASE: dict[str, str] = {
    Study.Phase.NOT_APPLICABLE: "n-a",
    Study.Phase.EARLY_1: "early-phase-1",
    Study.Phase.PHASE_1: "phase-1",
    Study.Phase.PHASE_1_2: "phase-1-phase-2",
    Study.Phase.PHASE_2: "phase-2",
    Study.Phase.PHASE_2_3: "phase-2-phase-3",
    Study.Phase.PHASE_3: "phase-3",
    Study.Phase.PHASE_4: "phase-4",
}


def _location(index: int, site: PublicSite) -> dict:
    location: dict = {
        "resourceType": "Location",
        "id": f"site-{index}",
        "status": "active" if site.is_open else "inactive",
        "name": site.organisation_name,
        "description": site.status_label,
        "managingOrganization": _organisation_reference(site),
    }
    if site.municipality_name:
        location["address"] = {"city": site.municipality_name, "country": "NO"}
    if site.latitude is not None and site.longitude is not None:
        location["position"] = {"latitude": site.latitude, "longitude": site.longitude}
    telecom = []
    if site.contact_phone:
        telecom.append({"system": "phone", "value": site.contact_phone})
    if site.contact_email:
        telecom.append({"system": "email", "value": site.contact_email})
    if telecom:
        location["telecom"] = telecom
    return location


def _condition(text: str) -> dict:
    coding = condition_coding(text)
    return {"coding": [coding], "text": text} if coding else {"text": text}


def _organisation_reference(site: PublicSite) -> dict:
    if site.organisation_orgnr:
        identifier = {"system": ORGNR_SYSTEM, "value": site.organisation_orgnr}
    else:
        identifier = {"system": ORGANISATION_ID_SYSTEM, "value": site.organisation_id}
    return {"identifier": identifier, "display": site.organisation_name}


def fhir_status(study: PublicStudy) -> str:
    """The R4B status; an open study none of whose sites takes in anyone is closed to accrual."""
    status = STATUS[study.status]
    if status == "active" and not any(site.is_open for site in study.public_sites):
        return "closed-to-accrual"
    return status


def _age(years: int) -> dict:
    return {"value": years, "unit": "år", "system": UCUM, "code": "a"}


def _eligibility(study: Study) -> dict:
    """The contained Group of who may take part (and how many are sought)."""
    characteristics: list[dict] = []
    if study.min_age is not None or study.max_age is not None:
        age_range = {}
        if study.min_age is not None:
            age_range["low"] = _age(study.min_age)
        if study.max_age is not None:
            age_range["high"] = _age(study.max_age)
        characteristics.append(
            {
                "code": {"coding": [{"system": SNOMED, "code": "424144002", "display": "Age"}]},
                "valueRange": age_range,
                "exclude": False,
            }
        )
    if study.sex in ("female", "male"):
        characteristics.append(
            {
                "code": {"coding": [{"system": SNOMED, "code": "263495000", "display": "Gender"}]},
                "valueCodeableConcept": {
                    "coding": [{"system": GENDER_SYSTEM, "code": study.sex}],
                },
                "exclude": False,
            }
        )
    characteristics.append(
        {
            "code": {"text": "healthy-volunteers"},
            "valueBoolean": bool(study.healthy_volunteers),
            "exclude": False,
        }
    )
    if study.eligibility_criteria:
        characteristics.append(
            {
                "code": {"text": "criteria"},
                "valueCodeableConcept": {"text": study.eligibility_criteria},
                "exclude": False,
            }
        )
    group: dict = {
        "resourceType": "Group",
        "id": "eligibility",
        "type": "person",
        "actual": False,
        "characteristic": characteristics,
    }
    if study.target_enrolment:
        group["quantity"] = study.target_enrolment
    return group


def study_to_research_study(study: PublicStudy, *, lang: str = "nb") -> dict:
    title, _ = lay_text(study, "lay_title", lang)
    summary, language = lay_text(study, "lay_summary", lang)
    identifiers = [
        {"system": SYSTEMS[field], "value": getattr(study, field)}
        for field in SYSTEMS
        if getattr(study, field)
    ]
    sites = study.public_sites
    contained: list[dict] = [_location(i, site) for i, site in enumerate(sites, start=1)]
    resource: dict = {
        "resourceType": "ResearchStudy",
        "id": study.public_id,
        "meta": {"lastUpdated": study.updated_at.isoformat()},
        "language": language,
        "identifier": identifiers,
        "title": study.scientific_title,
        "status": fhir_status(study),
        "phase": {
            "coding": [{"system": PHASE_SYSTEM, "code": PHASE[study.phase]}],
            "text": str(study.get_phase_display()),
        },
        "category": [
            {
                "coding": [{"system": CATEGORY_SYSTEM, "code": study.category}],
                "text": str(study.get_category_display()),
            },
            *[
                {
                    "coding": [{"system": HRCS_SYSTEM, "code": c.code, "display": c.label_en}],
                    "text": c.label(lang),
                }
                for c in study.public_hrcs
            ],
        ],
        "condition": [_condition(condition) for condition in study.condition_list],
        "site": [{"reference": f"#{loc['id']}", "display": loc["name"]} for loc in contained],
    }
    if title or summary:
        resource["description"] = f"**{title}**\n\n{summary}" if title else summary
    sponsor = study.sponsor  # no query without one
    if sponsor is not None:
        resource["sponsor"] = {"display": sponsor.name}
    if study.opened_on or study.planned_recruitment_end_on:
        period = {}
        if study.opened_on:
            period["start"] = study.opened_on.isoformat()
        if study.planned_recruitment_end_on:
            period["end"] = study.planned_recruitment_end_on.isoformat()
        resource["period"] = period
    contained.append(_eligibility(study))
    resource["enrollment"] = [{"reference": "#eligibility"}]
    resource["contained"] = contained
    if not resource["condition"]:
        del resource["condition"]
    if not resource["identifier"]:
        del resource["identifier"]
    if not resource["site"]:
        del resource["site"]
    return resource
