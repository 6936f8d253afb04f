"""ClinicalTrials.gov's retired API v1 JSON (``FullStudiesResponse``, PascalCase fields).

The fields are read into the v2 structure and mapped like v2 (see ``ctgov_v2``): the legacy
``…DateType`` "Actual"/"Anticipated" and ``EnrollmentType`` say what each date and count means.
"""

from collections.abc import Iterator
from typing import Any

from . import ctgov_v2

FORMAT = "ctgov_v1"
LABEL = "ClinicalTrials.gov API v1 (JSON)"


def looks_like(data: Any) -> bool:
    first = data[0] if isinstance(data, list) and data else data
    return isinstance(first, dict) and (
        "FullStudiesResponse" in first or "ProtocolSection" in first or "Study" in first
    )


def records(data: Any) -> Iterator[dict]:
    if isinstance(data, dict) and "FullStudiesResponse" in data:
        data = data["FullStudiesResponse"].get("FullStudies") or []
    for item in data if isinstance(data, list) else [data]:
        yield item.get("Study", item) if isinstance(item, dict) else item


def registry_id(raw: Any) -> str:
    try:
        return str(raw["ProtocolSection"]["IdentificationModule"]["NCTId"])
    except (KeyError, TypeError):
        return ""


def _list(module: dict, outer: str, inner: str) -> list:
    return (module.get(outer) or {}).get(inner) or []


def _struct(module: dict, name: str) -> dict:
    struct = module.get(f"{name}Struct") or {}
    kind = str(struct.get(f"{name}Type") or "").upper()
    return {"date": struct.get(name), "type": "ACTUAL" if kind == "ACTUAL" else kind}


def _upper(value: Any) -> str:
    return str(value or "").upper().replace(" ", "_").replace(",", "")


def to_v2(raw: dict) -> dict:
    """The v1 record in v2 shape (only the fields the import reads)."""
    p = raw.get("ProtocolSection")
    if not isinstance(p, dict):
        return {}
    ident = p.get("IdentificationModule") or {}
    status = p.get("StatusModule") or {}
    design = p.get("DesignModule") or {}
    elig = p.get("EligibilityModule") or {}
    lead = (p.get("SponsorCollaboratorsModule") or {}).get("LeadSponsor") or {}
    enrol = design.get("EnrollmentInfo") or {}
    locations = _list(p.get("ContactsLocationsModule") or {}, "LocationList", "Location")
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": ident.get("NCTId"),
                "orgStudyIdInfo": {"id": (ident.get("OrgStudyIdInfo") or {}).get("OrgStudyId", "")},
                "secondaryIdInfos": _list(ident, "SecondaryIdInfoList", "SecondaryIdInfo"),
                "briefTitle": ident.get("BriefTitle"),
                "officialTitle": ident.get("OfficialTitle"),
            },
            "statusModule": {
                "overallStatus": _upper(status.get("OverallStatus")),
                "startDateStruct": _struct(status, "StartDate"),
                "primaryCompletionDateStruct": _struct(status, "PrimaryCompletionDate"),
                "completionDateStruct": _struct(status, "CompletionDate"),
                "lastUpdatePostDateStruct": _struct(status, "LastUpdatePostDate"),
            },
            "sponsorCollaboratorsModule": {
                "leadSponsor": {
                    "name": lead.get("LeadSponsorName"),
                    "class": _upper(lead.get("LeadSponsorClass")),
                }
            },
            "descriptionModule": {
                "briefSummary": (p.get("DescriptionModule") or {}).get("BriefSummary")
            },
            "conditionsModule": {
                "conditions": _list(p.get("ConditionsModule") or {}, "ConditionList", "Condition")
            },
            "designModule": {
                "studyType": _upper(design.get("StudyType")),
                "patientRegistry": design.get("PatientRegistry") == "Yes",
                "designInfo": {
                    "primaryPurpose": _upper(
                        (design.get("DesignInfo") or {}).get("DesignPrimaryPurpose")
                    )
                },
                "phases": [_upper(x).replace("_", "") for x in _list(design, "PhaseList", "Phase")],
                "enrollmentInfo": {
                    "count": ctgov_int(enrol.get("EnrollmentCount")),
                    "type": _upper(enrol.get("EnrollmentType")),
                },
            },
            "armsInterventionsModule": {
                "interventions": [
                    {"type": i.get("InterventionType")}
                    for i in _list(
                        p.get("ArmsInterventionsModule") or {}, "InterventionList", "Intervention"
                    )
                ]
            },
            "eligibilityModule": {
                "minimumAge": elig.get("MinimumAge"),
                "maximumAge": elig.get("MaximumAge"),
                "sex": _upper(elig.get("Gender") or "All"),
                "healthyVolunteers": elig.get("HealthyVolunteers") == "Accepts Healthy Volunteers",
                "eligibilityCriteria": elig.get("EligibilityCriteria"),
            },
            "contactsLocationsModule": {
                "locations": [
                    {
                        "facility": loc.get("LocationFacility"),
                        "city": loc.get("LocationCity"),
                        "country": loc.get("LocationCountry"),
                        "status": _upper(loc.get("LocationStatus")),
                    }
                    for loc in locations
                ]
            },
        }
    }


def ctgov_int(value: Any) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def parse(raw: Any):
    record = ctgov_v2.parse(to_v2(raw) if isinstance(raw, dict) else raw)
    record.file_format = FORMAT
    return record
