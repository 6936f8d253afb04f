"""Import of ClinicalTrials.gov API v2 JSON records into the portfolio (idempotent).

Reads a single study, an API page (``{"studies": [...]}``) or the website's ``ctg-studies.json``
array. Norwegian locations are matched to organisations by normalised name; a location that
matches nothing is reported, never invented. A record older than the one already imported changes
nothing; a newer one updates the study and leaves a history entry.
"""

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sites.history import save_with_history
from sites.models import Organisation

from ..models import Sponsor, Study, StudySite
from ..validators import EU_CT_RE, EUDRACT_RE, ISRCTN_RE, NCT_RE, REK_RE

REASON = "Import fra ClinicalTrials.gov"

STATUS = {
    "NOT_YET_RECRUITING": Study.Status.APPROVED,
    "RECRUITING": Study.Status.OPEN,
    "ENROLLING_BY_INVITATION": Study.Status.OPEN,
    "ACTIVE_NOT_RECRUITING": Study.Status.CLOSED,
    "COMPLETED": Study.Status.COMPLETED,
    "SUSPENDED": Study.Status.SUSPENDED,
    "TERMINATED": Study.Status.TERMINATED,
    "WITHDRAWN": Study.Status.WITHDRAWN,
}
SITE_STATUS = {
    "RECRUITING": StudySite.Status.OPEN,
    "ENROLLING_BY_INVITATION": StudySite.Status.OPEN,
    "NOT_YET_RECRUITING": StudySite.Status.PLANNED,
}
PHASES = {
    ("EARLY_PHASE1",): Study.Phase.EARLY_1,
    ("PHASE1",): Study.Phase.PHASE_1,
    ("PHASE1", "PHASE2"): Study.Phase.PHASE_1_2,
    ("PHASE2",): Study.Phase.PHASE_2,
    ("PHASE2", "PHASE3"): Study.Phase.PHASE_2_3,
    ("PHASE3",): Study.Phase.PHASE_3,
    ("PHASE4",): Study.Phase.PHASE_4,
}
SEX = {"ALL": Study.Sex.ALL, "FEMALE": Study.Sex.FEMALE, "MALE": Study.Sex.MALE}

# English or older names seen in ClinicalTrials.gov for Norwegian health trusts (normalised form).
ALIASES = {
    "haukeland": "Helse Bergen HF",
    "helse bergen": "Helse Bergen HF",
    "oslo universitetssykehus": "Oslo universitetssykehus HF",
    "rikshospitalet": "Oslo universitetssykehus HF",
    "ulleval": "Oslo universitetssykehus HF",
    "radiumhospitalet": "Oslo universitetssykehus HF",
    "akershus universitetssykehus": "Akershus universitetssykehus HF",
    "st olav": "St. Olavs hospital HF",
    "regionsykehuset i trondheim": "St. Olavs hospital HF",
    "universitetssykehuset nord norge": "Universitetssykehuset Nord-Norge HF",
    "universitetssykehus nord norge": "Universitetssykehuset Nord-Norge HF",
    "universitetssykehus of nord norge": "Universitetssykehuset Nord-Norge HF",
    "stavanger universitetssykehus": "Helse Stavanger HF",
    "nordlandsykehuset": "Nordlandssykehuset HF",
    "nordland sykehus": "Nordlandssykehuset HF",
    "innlandet": "Sykehuset Innlandet HF",
    "vestre viken": "Vestre Viken HF",
    "sykehuset buskerud": "Vestre Viken HF",
    "asker and baerum": "Vestre Viken HF",
    "sorlandet": "Sørlandet sykehus HF",
    "sykehuset telemark": "Sykehuset Telemark HF",
    "sykehuset namsos": "Helse Nord-Trøndelag HF",
    "molde sykehus": "Helse Møre og Romsdal HF",
    "university of oslo": "Universitetet i Oslo",
    "university of bergen": "Universitetet i Bergen",
    "norwegian university of science and technology": "Norges teknisk-naturvitenskapelige universitet (NTNU)",
    "ntnu": "Norges teknisk-naturvitenskapelige universitet (NTNU)",
    "arctic university of norge": "UiT Norges arktiske universitet",
    "university of tromso": "UiT Norges arktiske universitet",
}
_REPLACEMENTS = [
    (r"\buniversity hospital of\b", "universitetssykehus"),
    (r"\buniversity hospital\b", "universitetssykehus"),
    (r"\buniv\.? hospital\b", "universitetssykehus"),
    (r"\bhospital trust\b", "sykehus"),
    (r"\bhospital\b", "sykehus"),
    (r"\bsjukehus\b", "sykehus"),
    (r"\bsjukhus\b", "sykehus"),
    (r"\bsyekhus\b", "sykehus"),
    (r"\buniversitetssjukehus(et)?\b", "universitetssykehus"),
    (r"\buniversitetssykehuset\b", "universitetssykehus"),
    (r"\bhelseforetak\b", ""),
    (r"\bhf\b", ""),
    (r"\bas\b", ""),
    (r"\bnorth\b", "nord"),
    (r"\bnorway\b", "norge"),
]


