"""The EU CTIS public portal's CSV export ("Trial number", "Overall trial status", …).

Meaning: "Start date" is the trial's start in the EU/EEA (actual once the trial is ongoing or
ended); "End date" the end of the trial in the EEA (actual when the trial has ended); "Global end
of the trial" the completion. "Number of participants enrolled" is the number of participants
planned for the trial (CTIS shows the application's figure), so it is the target. Sites are the
countries in "Location(s) and recruitment status"; a trial in Norway gets its Norwegian site from
its sponsor when the sponsor is Norwegian, otherwise none (CTIS does not name Norwegian sites).
Every CTIS trial is a clinical trial of a medicinal product (the EU Clinical Trials Regulation
covers nothing else), so it is a clinical treatment study (``category_for``, ``medicinal``).
"""

import re
from typing import Any

from ....models import Registry, Study
from ..records import (
    StudyRecord,
    category_for,
    identifiers_from,
    parse_date,
    parse_int,
    parse_phase,
)

FORMAT = "ctis_csv"
LABEL = "EU CTIS CSV-eksport"
COLUMNS = {"Trial number", "Title of the trial", "Overall trial status"}
CTIS_STATUS = {
    "authorised, recruitment pending": Study.Status.APPROVED,
    "authorised, not started": Study.Status.APPROVED,
    "ongoing, recruiting": Study.Status.OPEN,
    "ongoing, recruitment ended": Study.Status.CLOSED,
    "ongoing, recruitment not started": Study.Status.APPROVED,
    "temporarily halted": Study.Status.SUSPENDED,
    "suspended": Study.Status.SUSPENDED,
    "ended": Study.Status.COMPLETED,
    "ended prematurely": Study.Status.TERMINATED,
    "revoked": Study.Status.TERMINATED,
    "withdrawn": Study.Status.WITHDRAWN,
    "cancelled": Study.Status.WITHDRAWN,
}
_STARTED = {Study.Status.OPEN, Study.Status.CLOSED, Study.Status.COMPLETED, Study.Status.TERMINATED}


def ctis_status(text: str) -> str | None:
    return CTIS_STATUS.get(re.sub(r"\s+", " ", str(text or "")).strip().lower())


def registry_id(row: dict) -> str:
    return str(row.get("Trial number") or "").strip()


def norway_status(locations: str) -> str | None:
    """The recruitment status in Norway ("Norway:Ongoing, recruiting"), or None if not there."""
    for part in re.split(r"[,|;]\s*(?=[A-Z][A-Za-z .-]+:)", str(locations or "")):
        country, _sep, status = part.partition(":")
        if country.strip() == "Norway":
            return status.strip() or "-"
    return None


def parse(row: Any) -> StudyRecord:
    number = registry_id(row)
    status = ctis_status(row.get("Overall trial status", ""))
    sponsor = str(row.get("Sponsor/Co-Sponsors") or "").split(",")[0].strip()
    code = str(row.get("Protocol code") or "").strip()
    return StudyRecord(
        registry=Registry.CTIS,
        registry_id=number,
        file_format=FORMAT,
        identifiers=identifiers_from({"eu_ct_number": number}),
        sponsor_protocol_code="" if code.upper() == "N/A" else code[:60],
        title=re.sub(r"\s+", " ", str(row.get("Title of the trial") or "")).strip(),
        status=status,
        category=category_for("INTERVENTIONAL", medicinal=True),
        phase=parse_phase(str(row.get("Trial phase") or "")),
        intervention_types=["drug"],
        conditions=str(row.get("Medical conditions") or "").strip(),
        sponsor_name=sponsor[:200],
        sponsor_industry="pharmaceutical" in str(row.get("Sponsor type") or "").lower(),
        lead_names=[sponsor],
        start_on=parse_date(row.get("Start date")),
        start_actual=status in _STARTED,
        recruitment_end_on=parse_date(row.get("End date")),
        recruitment_end_actual=status in (Study.Status.COMPLETED, Study.Status.TERMINATED),
        completed_on=parse_date(row.get("Global end of the trial"))
        if status in (Study.Status.COMPLETED, Study.Status.TERMINATED)
        else None,
        enrolment=parse_int(row.get("Number of participants enrolled")),
        enrolment_actual=False,
        updated_on=parse_date(row.get("Last updated")),
        sites=[],
        norway_only=False,
    )


def in_norway(row: dict) -> bool:
    return norway_status(row.get("Location(s) and recruitment status", "")) is not None
