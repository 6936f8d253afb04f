"""Public output: indicator definitions and aggregate values, never anything about a person."""

from rest_framework import serializers

from ..models import Indicator, IndicatorSnapshot

SUPPRESS_BELOW = 5


class PublicIndicatorSerializer(serializers.ModelSerializer):
    focus_area_label = serializers.CharField(source="get_focus_area_display")

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
            "source",
            "description",
        ]


class PublicValueSerializer(serializers.Serializer):
    """One value; counts of people under 5 (and values derived from them) are suppressed."""

    period = serializers.SerializerMethodField()
    scope = serializers.CharField(source="scope_key")
    breakdown = serializers.CharField()
    breakdown_value = serializers.CharField()
    value = serializers.SerializerMethodField()
    numerator = serializers.SerializerMethodField()
    denominator = serializers.SerializerMethodField()
    suppressed = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    computed_at = serializers.DateTimeField()

    def get_period(self, obj: IndicatorSnapshot) -> str:
        return (
            f"{obj.period_start:%Y-%m}" if obj.period_kind == "month" else f"{obj.period_start:%Y}"
        )

    def get_suppressed(self, obj: IndicatorSnapshot) -> bool:
        if not obj.indicator.counts_people:
            return False
        return any(
            n is not None and 0 < n < SUPPRESS_BELOW for n in (obj.numerator, obj.denominator)
        )

    def _number(self, obj, value):
        if value is None or self.get_suppressed(obj):
            return None
        return (
            str(value.normalize()) if value == value.to_integral_value() else str(round(value, 2))
        )

    def get_value(self, obj) -> str | None:
        return self._number(obj, obj.value)

    def get_numerator(self, obj) -> str | None:
        return self._number(obj, obj.numerator)

    def get_denominator(self, obj) -> str | None:
        return self._number(obj, obj.denominator)