def normalise_name(name: str) -> str:
    """Lower case, ASCII letters (æ→ae, ø→o, å→a), Norwegian words for common English ones."""
    text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    for pattern, replacement in _REPLACEMENTS:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"\bst\s*olavs?\b", "st olav", text)
    return re.sub(r"\s+", " ", text).strip()


class OrganisationMatcher:
    """Matches a free-text location to a health trust (or other top-level organisation)."""

    def __init__(self) -> None:
        orgs = list(Organisation.objects.select_related("parent").filter(is_active=True))
        by_name = {o.name: o for o in orgs}
        self._names: list[tuple[str, Organisation]] = []
        for org in orgs:
            target = self._trust(org)
            for name in (org.name, org.short_name):
                key = normalise_name(name or "")
                if len(key) >= 4:
                    self._names.append((key, target))
        for alias, name in ALIASES.items():
            if name in by_name:
                self._names.append((alias, by_name[name]))
        self._names.sort(key=lambda pair: -len(pair[0]))  # Longest, most specific first.

    @staticmethod
    def _trust(org: Organisation) -> Organisation:
        """Hospitals and units count for their health trust."""
        while org.parent is not None and org.kind not in (
            Organisation.Kind.HF,
            Organisation.Kind.RHF,
            Organisation.Kind.PRIVATE_NONPROFIT,
        ):
            org = org.parent
        return org

    def match(self, text: str) -> Organisation | None:
        key = f" {normalise_name(text)} "
        for name, org in self._names:
            if f" {name} " in key:
                return org
        return None


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (NCT id, why)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (NCT id, why)
    unmatched_locations: list[tuple[str, str]] = field(default_factory=list)  # (NCT id, location)


