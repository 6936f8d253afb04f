"""Validation of Norwegian national identity numbers (fødselsnummer), D-numbers and H-numbers.

Both check-digit rules in force are accepted: the classic mod-11 rule, and the rule for numbers
issued from 1 January 2032, under which the first check digit may leave remainder 0, 1, 2 or 3
(Skatteetaten, "Nytt fødselsnummer fra 2032"). From 2032 the individual number no longer tells the
century, so a number is accepted when its date exists in some century and is not in the future.
Nothing is derived from the number: birth year and sex are given by the caller.

Offsets: D-number day + 40; H-number (health-service auxiliary number) month + 40; Skatteetaten's
synthetic test numbers (Tenor) month + 80. NAV's synthetic numbers (Dolly) also use month + 40 and
cannot be told apart from H-numbers, which are real identifiers in hospitals, so month + 40 is
always accepted. Month + 80 is accepted only with ``settings.ALLOW_SYNTHETIC_NATIONAL_IDS``.

Error messages never repeat the number.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


@dataclass(frozen=True)
class NationalIdKind:
    d_number: bool
    h_number: bool
    synthetic: bool
    rule_2032_only: bool


def _digits(number: str) -> list[int]:
    return [int(c) for c in number]


def classic_checksum_ok(number: str) -> bool:
    """Both check digits by the classic mod-11 rule (remainder 0)."""
    d = _digits(number)
    return (sum(w * x for w, x in zip(_K1_WEIGHTS, d, strict=False)) + d[9]) % 11 == 0 and (
        sum(w * x for w, x in zip(_K2_WEIGHTS, d, strict=False)) + d[10]
    ) % 11 == 0


def rule_2032_checksum_ok(number: str) -> bool:
    """The rule from 2032: k1 may leave remainder 0–3; k2 as before."""
    d = _digits(number)
    return (sum(w * x for w, x in zip(_K1_WEIGHTS, d, strict=False)) + d[9]) % 11 in {
        0,
        1,
        2,
        3,
    } and (sum(w * x for w, x in zip(_K2_WEIGHTS, d, strict=False)) + d[10]) % 11 == 0


def _day_month(number: str) -> tuple[int, int, bool, bool, bool]:
    day, month = int(number[0:2]), int(number[2:4])
    d_number = 41 <= day <= 71
    if d_number:
        day -= 40
    h_number = synthetic = False
    if 81 <= month <= 92:
        month -= 80
        synthetic = True
    elif 41 <= month <= 52:
        month -= 40
        h_number = True
    return day, month, d_number, h_number, synthetic


def date_plausible(number: str, *, today: dt.date | None = None) -> bool:
    """The date part exists in some century (1800s–2000s) and is not after today."""
    today = today or timezone.localdate()
    day, month, *_flags = _day_month(number)
    yy = int(number[4:6])
    for century in (1800, 1900, 2000):
        try:
            if dt.date(century + yy, month, day) <= today:
                return True
        except ValueError:
            continue
    return False


def national_id_validate(
    value: str, *, allow_synthetic: bool | None = None, today: dt.date | None = None
) -> tuple[str, NationalIdKind]:
    """Return the normalised 11-digit number and its kind, or raise a ValidationError."""
    if allow_synthetic is None:
        allow_synthetic = settings.ALLOW_SYNTHETIC_NATIONAL_IDS
    number = "".join((value or "").split())
    # ASCII only: "０１２…" is also isdigit(), and would become another person's pseudonym.
    if not (number.isascii() and number.isdigit()) or len(number) != 11:
        raise ValidationError(
            _("Fødselsnummeret må bestå av nøyaktig 11 sifre."), code="national_id_format"
        )
    classic = classic_checksum_ok(number)
    if not classic and not rule_2032_checksum_ok(number):
        raise ValidationError(
            _("Kontrollsifrene stemmer ikke. Sjekk at fødselsnummeret er skrevet riktig."),
            code="national_id_checksum",
        )
    if number[0] in "89":
        raise ValidationError(
            _("Felles hjelpenummer (FH-nummer) inneholder ingen fødselsdato og kan ikke brukes."),
            code="national_id_fh",
        )
    _day, _month, d_number, h_number, synthetic = _day_month(number)
    if not date_plausible(number, today=today):
        raise ValidationError(
            _("Fødselsnummeret inneholder ingen gyldig fødselsdato."), code="national_id_date"
        )
    if synthetic and not allow_synthetic:
        raise ValidationError(
            _("Syntetiske testnumre er ikke tillatt i dette miljøet."),
            code="national_id_synthetic",
        )
    return number, NationalIdKind(
        d_number=d_number, h_number=h_number, synthetic=synthetic, rule_2032_only=not classic
    )


# Where a number shows up where it does not belong: eleven digits in a row, or written the way
# people write it, birth date and personal number apart ("010203 12345", "010203-12345").
_DIGIT_RUN = re.compile(r"\d{11,}")
_WRITTEN_APART = re.compile(r"(?=(\d{6}[ .\-]\d{5}))")


def _passes(number: str) -> bool:
    """Accepted by ``national_id_validate``, synthetic numbers included: a test number in the wrong
    place is as much a leak in the making as a real one."""
    try:
        national_id_validate(number, allow_synthetic=True)
    except ValidationError:
        return False
    return True


def _national_id_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for run in _DIGIT_RUN.finditer(text):
        for first in range(run.start(), run.end() - 10):
            if _passes(text[first : first + 11]):
                spans.append((first, first + 11))
    for found in _WRITTEN_APART.finditer(text):
        written = found.group(1)
        if _passes(written[:6] + written[7:]):
            spans.append((found.start(1), found.end(1)))
    return sorted(spans)


def national_id_present(text: str) -> bool:
    """Whether a text holds, anywhere in it, what ``national_id_validate`` would take for a
    national identity number (a UUID does so about once in 10 000)."""
    return bool(_national_id_spans(text or ""))


def national_id_redact(text: str, *, mask: str = "[fjernet]") -> str:
    """The text with every sequence that passes for a national identity number replaced."""
    spans = _national_id_spans(text or "")
    if not spans:
        return text
    parts, end = [], 0
    for start, stop in spans:
        if start < end:  # overlapping windows of one long run: one mask covers both
            end = max(end, stop)
            continue
        parts.append(text[end:start] + mask)
        end = stop
    parts.append(text[end:])
    return "".join(parts)
