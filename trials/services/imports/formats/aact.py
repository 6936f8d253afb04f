"""AACT-format ClinicalTrials.gov tables (the ``studies`` table with AACT's column names, comma-
or pipe-delimited, as in the Nordic trial-reporting extract).

Meaning: ``start_date_type`` Actual = the first participant anywhere, Anticipated = planned (an
empty type counts as actual once the study is past recruiting); ``primary_completion_date`` is the
end of recruitment with its ``…_type``; ``completion_date`` counts only when Actual;
``enrollment_type`` Actual = count, Anticipated/Estimated = target. The lead institution
(``cities_lead``, else ``source``) is the responsible organisation and the Norwegian site.
``eudract_ids`` and ``other_ids`` carry the EudraCT and REK numbers.

An extract comes as several tables keyed by ``nct_id``: the studies table (AACT's ``studies`` with
its calculated values, sponsors and dates), subsets of it (the sample, the Norwegian-led trials)
and the cross-registration table (EUCTR numbers, the sponsor's name and protocol code). Imported
together they are joined (``join``): one trial per NCT number, each column taken from the widest
studies table that has a value, then from the others; a cross-registration row without a trial
in a studies table is no trial of its own.
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
_EMPTY = ("", "NA", "NaN", "nan", "None")
JOINED = "(slått sammen med {name} på NCT-nummer)"
NO_STUDIES = (
    "Tabellen har ingen studietabell å kobles til (importer den sammen med studietabellen)."
)


def _empty(value: object) -> bool:
    return value is None or str(value).strip() in _EMPTY


def join(studies: list[list[dict]], others: list[list[dict]]) -> list[dict]:
    """One row per trial of the studies tables, completed from every table's rows with the same
    NCT number (a value already there is kept), in the order the trials first appear."""
    merged: dict[str, dict] = {}
    for rows in studies:
        for row in rows:
            key = str(row.get("nct_id") or "").strip()
            if key:
                _fill(merged.setdefault(key, {}), row)
    for rows in others:
        for row in rows:
            found = merged.get(str(row.get("nct_id") or "").strip())
            if found is not None:
                _fill(found, {**row, **_crossreg(row)})
    return list(merged.values())


def _fill(into: dict, row: dict) -> None:
    for column, value in row.items():
        if _empty(into.get(column)) and not _empty(value):
            into[column] = value


def _crossreg(row: dict) -> dict:
    """The cross-registration table's names for what the studies table calls otherwise."""
    return {
        "eudract_ids": row.get("eudract_id"),
        "sponsors": row.get("name_of_sponsor"),
        "spon_prot_number": row.get("spon_prot_number"),
    }


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
        sponsor_protocol_code=str(row.get("spon_prot_number") or "").strip()[:60],
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
