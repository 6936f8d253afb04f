"""Format checks for study identifiers, each with a message a coordinator understands."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# REK: the portal's numeric references (e.g. 123456) and the older "2019/1234" form.
REK_RE = re.compile(r"^(\d{4,7}|(19|20)\d{2}/\d{1,6})$")
EU_CT_RE = re.compile(r"^(20\d{2})-5\d{5}-\d{2}-\d{2}$")
EUDRACT_RE = re.compile(r"^(19|20)\d{2}-\d{6}-\d{2}$")
NCT_RE = re.compile(r"^NCT\d{8}$")
ISRCTN_RE = re.compile(r"^ISRCTN\d{8}$")


def _check(pattern: re.Pattern[str], value: str, message: str, code: str) -> None:
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
