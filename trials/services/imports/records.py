"""The one record every registry format is read into, and the small readers they share."""

import datetime as dt
import re
from dataclasses import dataclass, field

from ...models import Registry, Study
from ...validators import IDENTIFIER_FIELDS, identifier_normalise


class RecordProblem(Exception):
    """A record (or file) that cannot be read, with a message a coordinator understands."""


@dataclass(frozen=True)
class SiteRef:
    """A Norwegian site as the registry writes it."""

    facility: str
    city: str = ""
    recruiting: bool | None = None

    @property
    def text(self) -> str:
        return ", ".join(part for part in (self.facility, self.city) if part)[:300]


@dataclass
class StudyRecord:
    """A study as one registry describes it, in the portfolio's terms.

    Dates and numbers keep what they mean: ``start_on`` is the study's global start (the first
    participant anywhere when ``start_actual``), ``recruitment_end_on`` the end of recruitment
    (planned unless ``recruitment_end_actual``), ``enrolment`` a target unless ``enrolment_actual``.
    """

    registry: Registry
    registry_id: str
    file_format: str
    title: str
    identifiers: dict[str, str] = field(default_factory=dict)
    sponsor_protocol_code: str = ""
    lay_title_en: str = ""
    lay_title_nb: str = ""
    lay_summary_en: str = ""
    lay_summary_nb: str = ""
    status: str | None = None
    category: str = Study.Category.OTHER_INTERVENTIONAL
    phase: str = Study.Phase.NOT_APPLICABLE
    intervention_types: list[str] = field(default_factory=list)
    conditions: str = ""
    min_age: int | None = None
    max_age: int | None = None
    sex: str = Study.Sex.ALL
    healthy_volunteers: bool = False
    eligibility_criteria: str = ""
    sponsor_name: str = ""
    sponsor_industry: bool = False
    lead_names: list[str] = field(default_factory=list)
    start_on: dt.date | None = None
    start_actual: bool = False
    recruitment_end_on: dt.date | None = None
    recruitment_end_actual: bool = False
    completed_on: dt.date | None = None
    enrolment: int | None = None
    enrolment_actual: bool = False
    updated_on: dt.date | None = None
    sites: list[SiteRef] = field(default_factory=list)
    norway_only: bool = False
    in_norway: bool | None = None  # None: decided by the sites and the lead organisation
    sites_in_norway: bool = True  # False when ``sites`` may be abroad (AACT's lead institutions)
    health_categories: list[str] = field(default_factory=list)
    diagnoses: list[str] = field(default_factory=list)  # SNOMED CT concept ids

    @property
    def has_norwegian_site(self) -> bool:
        """The registry says the trial is in Norway, or names a site there."""
        if self.in_norway is not None:
            return self.in_norway
        return self.sites_in_norway and any(site.text for site in self.sites)


@dataclass(frozen=True)
class RecordError:
    """A record that could not be read: where it is and why, in Norwegian."""

    label: str
    message: str


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_WORDS = re.compile(r"^([A-Za-z]+)\s+(?:(\d{1,2}),\s*)?(\d{4})$")


def parse_date(value: object) -> dt.date | None:
    """A registry date: ``2021-03``, ``2021-03-14``, ``14/03/2021``, ``March 14, 2021``,
    ``March 2021``; empty and "N/A" are unknown. Anything else is a ``RecordProblem``."""
    text = str(value or "").strip()
    if not text or text.upper() in ("N/A", "NA", "NAN", "NONE"):
        return None
    try:
        return _parse_date(text)
    except (ValueError, KeyError):
        raise RecordProblem(f"Ugyldig dato «{text[:40]}».") from None


def _parse_date(text: str) -> dt.date:
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    if match := _WORDS.match(text):
        month = MONTHS[match.group(1).lower()]
        return dt.date(int(match.group(3)), month, int(match.group(2) or 1))
    if (match := _ISO.match(text)) and (len(text) in (4, 7) or len(text) >= 10):
        year_text, month_text, day_text = match.groups()
        return dt.date(int(year_text), int(month_text or 1), int(day_text or 1))
    raise ValueError(text)


def parse_age(text: object) -> int | None:
    """``18 Years`` → 18; months, weeks and days count as 0 years; unknown → None."""
    match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)", str(text or ""))
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2).lower()
    return min(int(number), 120) if unit.startswith("year") or not unit else 0


def parse_int(value: object) -> int | None:
    text = str(value or "").strip()
    try:
        number = int(float(text)) if text else None
    except ValueError:
        return None
    return number if number is None or number >= 0 else None


def identifiers_from(pairs: dict[str, object]) -> dict[str, str]:
    """Valid identifiers among ``{field: raw}``; invalid ones are left out."""
    found = {}
    for kind in IDENTIFIER_FIELDS:
        value = identifier_normalise(kind, str(pairs.get(kind) or ""))
        if value:
            found[kind] = value
    return found


PHASES = {
    "EARLY_PHASE1": Study.Phase.EARLY_1,
    "PHASE1": Study.Phase.PHASE_1,
    "PHASE1/PHASE2": Study.Phase.PHASE_1_2,
    "PHASE2": Study.Phase.PHASE_2,
    "PHASE2/PHASE3": Study.Phase.PHASE_2_3,
    "PHASE3": Study.Phase.PHASE_3,
    "PHASE4": Study.Phase.PHASE_4,
}


def parse_phase(text: str) -> str:
    """``PHASE1, PHASE2``, ``Phase 1/Phase 2``, ``Early Phase 1``, ``Phase III`` → the study phase."""
    words = str(text or "").upper().replace("EARLY PHASE", "EARLY_PHASE")
    words = re.sub(r"\bIV\b", "4", re.sub(r"\bIII\b", "3", re.sub(r"\bII\b", "2", words)))
    words = re.sub(r"\bI\b", "1", words)
    numbers = re.findall(r"(EARLY_PHASE|PHASE)\s*_?(\d)", words)
    key = "/".join(f"{'EARLY_PHASE' if p == 'EARLY_PHASE' else 'PHASE'}{n}" for p, n in numbers)
    return PHASES.get(key, Study.Phase.NOT_APPLICABLE)


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


def parse_ctgov_status(text: str) -> str | None:
    """ClinicalTrials.gov's overall status in any spelling (``Active, not recruiting``)."""
    key = re.sub(r"[^A-Z]+", "_", str(text or "").upper()).strip("_")
    return STATUS.get(key)


SEX = {"ALL": Study.Sex.ALL, "FEMALE": Study.Sex.FEMALE, "MALE": Study.Sex.MALE}


def category_for(
    study_type: str, purpose: str = "", registry: bool = False, *, medicinal: bool = False
) -> str:
    """The study category a registry's study type describes. An interventional study is a
    clinical treatment study when its primary purpose is treatment, or when it is a trial of a
    medicinal product (``medicinal``): participants are given the product to find out what it
    does, and such a drug study ("legemiddelstudie") is one of the two kinds of clinical treatment
    study NVA counts, whatever its phase. Other interventional studies are "annen
    intervensjonsstudie"; an observational study is a registry study when its data come from a
    patient registry."""
    kind = str(study_type or "").upper()
    if kind.startswith("OBSERVATIONAL"):
        return Study.Category.REGISTRY if registry else Study.Category.OBSERVATIONAL
    if kind == "INTERVENTIONAL" and (medicinal or str(purpose or "").upper() == "TREATMENT"):
        return Study.Category.KBS
    return Study.Category.OTHER_INTERVENTIONAL


def record_label(path_name: str, index: int, registry_id: str = "") -> str:
    return registry_id or f"{path_name}, post {index}"
