"""Format checks for study identifiers, each with a message a coordinator understands."""

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# REK: the portal's numeric references (e.g. 123456) and the older "2019/1234" form.
REK_RE = re.compile(r"^(\d{4,7}|(19|20)\d{2}/\d{1,6})$")
EU_CT_RE = re.compile(r"^(20\d{2})-5\d{5}-\d{2}-\d{2}$")
EUDRACT_RE = re.compile(r"^(19|20)\d{2}-\d{6}-\d{2}$")
NCT_RE = re.compile(r"^NCT\d{8}$")
ISRCTN_RE = re.compile(r"^ISRCTN\d{8}$")
# The portfolio's own public study id ("KS" and 8 Crockford base32 characters).
PUBLIC_ID_PATTERN = "KS[0-9A-Z]{8}"
PUBLIC_ID_RE = re.compile(rf"^{PUBLIC_ID_PATTERN}$", re.I)


def _check(pattern: re.Pattern[str], value: str, message: "str | StrPromise", code: str) -> None:
    if not pattern.match(value):
        raise ValidationError(message, code=code, params={"value": value})


def validate_rek(value: str) -> None:
    _check(
        REK_RE,
        value,
        _(
            "REK-nummeret «%(value)s» er ugyldig. Bruk saksnummeret fra REK-portalen, "
            "f.eks. 123456 eller 2019/1234."
        ),
        "rek_format",
    )


def validate_eu_ct(value: str) -> None:
    _check(
        EU_CT_RE,
        value,
        _(
            "EU CT-nummeret «%(value)s» er ugyldig. Formatet er ÅÅÅÅ-5NNNNN-NN-NN, "
            "f.eks. 2023-508143-51-01."
        ),
        "eu_ct_format",
    )


def validate_eudract(value: str) -> None:
    _check(
        EUDRACT_RE,
        value,
        _(
            "EudraCT-nummeret «%(value)s» er ugyldig. Formatet er ÅÅÅÅ-NNNNNN-NN, "
            "f.eks. 2019-001234-56."
        ),
        "eudract_format",
    )


def validate_nct(value: str) -> None:
    _check(
        NCT_RE,
        value,
        _(
            "NCT-nummeret «%(value)s» er ugyldig. Det skal være NCT fulgt av 8 sifre, "
            "f.eks. NCT01234567."
        ),
        "nct_format",
    )


def validate_isrctn(value: str) -> None:
    _check(
        ISRCTN_RE,
        value,
        _(
            "ISRCTN-nummeret «%(value)s» er ugyldig. Det skal være ISRCTN fulgt av 8 sifre, "
            "f.eks. ISRCTN12345678."
        ),
        "isrctn_format",
    )


# Verhoeff's check digit, as SNOMED CT identifiers carry in their last digit.
_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 7, 6, 8, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]
SNOMED_CT_ID_RE = re.compile(r"^[1-9]\d{5,17}$")


def verhoeff_valid(digits: str) -> bool:
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(digit)]]
    return check == 0


def validate_snomed_ct_concept(value: str) -> None:
    """A SNOMED CT concept id: 6–18 digits, a concept partition (…00x or …10x) and Verhoeff's
    check digit last."""
    if SNOMED_CT_ID_RE.match(value) and value[-3:-1] in ("00", "10") and verhoeff_valid(value):
        return
    raise ValidationError(
        _(
            "«%(value)s» er ikke en gyldig SNOMED CT-kode for et begrep (6–18 sifre med "
            "kontrollsiffer, f.eks. 406506008)."
        ),
        code="snomed_ct",
        params={"value": value},
    )


# --- normalising identifiers found in registry records -------------------------------------------

IDENTIFIER_FIELDS = (
    "rek_number",
    "eu_ct_number",
    "eudract_number",
    "nct_id",
    "isrctn",
)
_PATTERNS = {
    "rek_number": REK_RE,
    "eu_ct_number": EU_CT_RE,
    "eudract_number": EUDRACT_RE,
    "nct_id": NCT_RE,
    "isrctn": ISRCTN_RE,
}
# Free-text labels registries put before a number ("EU CT number: …", "EudraCT 2019-…", "REK #…").
_LABEL_RE = re.compile(
    r"^(EU\s*CT\s*(number|no\.?|nr\.?)?|CTIS|EudraCT(\s*(number|no\.?))?|REK(\s*(nr\.?|no\.?))?"
    r"|ISRCTN\s*(?=ISRCTN)|NCT\s*(?=NCT))[:\s#.]*",
    re.I,
)
_FIND = (
    ("eu_ct_number", re.compile(r"\b(20\d{2})-5\d{5}-\d{2}-\d{2}\b")),
    ("eudract_number", re.compile(r"\b(19|20)\d{2}-\d{6}-\d{2}\b(?!-)")),
    ("nct_id", re.compile(r"\bNCT\s?\d{8}\b", re.I)),
    ("isrctn", re.compile(r"\bISRCTN\s?\d{8}\b", re.I)),
)


def identifier_normalise(kind: str, raw: str) -> str:
    """The identifier in its one stored form (``nct 0123 4567`` → ``NCT01234567``), or "" when
    ``raw`` is not a valid identifier of that kind."""
    text = _LABEL_RE.sub("", str(raw or "").strip()).strip()
    if kind in ("nct_id", "isrctn"):
        text = re.sub(r"\s+", "", text).upper()
    elif kind == "rek_number":
        text = re.sub(r"\s+", "", text)
    elif kind == "eudract_number":
        text = text[:14]  # EudraCT numbers are often written with a country suffix (…-56-NO).
    pattern = _PATTERNS.get(kind)
    return text if pattern is not None and pattern.match(text) else ""


def identifiers_in_text(text: str) -> dict[str, str]:
    """Registry identifiers found anywhere in a free text (secondary-id lists, notes)."""
    found: dict[str, str] = {}
    for kind, pattern in _FIND:
        match = pattern.search(text or "")
        if match:
            value = identifier_normalise(kind, match.group(0))
            if value:
                found.setdefault(kind, value)
    return found


def identifier_search_term(term: str) -> str:
    """The stored form of whatever identifier a person typed into a search box, or the term."""
    for kind in IDENTIFIER_FIELDS:
        value = identifier_normalise(kind, term)
        if value:
            return value
    return term.strip()
