"""Input serializers for the integration API. The national identity number is write-only and is
validated without ever being repeated in an error.

No error repeats what was sent: a wrong choice or an unknown municipality code names the field
and what is allowed, never the value (DRF's own messages would say ``"…" is not a valid choice``,
and a number sent in the wrong field would come back in the answer and in the stored idempotent
response). A field the API does not have is refused, named only when its name is plainly a
field name.
"""

import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils import timezone
from rest_framework import serializers

from sites.models import Municipality
from trials.models import Study, StudySite

from ..models import ConsentEvent, ConsentForm, Participant, Reservation
from ..national_id import national_id_validate
from ..services.participants import BIRTH_YEAR_MIN, participant_update_check

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# A name that may be repeated in "unknown field": letters, digits and _, no run of digits.
_PLAIN_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z_]*(?:\d{1,3}[A-Za-z_]*)*")
# Times in the future are refused beyond this (clocks differ).
FUTURE_SKEW = dt.timedelta(minutes=5)


def _choice(choices, **kwargs) -> serializers.ChoiceField:
    """A choice field whose refusal lists what is allowed and never repeats the value sent."""
    allowed = ", ".join(str(c[0] if isinstance(c, tuple | list) else c) for c in choices)
    messages: dict[str, str | StrPromise] = {
        "invalid_choice": f"Ugyldig verdi. Tillatte verdier: {allowed}."
    }
    return serializers.ChoiceField(choices=choices, error_messages=messages, **kwargs)


def _unknown_fields(data, fields) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    known = ", ".join(fields)
    for name in data:
        if name in fields:
            continue
        if isinstance(name, str) and len(name) <= 60 and _PLAIN_FIELD_NAME.fullmatch(name):
            errors[name] = [f"Ukjent felt. Tillatte felt: {known}."]
        else:
            errors.setdefault("non_field_errors", []).append(
                f"Posten har et felt som ikke finnes (navnet gjentas ikke). Tillatte felt: {known}."
            )
    return errors


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not have (``admin``, ``recorded_by``, …) instead of ignoring them."""

    def to_internal_value(self, data):
        unknown = _unknown_fields(data, self.fields) if isinstance(data, Mapping) else {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**unknown, **exc.detail}) from None
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


def _not_in_the_future(value: dt.datetime) -> dt.datetime:
    if value > timezone.now() + FUTURE_SKEW:
        raise serializers.ValidationError("Tidspunktet kan ikke være fram i tid.")
    return value


class NationalIdField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(write_only=True, max_length=20, trim_whitespace=True, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            number, _kind = national_id_validate(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return number


class PersonSerializer(StrictSerializer):
    national_id = NationalIdField(help_text="Fødselsnummer, D-nummer eller H-nummer (11 sifre).")
    birth_year = serializers.IntegerField(
        min_value=BIRTH_YEAR_MIN, required=False, help_text="Fra 1900 til i år."
    )
    sex = _choice(Participant.Sex.choices, required=False)
    home_municipality = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Municipality.objects.all(),
        required=False,
        error_messages={
            "does_not_exist": "Ukjent kommunenummer.",
            "invalid": "Ugyldig kommunenummer.",
        },
    )

    def validate_birth_year(self, value: int) -> int:
        try:
            participant_update_check(birth_year=value, sex=Participant.Sex.UNKNOWN)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["birth_year"]) from None
        return value


def _client_org_q(client, prefix: str) -> Q:
    org_ids = list(client.organisations.values_list("pk", flat=True))
    return Q(**{f"{prefix}organisation_id__in": org_ids}) | Q(
        **{f"{prefix}organisation__parent_id__in": org_ids}
    )


class EnrolmentInSerializer(PersonSerializer):
    study = serializers.CharField(help_text="Studiens offentlige id (KS…).")
    site_orgnr = serializers.CharField(help_text="Organisasjonsnummeret til studiestedet.")
    included_on = serializers.DateField()

    def validate(self, attrs):
        client = self.context["client"]
        site = (
            StudySite.objects.select_related("study")
            .filter(study__public_id=attrs["study"], organisation__orgnr=attrs["site_orgnr"])
            .filter(_client_org_q(client, ""))
            .first()
        )
        if site is None:
            raise serializers.ValidationError(
                {"site_orgnr": "Fant ikke studiestedet blant systemets organisasjoner."}
            )
        attrs["site"] = site
        return attrs


class ConsentInSerializer(PersonSerializer):
    study = serializers.CharField(help_text="Studiens offentlige id (KS…).")
    event = _choice(["given", "withdrawn"])
    occurred_at = serializers.DateTimeField(
        help_text=(
            "Når hendelsen skjedde. Kan ikke ligge mer enn 10 minutter før siste registrerte "
            "hendelse for samme person og studie (da avvises den); innenfor det avgjør "
            "rekkefølgen hendelsene ble registrert i."
        )
    )
    form_version = serializers.CharField(required=False, help_text="Påkrevd når event=given.")
    language = _choice(ConsentForm.Language.choices, default="nb")
    channel = _choice(ConsentEvent.Channel.choices, default=ConsentEvent.Channel.DIGITAL)
    scope = _choice(ConsentEvent.Scope.choices, required=False)
    reason = _choice(ConsentEvent.Reason.choices, default=ConsentEvent.Reason.NOT_GIVEN)

    def validate(self, attrs):
        client = self.context["client"]
        study = (
            Study.objects.filter(public_id=attrs["study"])
            .filter(
                _client_org_q(client, "responsible_")
                | Q(sites__in=StudySite.objects.filter(_client_org_q(client, "")))
            )
            .distinct()
            .first()
        )
        if study is None:
            raise serializers.ValidationError(
                {"study": "Fant ikke studien blant systemets organisasjoner."}
            )
        attrs["study_obj"] = study
        if attrs["event"] == "given":
            form = ConsentForm.objects.filter(
                study=study, version_label=attrs.get("form_version", ""), language=attrs["language"]
            ).first()
            if form is None:
                raise serializers.ValidationError({"form_version": "Ukjent skjemaversjon."})
            attrs["form"] = form
        elif not attrs.get("scope"):
            raise serializers.ValidationError({"scope": "Omfang må oppgis ved tilbaketrekking."})
        return attrs


class ReservationInSerializer(StrictSerializer):
    national_id = NationalIdField()
    scope = _choice(Reservation.Scope.choices, default=Reservation.Scope.ALL)
    action = _choice(["reserve", "lift"], default="reserve")
    occurred_at = serializers.DateTimeField(help_text="Ikke fram i tid.")

    def validate_occurred_at(self, value: dt.datetime) -> dt.datetime:
        return _not_in_the_future(value)
