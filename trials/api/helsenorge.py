"""The public portfolio as helsenorge's study listing, for helsenorge.no's study overview."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from sites.api.endpoints import PublicAPIView

from ..helsenorge import STATUS_ONGOING, STATUS_OPEN
from ..models import Study
from ..selectors import search
from ..selectors.helsenorge import helsenorge_feed

PLACEHOLDER = "KS00000000"


class HelsenorgeListingOutput(serializers.Serializer):
    id = serializers.CharField(help_text="Studiens offentlige id.")
    tittel = serializers.CharField()
    kategorier = serializers.ListField(
        child=serializers.CharField(), help_text="helsenorges helsekategorier (fra HRCS)."
    )
    sammendrag = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=[STATUS_OPEN, STATUS_ONGOING])
    utfort_av = serializers.CharField(help_text="Ansvarlig helseforetak.")
    deltakende_foretak = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="Andre helseforetak med studiested.",
    )
    relaterte_behandlinger = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="helsenorges egne behandlingssider; alltid null herfra.",
    )
    relaterte_diagnoser = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="SNOMED CT-begreper."
    )
    lenke = serializers.URLField(help_text="Studiens offentlige side.")


@extend_schema(responses=HelsenorgeListingOutput(many=True))
class HelsenorgeFeedView(PublicAPIView):
    """Publiserte studier som er åpne for rekruttering eller pågår, i helsenorges format for
    kliniske studier (samme nøkler og verdityper). Svarer 304 på If-None-Match/If-Modified-Since
    når ingenting offentlig er endret."""

    serializer_class = HelsenorgeListingOutput
    queryset = Study.objects.none()  # names the model for the schema; the feed reads a selector
    change_stamp = staticmethod(search.public_change_stamp)

    def get(self, request, *args, **kwargs):
        template = request.build_absolute_uri(reverse("finder:detail", args=[PLACEHOLDER]))
        listings = helsenorge_feed(
            link=lambda study: template.replace(PLACEHOLDER, study.public_id)
        )
        return Response(list(listings))
