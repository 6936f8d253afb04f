"""helsenorge.no's listing of clinical studies (JSON: ``tittel``, ``status``, ``utfort_av`` …).

Meaning: a listing has no dates or numbers. "Åpen for rekruttering" is open for inclusion,
"Pågående" ongoing without recruitment (closed for inclusion). ``utfort_av`` is the responsible
health trust; ``deltakende_foretak`` are the sites (the responsible trust among them when it has
one). The title and summary are the Norwegian
lay texts; ``kategorier`` are helsenorge's health categories (HRCS). helsenorge gives no study
type: the study category is read from what the title and summary say the study does
(``trials.helsenorge.study_category_for_listing``).
"""

from typing import Any

from ....helsenorge import study_category_for_listing
from ....models import Registry, Study
from ..records import RecordProblem, SiteRef, StudyRecord

FORMAT = "helsenorge"
LABEL = "helsenorge.no studieliste (JSON)"
STATUS = {"åpen for rekruttering": Study.Status.OPEN, "pågående": Study.Status.CLOSED}


def looks_like(data: Any) -> bool:
    first = data[0] if isinstance(data, list) and data else data
    return isinstance(first, dict) and "tittel" in first and "utfort_av" in first


def registry_id(raw: Any) -> str:
    return str(raw.get("id") or "") if isinstance(raw, dict) else ""


def parse(raw: Any) -> StudyRecord:
    title = str(raw.get("tittel") or "").strip()
    if not title:
        raise RecordProblem("Oppføringen mangler tittel.")
    responsible = str(raw.get("utfort_av") or "").strip()
    others = [str(name).strip() for name in raw.get("deltakende_foretak") or [] if name]
    summary = str(raw.get("sammendrag") or "").strip()
    return StudyRecord(
        registry=Registry.HELSENORGE,
        registry_id=registry_id(raw),
        file_format=FORMAT,
        title=title,
        lay_title_nb=title[:300],
        lay_summary_nb=summary,
        category=study_category_for_listing(title, summary),
        status=STATUS.get(str(raw.get("status") or "").strip().lower()),
        conditions="\n".join(str(t) for t in raw.get("relaterte_behandlinger") or []),
        lead_names=[responsible],
        # The participating trusts are the sites; the responsible trust is one only when listed.
        sites=[SiteRef(facility=name) for name in others],
        norway_only=True,
        in_norway=True,
        health_categories=[str(c) for c in raw.get("kategorier") or []],
        diagnoses=[str(code) for code in raw.get("relaterte_diagnoser") or []],
    )
