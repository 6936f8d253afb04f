"""The public site capability profile, for the organisation detail of the public API.

Filled from ``organisation_capability_profile(organisation=…, year=…)`` in
``trials.industry.selectors.capability``; shown in ``/api/v1/organisations/<orgnr>/``. Counts of
staff and patients under 5 are suppressed (null).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

SUPPRESS_BELOW = 5


def _suppress(value: int | None) -> int | None:
    return None if value is not None and 0 < value < SUPPRESS_BELOW else value


class _PhdCount(serializers.Serializer):
    profession = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text="null når færre enn 5 (skjermet).")


class PublicCapacitySerializer(serializers.Serializer):
    has_research_support_unit = serializers.BooleanField()
    gcp_trained_staff = serializers.SerializerMethodField()
    study_nurses = serializers.SerializerMethodField()
    research_person_years = serializers.FloatField(allow_null=True)
    phd_by_profession = serializers.SerializerMethodField()
    shared_research_clinic_positions = serializers.SerializerMethodField()
    shared_university_positions = serializers.SerializerMethodField()
    patients_treated = serializers.SerializerMethodField()
    specialties = serializers.ListField(child=serializers.CharField())

    def get_gcp_trained_staff(self, figures: dict) -> int | None:
        return _suppress(figures["gcp_trained_staff"])

    def get_study_nurses(self, figures: dict) -> int | None:
        return _suppress(figures["study_nurses"])

    def get_shared_research_clinic_positions(self, figures: dict) -> int | None:
        return _suppress(figures["shared_research_clinic_positions"])

    def get_shared_university_positions(self, figures: dict) -> int | None:
        return _suppress(figures["shared_university_positions"])

    @extend_schema_field(_PhdCount(many=True))
    def get_phd_by_profession(self, figures: dict) -> list[dict]:
        # A list, not an object keyed by profession: the public contract has fixed field names.
        return [
            {"profession": k, "count": _suppress(v)}
            for k, v in sorted((figures["phd_by_profession"] or {}).items())
        ]

    def get_patients_treated(self, figures: dict) -> int | None:
        return _suppress(figures["patients_treated"])


class PublicCapabilityProfileSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="Året tallene gjelder.")
    capacity = PublicCapacitySerializer(
        allow_null=True, help_text="Kapasitetstall rapportert for året; null når ikke rapportert."
    )
    median_days_approval_to_first_patient = serializers.FloatField(
        allow_null=True,
        help_text="Median dager fra godkjenning til første pasient, studiesteder med første "
        "pasient i året.",
    )
    share_delivered_to_time_and_target = serializers.FloatField(
        allow_null=True,
        help_text="Andel av studiesteder avsluttet i året (med mål) som nådde målet i tide.",
    )
    sites_closed_with_target = serializers.IntegerField(
        help_text="Studiesteder avsluttet i året med et rekrutteringsmål (nevneren over)."
    )
    open_studies = serializers.IntegerField(
        help_text="Publiserte studier åpne for inklusjon her nå."
    )
