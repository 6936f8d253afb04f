"""A published study as a FHIR R4B ResearchStudy (plain JSON; tests validate it with fhir.resources)."""

from ..api.serializers import lay_text
from ..models import Study
from ..selectors.public import PublicSite

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

# Our lifecycle status → FHIR R4B research-study-status.
STATUS = {
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
PHASE = {
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


def study_to_research_study(study: Study, *, lang: str = "nb") -> dict:
    title, _ = lay_text(study, "lay_title", lang)
    summary, _ = lay_text(study, "lay_summary", lang)
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
        "identifier": identifiers,
        "title": study.scientific_title,
        "status": STATUS[study.status],
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
        "condition": [{"text": condition} for condition in study.condition_list],
        "site": [{"reference": f"#{loc['id']}", "display": loc["name"]} for loc in contained],
    }
    if title or summary:
        resource["description"] = f"**{title}**\n\n{summary}" if title else summary
    if study.sponsor_id:
        resource["sponsor"] = {"display": study.sponsor.name}
    if study.opened_on or study.planned_recruitment_end_on:
        period = {}
        if study.opened_on:
            period["start"] = study.opened_on.isoformat()
        if study.planned_recruitment_end_on:
            period["end"] = study.planned_recruitment_end_on.isoformat()
        resource["period"] = period
    if study.target_enrolment:
        contained.append(
            {
                "resourceType": "Group",
                "id": "target",
                "type": "person",
                "actual": False,
                "quantity": study.target_enrolment,
            }
        )
        resource["enrollment"] = [{"reference": "#target", "display": "Rekrutteringsmål"}]
    if contained:
        resource["contained"] = contained
    if not resource["condition"]:
        del resource["condition"]
    if not resource["identifier"]:
        del resource["identifier"]
    if not resource["site"]:
        del resource["site"]
    return resource
