"""ClinicalTrials.gov classic XML (``<clinical_study>``), and the same structure as JSON (the
ctrdata package stores classic records that way, without the date ``type`` attributes).

Meaning: ``start_date type="Actual"`` is the first participant anywhere; ``primary_completion_date``
the end of recruitment (Anticipated = planned); ``completion_date`` counts only when Actual;
``enrollment type="Anticipated"`` is a target, ``type="Actual"`` the count. Without a type
(the JSON variant) a date is taken as actual only when the study's status says it has passed.
"""

import xml.etree.ElementTree as ET  # noqa: S405 - parsing registry files, entities are not expanded
from collections.abc import Iterator
from typing import Any

from ....models import Registry, Study
from ..records import (
    RecordProblem,
    SiteRef,
    StudyRecord,
    category_for,
    parse_age,
    parse_ctgov_status,
    parse_date,
    parse_int,
    parse_phase,
)
from ..sourceids import ctgov_secondary_ids

FORMAT = "ctgov_xml"
LABEL = "ClinicalTrials.gov klassisk XML"
_PAST_STATUSES = {Study.Status.COMPLETED, Study.Status.TERMINATED, Study.Status.CLOSED}


def element_to_dict(element: ET.Element) -> Any:
    """An XML element as plain data: text, or a dict of children (lists when repeated);
    attributes as ``@name``, text beside attributes as ``#text``."""
    children = list(element)
    text = (element.text or "").strip()
    if not children and not element.attrib:
        return text
    data: dict[str, Any] = {f"@{k}": v for k, v in element.attrib.items()}
    if text and not children:
        data["#text"] = text
    for child in children:
        value = element_to_dict(child)
        if child.tag in data:
            previous = data[child.tag]
            data[child.tag] = (
                [*previous, value] if isinstance(previous, list) else [previous, value]
            )
        else:
            data[child.tag] = value
    return data


def looks_like(data: Any) -> bool:
    return isinstance(data, dict) and ("id_info" in data and "brief_title" in data)


def text(node: Any) -> str:
    if isinstance(node, dict):
        return str(node.get("#text") or node.get("textblock") or "").strip()
    return str(node or "").strip()


def many(node: Any) -> list:
    if node in (None, "", {}):
        return []
    return node if isinstance(node, list) else [node]


def _dated(raw: dict, key: str, status: str | None) -> tuple[Any, bool]:
    node = raw.get(key)
    kind = node.get("@type", "") if isinstance(node, dict) else ""
    actual = kind == "Actual" if kind else status in _PAST_STATUSES
    return parse_date(text(node)), actual


def _sites(raw: dict) -> tuple[list[SiteRef], bool]:
    locations = many(raw.get("location"))
    sites = []
    for loc in locations:
        facility = loc.get("facility") or {} if isinstance(loc, dict) else {}
        address = facility.get("address") or {} if isinstance(facility, dict) else {}
        if text(address.get("country")) == "Norway":
            status = text(loc.get("status"))
            sites.append(
                SiteRef(
                    facility=text(facility.get("name")),
                    city=text(address.get("city")),
                    recruiting=status == "Recruiting" if status else None,
                )
            )
    return sites, bool(sites) and len(sites) == len(locations)


def parse(raw: Any) -> StudyRecord:
    if not looks_like(raw):
        raise RecordProblem("Posten er ikke en ClinicalTrials.gov-studie i klassisk format.")
    ids = raw.get("id_info") or {}
    nct = text(ids.get("nct_id"))
    status = parse_ctgov_status(text(raw.get("overall_status")))
    lead = (raw.get("sponsors") or {}).get("lead_sponsor") or {}
    eligibility = raw.get("eligibility") or {}
    design = raw.get("study_design_info") or {}
    enrolment = raw.get("enrollment")
    start, start_actual = _dated(raw, "start_date", status)
    end, end_actual = _dated(raw, "primary_completion_date", status)
    completed, completed_actual = _dated(raw, "completion_date", status)
    sites, norway_only = _sites(raw)
    secondary = [{"id": text(s)} for s in many(ids.get("secondary_id"))]
    kind = enrolment.get("@type", "") if isinstance(enrolment, dict) else ""
    return StudyRecord(
        registry=Registry.CTGOV,
        registry_id=nct,
        file_format=FORMAT,
        identifiers={"nct_id": nct, **ctgov_secondary_ids(secondary)},
        sponsor_protocol_code=text(ids.get("org_study_id"))[:60],
        title=text(raw.get("official_title")) or text(raw.get("brief_title")),
        lay_title_en=text(raw.get("brief_title")),
        lay_summary_en=text(raw.get("brief_summary")),
        status=status,
        category=category_for(text(raw.get("study_type")), text(design.get("primary_purpose"))),
        phase=parse_phase(text(raw.get("phase"))),
        intervention_types=sorted(
            {text(i.get("intervention_type")).lower() for i in many(raw.get("intervention"))} - {""}
        ),
        conditions="\n".join(text(c) for c in many(raw.get("condition"))),
        min_age=parse_age(text(eligibility.get("minimum_age"))),
        max_age=parse_age(text(eligibility.get("maximum_age"))),
        sex={"Female": Study.Sex.FEMALE, "Male": Study.Sex.MALE}.get(
            text(eligibility.get("gender")), Study.Sex.ALL
        ),
        healthy_volunteers=text(eligibility.get("healthy_volunteers")).startswith("Accepts"),
        eligibility_criteria=text(eligibility.get("criteria")),
        sponsor_name=text(lead.get("agency")),
        sponsor_industry=text(lead.get("agency_class")) == "Industry",
        lead_names=[text(lead.get("agency"))],
        start_on=start,
        start_actual=start_actual,
        recruitment_end_on=end,
        recruitment_end_actual=end_actual,
        completed_on=completed if completed_actual else None,
        enrolment=parse_int(text(enrolment)),
        enrolment_actual=kind == "Actual" if kind else status in _PAST_STATUSES,
        updated_on=parse_date(text(raw.get("last_update_posted")))
        or parse_date(text(raw.get("lastchanged_date"))),
        sites=sites,
        norway_only=norway_only,
    )


class UnreadableXml(RecordProblem):
    """Broken XML (the reader reports it as an error, not as a file of another kind)."""


def xml_records(content: bytes) -> Iterator[dict]:
    """The studies in an XML file; a search-results list (no full records) gives none."""
    try:
        root = ET.fromstring(content)  # noqa: S314
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise UnreadableXml(f"Filen er ikke gyldig XML (feil på linje {line}).") from None
    if root.tag != "clinical_study":
        raise RecordProblem(
            "XML-filen er ikke en studie fra ClinicalTrials.gov (forventet <clinical_study>)."
        )
    yield element_to_dict(root)
