"""The ClinicalTrials.gov website's CSV export (columns "NCT Number", "Study Status", …).

Meaning: the export does not say whether a date is actual or anticipated. A start date counts as
actual (the first participant) once the study is recruiting or past it; the primary completion
date is the end of recruitment, actual once the study is closed, completed or terminated;
"Completion Date" counts only for completed or terminated studies. "Enrollment" is the actual
count for those, otherwise the target. Locations are "Facility, City, Zip, Country" separated by
"|"; a location without a facility name keeps only its city.
"""

import re
from typing import Any

from ....models import Registry, Study
from ..records import (
    SEX,
    SiteRef,
    StudyRecord,
    category_for,
    parse_ctgov_status,
    parse_date,
    parse_int,
    parse_phase,
)

FORMAT = "ctgov_csv"
LABEL = "ClinicalTrials.gov CSV-eksport"
COLUMNS = {"NCT Number", "Study Title", "Study Status", "Locations"}
_STARTED = {
    Study.Status.OPEN,
    Study.Status.CLOSED,
    Study.Status.COMPLETED,
    Study.Status.TERMINATED,
    Study.Status.SUSPENDED,
}
_RECRUITMENT_OVER = {Study.Status.CLOSED, Study.Status.COMPLETED, Study.Status.TERMINATED}


def registry_id(row: dict) -> str:
    return str(row.get("NCT Number") or "")


_POSTCODE = re.compile(r"^(N-|NO[- ]?)?\d{4}(-\d+)?$", re.I)


def site_from(location: str) -> SiteRef | None:
    """A Norwegian location string ("Haukeland Universitetssykehus, Bergen, 5053, Norway")."""
    parts = [p.strip() for p in location.split(",") if p.strip()]
    if not parts or parts[-1] != "Norway":
        return None
    parts = [p for p in parts[:-1] if not _POSTCODE.match(p)]
    if not parts:
        return None
    if len(parts) == 1:
        return SiteRef(facility="", city=parts[0])
    return SiteRef(facility=", ".join(parts[:-1]), city=parts[-1])


def _design(row: dict) -> dict[str, str]:
    pairs = (p.partition(":") for p in str(row.get("Study Design") or "").split("|"))
    return {key.strip(): value.strip() for key, _sep, value in pairs}


def parse(row: Any) -> StudyRecord:
    status = parse_ctgov_status(row.get("Study Status", ""))
    locations = [loc for loc in str(row.get("Locations") or "").split("|") if loc.strip()]
    sites = [site for site in (site_from(loc) for loc in locations) if site is not None]
    nct = registry_id(row)
    return StudyRecord(
        registry=Registry.CTGOV,
        registry_id=nct,
        file_format=FORMAT,
        identifiers={"nct_id": nct},
        title=str(row.get("Study Title") or ""),
        lay_title_en=str(row.get("Study Title") or ""),
        status=status,
        category=category_for(row.get("Study Type", ""), _design(row).get("Primary Purpose", "")),
        phase=parse_phase(str(row.get("Phases") or "")),
        intervention_types=sorted(
            {
                part.split(":")[0].strip().lower()
                for part in str(row.get("Interventions") or "").split("|")
                if ":" in part
            }
        ),
        conditions="\n".join(c.strip() for c in str(row.get("Conditions") or "").split("|")),
        sex=SEX.get(str(row.get("Sex") or "ALL"), Study.Sex.ALL),
        sponsor_name=str(row.get("Sponsor") or ""),
        sponsor_industry=row.get("Funder Type") == "INDUSTRY",
        lead_names=[str(row.get("Sponsor") or "")],
        start_on=parse_date(row.get("Start Date")),
        start_actual=status in _STARTED,
        recruitment_end_on=parse_date(row.get("Primary Completion Date")),
        recruitment_end_actual=status in _RECRUITMENT_OVER,
        completed_on=parse_date(row.get("Completion Date"))
        if status in (Study.Status.COMPLETED, Study.Status.TERMINATED)
        else None,
        enrolment=parse_int(row.get("Enrollment")),
        enrolment_actual=status in _RECRUITMENT_OVER,
        sites=sites,
        norway_only=bool(sites) and len(sites) == len(locations),
    )
