"""EU CTIS trial records as JSON (the public portal's API, as stored by e.g. ctrdata).

Meaning as in the CTIS CSV (see ``ctis_csv``): ``startDateEU`` (or the application's
``estimatedRecruitmentStartDate``) is the trial's start in the EEA, actual only once the trial is
ongoing; ``estimatedEndDate`` a planned end; ``totalNumberEnrolled`` the planned number of
participants (target). Countries come from ``trialCountries`` / ``memberStatesConcerned``; the
Norwegian sites from the Norwegian part II of the authorised application (``trialSites``: the
organisation's name and city). A trial in Norway with neither a Norwegian sponsor nor a Norwegian
site becomes a study waiting for a coordinator to assign it (``unassigned``). Every trial is a
clinical treatment study, as in the CSV.
"""

from collections.abc import Iterable
from typing import Any

from ....models import Registry
from ..records import (
    SiteRef,
    StudyRecord,
    category_for,
    identifiers_from,
    parse_date,
    parse_int,
    parse_phase,
)
from .ctis_csv import _STARTED, ctis_status

FORMAT = "ctis_json"
LABEL = "EU CTIS (JSON)"


def looks_like(data: Any) -> bool:
    return isinstance(data, dict) and "ctNumber" in data


def registry_id(raw: Any) -> str:
    return str(raw.get("ctNumber") or "") if isinstance(raw, dict) else ""


def find(data: Any, key: str) -> Any:
    """The first value under ``key`` anywhere in the record (CTIS nests the same facts in
    several versions of its structure)."""
    children: Iterable[Any]
    if isinstance(data, dict):
        if data.get(key) not in (None, "", [], {}):
            return data[key]
        children = data.values()
    elif isinstance(data, list):
        children = data
    else:
        return None
    for child in children:
        found = find(child, key)
        if found not in (None, "", [], {}):
            return found
    return None


def _countries(raw: dict) -> set[str]:
    names = {str(m.get("mscName") or "") for m in raw.get("memberStatesConcerned") or []}
    listed = raw.get("trialCountries")
    text = " ".join(listed) if isinstance(listed, list) else str(listed or "")
    if "NO:" in text or "Norway" in text:
        names.add("Norway")
    return names


def _sponsor(raw: dict) -> tuple[str, str]:
    """The primary sponsor's name and type (the portal's ``primarySponsor``, else the first
    sponsor of the authorised application's part I)."""
    primary = raw.get("primarySponsor")
    if isinstance(primary, dict) and primary.get("name"):
        return str(primary["name"]), str(primary.get("type") or raw.get("sponsorType") or "")
    sponsors = find(raw, "sponsors")
    first = sponsors[0] if isinstance(sponsors, list) and sponsors else {}
    organisation = first.get("organisation") or {} if isinstance(first, dict) else {}
    kind = str(organisation.get("type") or raw.get("sponsorType") or "")
    return str(organisation.get("name") or ""), kind


def norwegian_sites(raw: dict) -> list[SiteRef]:
    """The trial sites in the Norwegian part II of the application (name and city)."""
    parts = find(raw, "authorizedPartsII") or []
    sites = []
    for part in parts if isinstance(parts, list) else []:
        if str((part.get("mscInfo") or {}).get("mscName") or "") != "Norway":
            continue
        for site in part.get("trialSites") or []:
            info = site.get("organisationAddressInfo") or {}
            name = str((info.get("organisation") or {}).get("name") or "").strip()
            city = str((info.get("address") or {}).get("city") or "").strip()
            if name or city:
                sites.append(SiteRef(facility=name, city=city))
    return sites


def parse(raw: Any) -> StudyRecord:
    number = registry_id(raw)
    status = ctis_status(raw.get("ctStatus")) if isinstance(raw.get("ctStatus"), str) else None
    sponsor, sponsor_type = _sponsor(raw)
    start = parse_date(raw.get("startDateEU")) or parse_date(
        find(raw, "estimatedRecruitmentStartDate")
    )
    return StudyRecord(
        registry=Registry.CTIS,
        registry_id=number,
        file_format=FORMAT,
        identifiers=identifiers_from(
            {"eu_ct_number": number, "eudract_number": find(raw, "eudraCtCode")}
        ),
        sponsor_protocol_code=str(raw.get("shortTitle") or find(raw, "shortTitle") or "")[:60],
        title=str(raw.get("title") or find(raw, "fullTitle") or number).strip(),
        status=status,
        category=category_for("INTERVENTIONAL", medicinal=True),
        phase=parse_phase(str(raw.get("trialPhase") or "")),
        intervention_types=["drug"],
        sponsor_name=str(sponsor or "")[:200],
        sponsor_industry="pharmaceutical" in sponsor_type.lower(),
        lead_names=[str(sponsor or "")],
        start_on=start,
        start_actual=status in _STARTED,
        recruitment_end_on=parse_date(find(raw, "estimatedEndDate")),
        enrolment=parse_int(raw.get("totalNumberEnrolled")),
        enrolment_actual=False,
        updated_on=parse_date(raw.get("lastUpdated")),
        sites=norwegian_sites(raw),
        norway_only=_countries(raw) == {"Norway"},
        in_norway="Norway" in _countries(raw),
    )
