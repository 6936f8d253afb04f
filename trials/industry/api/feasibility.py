"""Public intake of sponsors' feasibility requests: ``POST /api/v1/feasibility-requests/``.

No login; throttled per client address; a 400 lists field errors in Norwegian. The answer gives the
reference and the deadline; the sponsor also gets a confirmation e-mail.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import MultipleObjectsReturned
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, renderers, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from sites.api.throttling import ClientAddressThrottle
from sites.models import Organisation, Region
from trials.models import HealthCategory, Study

from ..models import FeasibilityRequest
from ..services.feasibility import feasibility_request_create

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class FeasibilityIntakeThrottle(ClientAddressThrottle):
    """Per client address (it sends e-mail): a made-up ``X-Forwarded-For`` starts no new budget."""

    scope = "feasibility_intake"

    def get_rate(self) -> str:
        return settings.FEASIBILITY_INTAKE_RATE


def _required(field: str) -> "dict[str, str | StrPromise]":
    return {
        "required": f"{field} må fylles ut.",
        "blank": f"{field} må fylles ut.",
        "min_length": f"{field} må fylles ut.",
    }


class CodeRelatedField(serializers.SlugRelatedField):
    """A lookup by code that takes a non-empty text and nothing else.

    DRF hands each item of a list (``many=True``) straight to ``to_internal_value``, without the
    null check a single field gets. A ``null`` item then became the lookup ``orgnr IS NULL``: every
    organisation without an organisation number, a MultipleObjectsReturned (a 500) when there were
    several, and when there was exactly one, a request silently routed to it. A number or a list
    became a lookup too. Anything but a non-empty text is refused as invalid, and a lookup that
    still finds more than one row is refused rather than guessed.
    """

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data.strip():
            self.fail("invalid")
        try:
            return super().to_internal_value(data)
        except MultipleObjectsReturned:
            self.fail("invalid")


@extend_schema_field({"type": "string", "pattern": "^[a-z0-9-]+$"})
class RegionCodeField(CodeRelatedField):
    pass


@extend_schema_field({"type": "string", "pattern": r"^\d{9}$"})
class OrgnrField(CodeRelatedField):
    pass


@extend_schema_field({"type": "string", "pattern": "^(0[1-9]|1[0-9]|2[01])$"})
class HealthCategoryCodeField(CodeRelatedField):
    pass


class FeasibilityRequestInputSerializer(serializers.Serializer):
    sponsor_name = serializers.CharField(
        min_length=1, max_length=200, error_messages=_required("Sponsor")
    )
    sponsor_country = serializers.RegexField(
        r"^[A-Z]{2}$",
        error_messages={
            **_required("Land"),
            "invalid": "Land må være en ISO 3166-kode med to store bokstaver, f.eks. NO.",
        },
    )
    sponsor_orgnr = serializers.RegexField(
        r"^\d{9}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": "Organisasjonsnummer må ha ni sifre."},
    )
    contact_name = serializers.CharField(
        min_length=1, max_length=200, error_messages=_required("Kontaktperson")
    )
    contact_email = serializers.EmailField(
        max_length=254,  # the column's length: longer failed in PostgreSQL, not as a field error
        error_messages={
            **_required("E-post"),
            "invalid": "Oppgi en gyldig e-postadresse.",
            "max_length": "E-postadressen kan ikke være lengre enn 254 tegn.",
        },
    )
    title = serializers.CharField(min_length=1, max_length=300, error_messages=_required("Tittel"))
    condition = serializers.CharField(
        min_length=1, max_length=300, error_messages=_required("Tilstand")
    )
    hrcs_category = HealthCategoryCodeField(
        slug_field="code",
        queryset=HealthCategory.objects.all(),
        error_messages={
            **_required("HRCS-kategori"),
            "does_not_exist": "Ukjent HRCS-kategori «{value}». Bruk koden 01–21.",
            "invalid": "Ugyldig HRCS-kategori.",
        },
    )
    phase = serializers.ChoiceField(
        choices=Study.Phase.choices,
        error_messages={**_required("Fase"), "invalid_choice": "Ukjent fase «{input}»."},
    )
    study_category = serializers.ChoiceField(
        choices=Study.Category.choices,
        default=Study.Category.KBS,
        error_messages={"invalid_choice": "Ukjent studietype «{input}»."},
    )
    design_summary = serializers.CharField(min_length=1, error_messages=_required("Design"))
    key_inclusion_criteria = serializers.CharField(
        min_length=1, error_messages=_required("Inklusjonskriterier")
    )
    patients_wanted = serializers.IntegerField(
        min_value=1,
        max_value=100000,
        error_messages={
            "required": "Antall pasienter må fylles ut.",
            "invalid": "Antall pasienter må være et heltall.",
            "min_value": "Antall pasienter må være minst 1.",
            "max_value": "Antall pasienter kan ikke være over 100000.",
        },
    )
    regions = RegionCodeField(
        slug_field="code",
        queryset=Region.objects.all(),
        many=True,
        required=False,
        error_messages={
            "does_not_exist": "Ukjent region «{value}».",
            "invalid": "En region oppgis med koden sin, f.eks. helse-vest.",
        },
    )
    organisations = OrgnrField(
        slug_field="orgnr",
        queryset=Organisation.objects.filter(is_active=True),
        many=True,
        required=False,
        error_messages={
            "does_not_exist": "Ukjent organisasjonsnummer «{value}».",
            "invalid": "En organisasjon oppgis med organisasjonsnummeret sitt (ni sifre).",
        },
    )
    deadline = serializers.DateField(
        required=False,
        error_messages={"invalid": "Svarfrist må være en dato på formen ÅÅÅÅ-MM-DD."},
    )


class FeasibilityRequestCreatedSerializer(serializers.Serializer):
    reference = serializers.CharField(source="public_id")
    received_at = serializers.DateTimeField()
    deadline = serializers.DateField()
    sites_asked = serializers.IntegerField()


class FeasibilityRequestIntakeView(APIView):
    """Submit a feasibility request to NorTrials."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [FeasibilityIntakeThrottle]
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        request=FeasibilityRequestInputSerializer,
        responses={201: FeasibilityRequestCreatedSerializer},
    )
    def post(self, request):
        data = FeasibilityRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            created = feasibility_request_create(
                **data.validated_data, channel=FeasibilityRequest.Channel.PORTAL
            )
        except DjangoValidationError as exc:
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        created.sites_asked = created.responses.count()  # type: ignore[attr-defined]  # read by the serializer, set on this instance only
        return Response(
            FeasibilityRequestCreatedSerializer(created).data, status=status.HTTP_201_CREATED
        )
