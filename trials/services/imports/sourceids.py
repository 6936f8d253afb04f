"""Identifiers in the secondary-id lists registries keep (ClinicalTrials.gov, AACT)."""

import re

from ...validators import identifier_normalise, identifiers_in_text

_REK_HINT = re.compile(r"\bREK\b|regional (committee|ethics)|etikkomit", re.I)
_REK_NUMBER = re.compile(r"(19|20)\d{2}/\d{1,6}|\b\d{5,7}\b")


def rek_in(text: str) -> str:
    """A REK reference in a text that says it is one ("REK 2019/1234", "REK sør-øst 123456")."""
    if not _REK_HINT.search(text):
        return ""
    match = _REK_NUMBER.search(text)
    return identifier_normalise("rek_number", match.group(0)) if match else ""


def ctgov_secondary_ids(infos: list[dict]) -> dict[str, str]:
    """EU CT, EudraCT, ISRCTN and REK numbers among ClinicalTrials.gov's secondary ids."""
    found: dict[str, str] = {}
    for info in infos:
        raw = str(info.get("id", "") or info.get("SecondaryId", "") or "")
        domain = str(info.get("domain", "") or info.get("SecondaryIdDomain", "") or "")
        kind = str(info.get("type", "") or info.get("SecondaryIdType", "") or "")
        for key, value in identifiers_in_text(raw).items():
            found.setdefault(key, value)
        if "EUDRACT" in kind.upper().replace(" ", "") and "eudract_number" not in found:
            value = identifier_normalise("eudract_number", raw)
            if value:
                found["eudract_number"] = value
        rek = rek_in(f"{raw} {domain}")
        if rek:
            found.setdefault("rek_number", rek)
    found.pop("nct_id", None)
    return found
