"""Check-digit validation of Norwegian organisation numbers (Enhetsregisteret, modulus 11), and
the shape of the capacity figures kept per profession and per HRCS health category."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def orgnr_is_valid(value: str) -> bool:
    if len(value) != 9 or not value.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(value[:8], _ORGNR_WEIGHTS, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(value[8])


def validate_orgnr(value: str) -> None:
    if len(value) != 9 or not value.isdigit():
        raise ValidationError(
            _("Organisasjonsnummeret må ha nøyaktig 9 sifre (fikk «%(value)s»)."),
            code="orgnr_format",
            params={"value": value},
        )
    if not orgnr_is_valid(value):
        raise ValidationError(
            _(
                "Organisasjonsnummeret %(value)s har feil kontrollsiffer. Sjekk nummeret i Enhetsregisteret."
            ),
            code="orgnr_checksum",
            params={"value": value},
        )


# The Health Research Classification System's 21 health categories, by their codes 01–21.
HRCS_HEALTH_CATEGORY_CODES = tuple(f"{n:02d}" for n in range(1, 22))


def validate_counts_by_key(value: object, *, keys: Iterable[str], unknown: "StrOrPromise") -> None:
    """A figure per key, as capacity figures are stored: ``{"lege": 120, "psykolog": 9}``.

    Every key is one of ``keys`` (``unknown`` says what it is not, with ``%(key)s``) and every
    number a whole number, 0 or more. All problems are reported at once.
    """
    if not isinstance(value, dict):
        raise ValidationError(_("Skal være et antall per rad."), code="counts_shape")
    allowed = set(keys)
    errors = []
    for key, number in value.items():
        if key not in allowed:
            errors.append(ValidationError(unknown, code="counts_key", params={"key": key}))
        elif isinstance(number, bool) or not isinstance(number, int) or number < 0:
            errors.append(
                ValidationError(
                    _("Antallet for «%(key)s» må være et helt tall, 0 eller mer."),
                    code="counts_number",
                    params={"key": key},
                )
            )
    if errors:
        raise ValidationError(errors)


def validate_patients_by_hrcs(value: object) -> None:
    validate_counts_by_key(
        value,
        keys=HRCS_HEALTH_CATEGORY_CODES,
        unknown=_("«%(key)s» er ikke en HRCS helsekategori (kodene 01–21)."),
    )
