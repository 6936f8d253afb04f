"""Output serializers written for the public: only fields in the published contract leave."""

from rest_framework import serializers

from ..models import Study, StudySite


class PublicStudySiteSerializer(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.name")
    organisation_orgnr = serializers.CharField(source="organisation.orgnr", allow_null=True)
    region = serializers.CharField(source="organisation.region.code", allow_null=True, default=None)
    municipality = serializers.CharField(
        source="organisation.municipality.code", allow_null=True, default=None
    )
    status = serializers.ChoiceField(choices=StudySite.Status.choices)
    is_open = serializers.SerializerMethodField()

    def get_is_open(self, site: StudySite) -> bool:
        return site.status == StudySite.Status.OPEN


class PublicStudyIdentifiersSerializer(serializers.Serializer):
    rek = serializers.CharField(source="rek_number")
    eu_ct = serializers.CharField(source="eu_ct_number")
    eudract = serializers.CharField(source="eudract_number")
    nct = serializers.CharField(source="nct_id")
    isrctn = serializers.CharField()


class PublicStudySerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    identifiers = PublicStudyIdentifiersSerializer(source="*")
    scientific_title = serializers.CharField()
    lay_title = serializers.CharField(source="lay_title_nb")
    lay_summary = serializers.CharField(source="lay_summary_nb")
    status = serializers.ChoiceField(choices=Study.Status.choices)
    category = serializers.ChoiceField(choices=Study.Category.choices)
    phase = serializers.ChoiceField(choices=Study.Phase.choices)
    hrcs_categories = serializers.SerializerMethodField()
    sponsor_type = serializers.ChoiceField(choices=Study.SponsorType.choices)
    is_open = serializers.BooleanField()
    target_enrolment = serializers.IntegerField(allow_null=True)
    enrolled = serializers.SerializerMethodField(
        help_text="Deltakere inkludert så langt (n av n/N); null når 1–4 (små tall vises ikke)."
    )
    planned_recruitment_end_on = serializers.DateField(allow_null=True)
    sites = PublicStudySiteSerializer(many=True)
    updated_at = serializers.DateTimeField()

    def get_enrolled(self, study: Study) -> int | None:
        n = getattr(study, "enrolled", 0)
        return None if 0 < n < 5 else n

    def get_hrcs_categories(self, study: Study) -> list[str]:
        return [c.code for c in study.hrcs_categories.all()]
