"""Public aggregates of results reporting per institution (trial counts, not people)."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from sites.api.endpoints import PublicAPIView

from .. import selectors

DEFAULT_COUNTRY = "Norway"


class ShareOutput(serializers.Serializer):
    count = serializers.IntegerField(help_text="Antall studier.")
    percentage = serializers.FloatField(allow_null=True, help_text="Andel i prosent, én desimal.")
    ci_low = serializers.FloatField(allow_null=True, help_text="Nedre grense, Wilson 95 %.")
    ci_high = serializers.FloatField(allow_null=True, help_text="Øvre grense, Wilson 95 %.")


class InstitutionOutput(serializers.Serializer):
    institution = serializers.CharField(help_text="Ledende institusjon, slik studien navngir den.")
    country = serializers.CharField()
    trials = serializers.IntegerField(help_text="Studier avsluttet 2016–2019 ledet herfra.")
    summary_within_12_months = ShareOutput(help_text="Resultater i registeret innen 365 dager.")
    reported_within_24_months = ShareOutput(
        help_text="Publikasjon eller resultater i registeret innen 730 dager."
    )
    any_reporting = ShareOutput(help_text="Publikasjon eller resultater i registeret.")


class ResultsReportingOutput(serializers.Serializer):
    country = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field (DRF moves it off the class), not Field.source
    method = serializers.CharField()
    institutions = InstitutionOutput(many=True)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "country",
            str,
            description="Land (engelsk navn som i kilden), standard Norway.",
        )
    ],
    responses=ResultsReportingOutput,
)
class PublicResultsReportingView(PublicAPIView):
    """Resultatrapportering per ledende institusjon: antall studier, resultater i register innen
    12 måneder, publisert eller rapportert innen 24 måneder og rapportert i det hele tatt, med
    Wilson-konfidensintervall. Tallene teller studier, ikke personer, og skjermes ikke."""

    serializer_class = ResultsReportingOutput
    change_stamp = staticmethod(selectors.results_change_stamp)
    extra_query_params = ("country",)

    def get(self, request, *args, **kwargs):
        country = request.query_params.get("country", DEFAULT_COUNTRY)
        countries = selectors.results_countries()
        if country not in countries:
            raise ValidationError(
                {"country": [f"Ukjent land. Gyldige verdier: {', '.join(countries) or 'ingen'}."]}
            )
        rows = selectors.results_league_table(country=country)
        data = {
            "country": country,
            "source": selectors.SOURCE_NORDIC,
            "method": selectors.METHOD_NB,
            "institutions": [asdict(row) for row in rows],
        }
        return Response(ResultsReportingOutput(data).data)
