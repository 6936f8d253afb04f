"""ClinicalTrials.gov API v2 JSON: one study, an API page (``{"studies": […]}``) or the
website's ``ctg-studies.json`` array.

Meaning of the dates and numbers: ``startDateStruct`` is the global start (ACTUAL = the first
participant anywhere); ``primaryCompletionDateStruct`` the end of recruitment and follow-up for
the primary outcome (ESTIMATED = planned); ``completionDateStruct`` counts only when ACTUAL;
``enrollmentInfo`` is a target when ESTIMATED and the actual count when ACTUAL.
"""

from collections.abc import Iterator
from typing import Any

from ....models import Registry, Study
from ..records import (
    SEX,
    RecordProblem,
    SiteRef,
    StudyRecord,
    category_for,
    parse_age,
    parse_ctgov_status,
    parse_date,
    parse_phase,
)
from ..sourceids import ctgov_secondary_ids

FORMAT = "ctgov_v2"
LABEL = "ClinicalTrials.gov API v2 (JSON)"


def looks_like(data: Any) -> bool:
    first = data[0] if isinstance(data, list) and data else data
    if isinstance(first, dict) and isinstance(first.get("studies"), list):
        first = (first["studies"] or [{}])[0]
    return isinstance(first, dict) and "protocolSection" in first


def records(data: Any) -> Iterator[dict]:
    if isinstance(data, dict) and "studies" in data:
        data = data["studies"]
    yield from data if isinstance(data, list) else [data]


def registry_id(raw: Any) -> str:
    try:
        return str(raw["protocolSection"]["identificationModule"]["nctId"])
    except (KeyError, TypeError):
        return ""


def _date(struct: Any) -> tuple[Any, bool]:
    struct = struct if isinstance(struct, dict) else {}
    return parse_date(struct.get("date")), struct.get("type") == "ACTUAL"


def _sites(protocol: dict) -> tuple[list[SiteRef], bool]:
    module = protocol.get("contactsLocationsModule") or {}
    locations = module.get("locations") or []
    sites = [
        SiteRef(
            facility=str(loc.get("facility") or ""),
            city=str(loc.get("city") or ""),
            recruiting=loc.get("status") in ("RECRUITING", "ENROLLING_BY_INVITATION")
            if loc.get("status")
            else None,
        )
        for loc in locations
        if loc.get("country") == "Norway"
    ]
    return sites, bool(sites) and len(sites) == len(locations)


def parse(raw: Any) -> StudyRecord:
    if not isinstance(raw, dict) or "protocolSection" not in raw:
        raise RecordProblem(
            "Posten mangler «protocolSection» og er ikke en ClinicalTrials.gov-studie."
        )
    protocol = raw["protocolSection"]
    ident = protocol.get("identificationModule") or {}
    nct = str(ident.get("nctId") or "")
    status = protocol.get("statusModule") or {}
    design = protocol.get("designModule") or {}
    eligibility = protocol.get("eligibilityModule") or {}
    lead = (protocol.get("sponsorCollaboratorsModule") or {}).get("leadSponsor") or {}
    enrolment = design.get("enrollmentInfo") or {}
    start, start_actual = _date(status.get("startDateStruct"))
    end, end_actual = _date(status.get("primaryCompletionDateStruct"))
    completed, completed_actual = _date(status.get("completionDateStruct"))
    sites, norway_only = _sites(protocol)
    interventions = (protocol.get("armsInterventionsModule") or {}).get("interventions") or []
    return StudyRecord(
        registry=Registry.CTGOV,
        registry_id=nct,
        file_format=FORMAT,
        identifiers={"nct_id": nct, **ctgov_secondary_ids(ident.get("secondaryIdInfos") or [])},
        sponsor_protocol_code=str((ident.get("orgStudyIdInfo") or {}).get("id", ""))[:60],
        title=str(ident.get("officialTitle") or ident.get("briefTitle") or ""),
        lay_title_en=str(ident.get("briefTitle") or ""),
        lay_summary_en=str((protocol.get("descriptionModule") or {}).get("briefSummary") or ""),
        status=parse_ctgov_status(status.get("overallStatus", "")),
        category=category_for(
            design.get("studyType", ""),
            (design.get("designInfo") or {}).get("primaryPurpose", ""),
            bool(design.get("patientRegistry")),
        ),
        phase=parse_phase("/".join(design.get("phases") or [])),
        intervention_types=sorted(
            {str(i.get("type", "")).lower() for i in interventions if i.get("type")}
        ),
        conditions="\n".join((protocol.get("conditionsModule") or {}).get("conditions") or []),
        min_age=parse_age(eligibility.get("minimumAge")),
        max_age=parse_age(eligibility.get("maximumAge")),
        sex=SEX.get(str(eligibility.get("sex", "ALL")), Study.Sex.ALL),
        healthy_volunteers=bool(eligibility.get("healthyVolunteers")),
        eligibility_criteria=str(eligibility.get("eligibilityCriteria") or ""),
        sponsor_name=str(lead.get("name") or ""),
        sponsor_industry=lead.get("class") == "INDUSTRY",
        lead_names=[str(lead.get("name") or "")],
        start_on=start,
        start_actual=start_actual,
        recruitment_end_on=end,
        recruitment_end_actual=end_actual,
        completed_on=completed if completed_actual else None,
        enrolment=enrolment.get("count"),
        enrolment_actual=enrolment.get("type") == "ACTUAL",
        updated_on=_date(status.get("lastUpdatePostDateStruct"))[0]
        or parse_date(status.get("lastUpdateSubmitDate")),
        sites=sites,
        norway_only=norway_only,
    )
