"""AACT-format ClinicalTrials.gov tables (the ``studies`` table with AACT's column names, comma-
or pipe-delimited, as in the Nordic trial-reporting extract).

Meaning: ``start_date_type`` Actual = the first participant anywhere, Anticipated = planned (an
empty type counts as actual once the study is past recruiting); ``primary_completion_date`` is the
end of recruitment with its ``…_type``; ``completion_date`` counts only when Actual;
``enrollment_type`` Actual = count, Anticipated/Estimated = target. The lead institution
(``cities_lead``, else ``source``) is the responsible organisation and the Norwegian site.
``eudract_ids`` and ``other_ids`` carry the EudraCT and REK numbers.
"""

import re
from typing import Any

from ....models import Registry, Study
from ..records import (
    SiteRef,
    StudyRecord,
    category_for,
    identifiers_from,
    parse_age,
    parse_ctgov_status,
    parse_date,
    parse_int,
    parse_phase,
)

FORMAT = "aact"
LABEL = "AACT-tabeller (ClinicalTrials.gov)"
COLUMNS = {"nct_id", "overall_status", "brief_title", "start_date", "enrollment"}
_PAST = {Study.Status.CLOSED, Study.Status.COMPLETED, Study.Status.TERMINATED}
_REK = re.compile(r"^(19|20)\d{2}/\d{1,6}$")


def registry_id(row: dict) -> str:
    return str(row.get("nct_id") or "")


def _dated(row: dict, name: str, status: str | None) -> tuple[Any, bool]:
    kind = str(row.get(f"{name}_type") or "")
    return parse_date(row.get(name)), (kind == "Actual" if kind else status in _PAST)


def _split(value: object) -> list[str]:
    text = str(value or "")
    return [] if text in ("", "NA") else [p.strip() for p in re.split(r"[;|]", text) if p.strip()]


def _identifiers(row: dict) -> dict[str, str]:
    other = _split(row.get("other_ids"))
    return identifiers_from(
        {
            "nct_id": row.get("nct_id"),
            "eudract_number": next(iter(_split(row.get("eudract_ids"))), ""),
            "rek_number": next((o for o in other if _REK.match(o)), ""),
        }
    )


def parse(row: Any) -> StudyRecord:
    status = parse_ctgov_status(row.get("overall_status", ""))
    start, start_actual = _dated(row, "start_date", status)
    end, end_actual = _dated(row, "primary_completion_date", status)
    completed, completed_actual = _dated(row, "completion_date", status)
    leads = _split(row.get("cities_lead")) or _split(row.get("source"))
    sponsors = _split(row.get("sponsors"))
    classes = _split(row.get("agency_classes"))
    kinds = _split(row.get("intervention_types_combined"))
    return StudyRecord(
        registry=Registry.CTGOV,
        registry_id=registry_id(row),
        file_format=FORMAT,
        identifiers=_identifiers(row),
        title=str(row.get("official_title") or row.get("brief_title") or ""),
        lay_title_en=str(row.get("brief_title") or ""),
        status=status,
        category=category_for(str(row.get("study_type") or "")),
        phase=parse_phase(str(row.get("phase") or "")),
        intervention_types=sorted({k.lower() for k in kinds}),
        min_age=parse_age(f"{row.get('minimum_age_num', '')} {row.get('minimum_age_unit', '')}"),
        max_age=parse_age(f"{row.get('maximum_age_num', '')} {row.get('maximum_age_unit', '')}"),
        sponsor_name=(sponsors[0] if sponsors else str(row.get("source") or ""))[:200],
        sponsor_industry=bool(classes) and classes[0] == "INDUSTRY",
        lead_names=[*leads, str(row.get("source") or "")],
        start_on=start,
        start_actual=start_actual,
        recruitment_end_on=end,
        recruitment_end_actual=end_actual,
        completed_on=completed if completed_actual else None,
        enrolment=parse_int(row.get("enrollment")),
        enrolment_actual=str(row.get("enrollment_type") or "") == "Actual",
        updated_on=parse_date(row.get("last_update_posted_date")),
        sites=[SiteRef(facility=name) for name in leads],
        norway_only=False,
        sites_in_norway=False,
    )