def ctgov_read(path: Path) -> list[dict[str, Any]]:
    """The records in a file: a single study, an API page, or a ``ctg-studies.json`` array."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "studies" in data:
        data = data["studies"]
    elif isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ValueError(f"{path}: ikke en ClinicalTrials.gov-fil (forventet liste eller objekt)")
    return data


def _date(struct: dict | None) -> dt.date | None:
    value = (struct or {}).get("date") if isinstance(struct, dict) else struct
    if not value:
        return None
    parts = [int(p) for p in str(value).split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _age(text: str | None) -> int | None:
    if not text:
        return None
    number, _, unit = text.partition(" ")
    years = int(number) if unit.lower().startswith("year") else 0
    return min(years, 120)


def _identifiers(protocol: dict) -> dict[str, str]:
    ident = protocol["identificationModule"]
    found = {"eu_ct_number": "", "eudract_number": "", "rek_number": "", "isrctn": ""}
    for info in ident.get("secondaryIdInfos", []) or []:
        raw = str(info.get("id", "")).strip()
        kind = str(info.get("type", ""))
        domain = str(info.get("domain", ""))
        value = re.sub(
            r"^(EU\s*CT\s*(number|no\.?)?|CTIS|EudraCT( number)?|REK|ISRCTN)[:\s#]*",
            "",
            raw,
            flags=re.I,
        )
        if EU_CT_RE.match(value) and not found["eu_ct_number"]:
            found["eu_ct_number"] = value
        elif (kind == "EUDRACT_NUMBER" or EUDRACT_RE.match(value)) and EUDRACT_RE.match(value):
            found["eudract_number"] = found["eudract_number"] or value
        elif ISRCTN_RE.match(raw.replace(" ", "")):
            found["isrctn"] = found["isrctn"] or raw.replace(" ", "")
        elif re.search(r"\bREK\b|regional (committee|ethics)|etikkomit", f"{raw} {domain}", re.I):
            match = re.search(r"(19|20)\d{2}/\d{1,6}|\b\d{5,7}\b", raw)
            if match and REK_RE.match(match.group(0)):
                found["rek_number"] = found["rek_number"] or match.group(0)
    return found


def ctgov_study_values(record: dict) -> tuple[dict[str, Any], dict]:
    """The study fields a record carries, and the raw sponsor module (raises on bad records)."""
    protocol = record["protocolSection"]
    ident = protocol["identificationModule"]
    nct = ident["nctId"]
    if not NCT_RE.match(nct):
        raise ValueError(f"ugyldig NCT-nummer «{nct}»")
    status = protocol.get("statusModule", {})
    design = protocol.get("designModule", {})
    eligibility = protocol.get("eligibilityModule", {})
    description = protocol.get("descriptionModule", {})
    interventions = protocol.get("armsInterventionsModule", {}).get("interventions", []) or []
    study_type = design.get("studyType", "")
    purpose = (design.get("designInfo") or {}).get("primaryPurpose", "")
    if study_type == "OBSERVATIONAL":
        category = (
            Study.Category.REGISTRY
            if design.get("patientRegistry")
            else Study.Category.OBSERVATIONAL
        )
    elif study_type == "INTERVENTIONAL" and purpose == "TREATMENT":
        category = Study.Category.KBS
    else:
        category = Study.Category.OTHER_INTERVENTIONAL
    phases = tuple(p for p in design.get("phases", []) or [] if p != "NA")
    start = status.get("startDateStruct") or {}
    primary = status.get("primaryCompletionDateStruct") or {}
    completion = status.get("completionDateStruct") or {}
    values: dict[str, Any] = {
        "nct_id": nct,
        **_identifiers(protocol),
        "sponsor_protocol_code": str((ident.get("orgStudyIdInfo") or {}).get("id", ""))[:60],
        "scientific_title": (ident.get("officialTitle") or ident["briefTitle"])[:500],
        "lay_title_en": ident.get("briefTitle", "")[:300],
        "lay_summary_en": description.get("briefSummary", ""),
        "category": category,
        "phase": PHASES.get(phases, Study.Phase.NOT_APPLICABLE),
        "intervention_types": sorted(
            {str(i.get("type", "")).lower() for i in interventions if i.get("type")}
        ),
        "conditions": "\n".join(protocol.get("conditionsModule", {}).get("conditions", []) or []),
        "min_age": _age(eligibility.get("minimumAge")),
        "max_age": _age(eligibility.get("maximumAge")),
        "sex": SEX.get(eligibility.get("sex", "ALL"), Study.Sex.ALL),
        "healthy_volunteers": bool(eligibility.get("healthyVolunteers")),
        "eligibility_criteria": eligibility.get("eligibilityCriteria", ""),
        "opened_on": _date(start),
        "first_patient_in_on": _date(start) if start.get("type") == "ACTUAL" else None,
        "planned_recruitment_end_on": _date(primary) if primary.get("type") != "ACTUAL" else None,
        "actual_recruitment_end_on": _date(primary) if primary.get("type") == "ACTUAL" else None,
        "completed_on": _date(completion) if completion.get("type") == "ACTUAL" else None,
        "target_enrolment": (design.get("enrollmentInfo") or {}).get("count"),
        "registry_updated_on": _date(status.get("lastUpdatePostDateStruct"))
        or _date(status.get("lastUpdateSubmitDate")),
    }
    if (
        values["min_age"] is not None
        and values["max_age"] is not None
        and values["min_age"] > values["max_age"]
    ):
        values["max_age"] = None
    for later in ("planned_recruitment_end_on", "actual_recruitment_end_on", "completed_on"):
        # A registry date before the start cannot hold here (Study.clean, its constraints).
        if values[later] and values["opened_on"] and values[later] < values["opened_on"]:
            values[later] = None
    overall = status.get("overallStatus", "")
    if overall in STATUS:
        values["status"] = STATUS[overall]
    return values, protocol.get("sponsorCollaboratorsModule", {})


def _sponsor(module: dict) -> tuple[Sponsor | None, str]:
    lead = module.get("leadSponsor") or {}
    name = str(lead.get("name", "")).strip()[:200]
    if not name:
        return None, Study.SponsorType.PUBLIC
    industry = lead.get("class") == "INDUSTRY"
    sponsor, _created = Sponsor.objects.get_or_create(
        name=name,
        defaults={"kind": Sponsor.Kind.INDUSTRY if industry else Sponsor.Kind.PUBLIC},
    )
    return sponsor, Study.SponsorType.INDUSTRY if industry else Study.SponsorType.PUBLIC


def _norwegian_locations(record: dict) -> list[dict]:
    module = record["protocolSection"].get("contactsLocationsModule", {}) or {}
    return [loc for loc in module.get("locations", []) or [] if loc.get("country") == "Norway"]


def _location_text(loc: dict) -> str:
    return ", ".join(str(loc[k]) for k in ("facility", "city") if loc.get(k))


@transaction.atomic
def ctgov_import_record(
    *,
    record: dict,
    matcher: OrganisationMatcher,
    report: ImportReport,
    default_organisation: Organisation | None = None,
) -> Study | None:
    """Create or update one study (and its Norwegian sites) from a record."""
    values, sponsor_module = ctgov_study_values(record)
    nct = values["nct_id"]
    locations = []
    for loc in _norwegian_locations(record):
        org = matcher.match(loc.get("facility", "")) or matcher.match(_location_text(loc))
        if org is None:
            report.unmatched_locations.append((nct, _location_text(loc)))
        else:
            locations.append((org, loc))
    sponsor, sponsor_type = _sponsor(sponsor_module)
    lead_name = (sponsor_module.get("leadSponsor") or {}).get("name", "")
    responsible = (
        matcher.match(lead_name) or (locations[0][0] if locations else None) or default_organisation
    )
    study = Study.objects.select_for_update().filter(nct_id=nct).first()
    if study is None and responsible is None:
        report.skipped.append((nct, "ingen norsk ansvarlig organisasjon eller norsk studiested"))
        return None
    values.update(sponsor=sponsor, sponsor_type=sponsor_type)
    if study is None:
        study = Study(responsible_organisation=responsible, **values)
        study.status = values.get("status", Study.Status.DRAFT)
        study.full_clean()
        save_with_history(study, user=None, reason=REASON)
        report.created += 1
    else:
        if (
            study.registry_updated_on
            and values["registry_updated_on"]
            and values["registry_updated_on"] < study.registry_updated_on
        ):
            report.unchanged += 1
            return study
        changed = [k for k, v in values.items() if getattr(study, k) != v]
        if changed:
            for key in changed:
                setattr(study, key, values[key])
            when = values["registry_updated_on"]
            study.full_clean()
            save_with_history(
                study, user=None, reason=f"{REASON} ({when:%d.%m.%Y})" if when else REASON
            )
        site_changes = _upsert_sites(study, locations, values.get("status"))
        if changed or site_changes:
            report.updated += 1
        else:
            report.unchanged += 1
        return study
    _upsert_sites(study, locations, values.get("status"))
    return study


def _upsert_sites(
    study: Study, locations: list[tuple[Organisation, dict]], status: str | None
) -> int:
    changes = 0
    seen: set[int] = set()
    for org, loc in locations:
        if org.pk in seen:
            continue
        seen.add(org.pk)
        site_status = SITE_STATUS.get(
            loc.get("status", ""),
            StudySite.Status.OPEN
            if status == Study.Status.OPEN
            else StudySite.Status.CLOSED
            if status in (Study.Status.CLOSED, Study.Status.COMPLETED, Study.Status.TERMINATED)
            else StudySite.Status.PLANNED,
        )
        contact = next(iter(loc.get("contacts") or []), {})
        values = {
            "status": site_status,
            "contact_name": str(contact.get("name", ""))[:200],
            "contact_email": str(contact.get("email", ""))[:254],
            "contact_phone": str(contact.get("phone", ""))[:30],
        }
        site = StudySite.objects.filter(study=study, organisation=org).first()
        if site is None:
            site = StudySite(study=study, organisation=org, **values)
        elif all(getattr(site, k) == v for k, v in values.items()):
            continue
        else:
            for key, value in values.items():
                setattr(site, key, value)
        site.full_clean()
        save_with_history(site, user=None, reason=REASON)
        changes += 1
    return changes


def ctgov_import(
    *,
    records: Iterable[dict],
    default_organisation: Organisation | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import records one by one; a bad record is reported with its NCT id, the rest go in."""
    report = ImportReport()
    matcher = OrganisationMatcher()
    for index, record in enumerate(records, start=1):
        nct = _nct_of(record)
        try:
            ctgov_import_record(
                record=record,
                matcher=matcher,
                report=report,
                default_organisation=default_organisation,
            )
        except ValidationError as exc:
            report.errors.append((nct, "; ".join(exc.messages)))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            report.errors.append((nct, f"{type(exc).__name__}: {exc}"))
        if progress:
            progress(index)
    return report


def _nct_of(record: Any) -> str:
    try:
        return str(record["protocolSection"]["identificationModule"]["nctId"])
    except (KeyError, TypeError):
        return "(uten NCT-nummer)"


def ctgov_records(paths: Iterable[Path]) -> Iterator[dict]:
    for path in paths:
        yield from ctgov_read(path)
