"""The public site capability profile, for the organisation detail of the public API.

Plug in with ``organisation_capability_profile(organisation=…, year=…)`` from
``trials.selectors.capability`` and this serializer. Staff counts under 5 are suppressed (null).
"""

from rest_framework import serializers

SUPPRESS_BELOW = 5


def _suppress(value: int | None) -> int | None:
    return None if value is not None and 0 < value < SUPPRESS_BELOW else value


class PublicCapacitySerializer(serializers.Serializer):
    has_research_support_unit = serializers.BooleanField()
    gcp_trained_staff = serializers.SerializerMethodField()
    study_nurses = serializers.SerializerMethodField()
    research_person_years = serializers.FloatField(allow_null=True)
    phd_by_profession = serializers.SerializerMethodField()
    shared_research_clinic_positions = serializers.SerializerMethodField()
    shared_university_positions = serializers.SerializerMethodField()
    patients_treated = serializers.IntegerField(allow_null=True)
    specialties = serializers.ListField(child=serializers.CharField())

    def get_gcp_trained_staff(self, figures: dict) -> int | None:
        return _suppress(figures["gcp_trained_staff"])

    def get_study_nurses(self, figures: dict) -> int | None:
        return _suppress(figures["study_nurses"])

    def get_shared_research_clinic_positions(self, figures: dict) -> int | None:
        return _suppress(figures["shared_research_clinic_positions"])

    def get_shared_university_positions(self, figures: dict) -> int | None:
        return _suppress(figures["shared_university_positions"])

    def get_phd_by_profession(self, figures: dict) -> dict[str, int | None]:
        return {k: _suppress(v) for k, v in sorted((figures["phd_by_profession"] or {}).items())}


class PublicCapabilityProfileSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    capacity = PublicCapacitySerializer(allow_null=True)
    median_days_approval_to_first_patient = serializers.FloatField(allow_null=True)
    share_delivered_to_time_and_target = serializers.FloatField(allow_null=True)
    sites_closed_with_target = serializers.IntegerField()
    open_studies = serializers.IntegerField()
