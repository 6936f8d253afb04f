"""Public output: indicator definitions and aggregate values, never anything about a person."""

from rest_framework import serializers

from ..catalogue import CATALOGUE, Definition
from ..models import Indicator

_NO_DEFINITION = Definition("", "", "", "", "")


def _definition(indicator: Indicator) -> Definition:
    return CATALOGUE.get(indicator.code, _NO_DEFINITION)


class PublicIndicatorSerializer(serializers.ModelSerializer):
    focus_area_label = serializers.CharField(source="get_focus_area_display")
    method_text = serializers.SerializerMethodField(
        help_text="Beregningsmåten i klartekst (metodetekst)."
    )
    numerator_definition = serializers.SerializerMethodField(help_text="Hva telleren teller.")
    denominator_definition = serializers.SerializerMethodField(help_text="Hva nevneren teller.")

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name_nb",
            "name_en",
            "focus_area",
            "focus_area_label",
            "unit",
            "direction",
            "target_value",
            "target_year",
            "breakdowns",
            "method",
            "method_version",
            "method_text",
            "numerator_definition",
            "denominator_definition",
            "source",
            "description",
        ]

    def get_method_text(self, obj: Indicator) -> str:
        return obj.description or _definition(obj).description

    def get_numerator_definition(self, obj: Indicator) -> str:
        return _definition(obj).numerator

    def get_denominator_definition(self, obj: Indicator) -> str:
        return _definition(obj).denominator


class PublicValueSerializer(serializers.Serializer):
    """One value (a ``publication.PublicValue``): plain decimal text, ``null`` when suppressed."""

    period = serializers.CharField(
        help_text="ÅÅÅÅ-MM for en måned, ÅÅÅÅ for et år, ÅÅÅÅ-01..MM for hittil i år."
    )
    scope = serializers.CharField(
        help_text="national, region:<regionkode>, org:<organisasjonsnummer> eller "
        "hf:<organisasjonsnummer> (helseforetaket med sykehusene under)."
    )
    breakdown = serializers.CharField()
    breakdown_value = serializers.CharField()
    value = serializers.CharField(allow_null=True, help_text="Desimaltall som tekst, f.eks. 9090.")
    numerator = serializers.CharField(allow_null=True)
    denominator = serializers.CharField(allow_null=True)
    suppressed = serializers.BooleanField(
        help_text="Skjult av personvernhensyn (under 5 personer, eller fordi verdien ellers kunne "
        "regnes ut ved subtraksjon)."
    )
    version = serializers.IntegerField()
    computed_at = serializers.DateTimeField()
    provisional = serializers.BooleanField(
        help_text="Foreløpig: året er ikke over (hittil i år, eller et år som pågår)."
    )


class PublicValuePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    count_exact = serializers.BooleanField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PublicValueSerializer(many=True)
