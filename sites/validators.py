"""Check-digit validation of Norwegian organisation numbers (Enhetsregisteret, modulus 11)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
