"""Input serializers for the integration API. The national identity number is write-only and is
validated without ever being repeated in an error."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from rest_framework import serializers

from sites.models import Municipality
from trials.models import Study, StudySite

from ..models import ConsentEvent, ConsentForm, Participant, Reservation
from ..national_id import national_id_validate


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


class PersonSerializer(serializers.Serializer):
    national_id = NationalIdField(help_text="Fødselsnummer, D-nummer eller H-nummer (11 sifre).")
    birth_year = serializers.IntegerField(min_value=1850, max_value=2100, required=False)
    sex = serializers.ChoiceField(choices=Participant.Sex.choices, required=False)
    home_municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), required=False
    )


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
    event = serializers.ChoiceField(choices=["given", "withdrawn"])
    occurred_at = serializers.DateTimeField()
    form_version = serializers.CharField(required=False, help_text="Påkrevd når event=given.")
    language = serializers.ChoiceField(choices=ConsentForm.Language.choices, default="nb")
    channel = serializers.ChoiceField(
        choices=ConsentEvent.Channel.choices, default=ConsentEvent.Channel.DIGITAL
    )
    scope = serializers.ChoiceField(choices=ConsentEvent.Scope.choices, required=False)
    reason = serializers.ChoiceField(
        choices=ConsentEvent.Reason.choices, default=ConsentEvent.Reason.NOT_GIVEN
    )

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


class ReservationInSerializer(serializers.Serializer):
    national_id = NationalIdField()
    scope = serializers.ChoiceField(
        choices=Reservation.Scope.choices, default=Reservation.Scope.ALL
    )
    action = serializers.ChoiceField(choices=["reserve", "lift"], default="reserve")
    occurred_at = serializers.DateTimeField()
