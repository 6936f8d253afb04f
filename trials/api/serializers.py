"""Output serializers written for the public: only fields in the published contract leave.

Texts come in the requested language (``lang`` in the serializer context) and fall back to Bokmål;
``language`` says which language the lay texts are actually in.
"""

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Study, StudySite
from ..selectors.public import PublicHealthCategory, PublicSite


def _lang(serializer: serializers.Serializer) -> str:
    return serializer.context.get("lang", "nb")


class PublicContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="contact_name")
    email = serializers.CharField(source="contact_email")
    phone = serializers.CharField(source="contact_phone")


class PublicStudySiteSerializer(serializers.Serializer):
    """Documents a ``selectors.public.PublicSite`` (the output is built by ``_site_dict``)."""

    organisation = serializers.CharField(source="organisation_name")
    organisation_id = serializers.CharField(
        help_text="Organisasjonsnummer, eller stabil id org-<n> for en organisasjon uten."
    )
    organisation_orgnr = serializers.CharField(allow_null=True)
    region = serializers.CharField(source="region_code", allow_null=True)
    region_name = serializers.CharField(allow_null=True)
    municipality = serializers.CharField(source="municipality_code", allow_null=True)
    municipality_name = serializers.CharField(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(choices=StudySite.Status.choices)
    is_open = serializers.BooleanField()
    is_decentralised = serializers.BooleanField()
    target_enrolment = serializers.IntegerField(allow_null=True)
    local_investigator = serializers.CharField()
    contact = PublicContactSerializer(source="*")


class PublicStudyIdentifiersSerializer(serializers.Serializer):
    rek = serializers.CharField(source="rek_number")
    eu_ct = serializers.CharField(source="eu_ct_number")
    eudract = serializers.CharField(source="eudract_number")
    nct = serializers.CharField(source="nct_id")
    isrctn = serializers.CharField()


class PublicEligibilitySerializer(serializers.Serializer):
    min_age = serializers.IntegerField(allow_null=True)
    max_age = serializers.IntegerField(allow_null=True)
    sex = serializers.ChoiceField(choices=Study.Sex.choices)
    healthy_volunteers = serializers.BooleanField()
    criteria = serializers.CharField(source="eligibility_criteria")


class PublicSponsorSerializer(serializers.Serializer):
    name = serializers.CharField(source="sponsor.name", allow_null=True, default=None)
    type = serializers.ChoiceField(source="sponsor_type", choices=Study.SponsorType.choices)


class PublicHealthCategorySerializer(serializers.Serializer):
    """Documents a ``selectors.public.PublicHealthCategory``."""

    code = serializers.CharField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]  # a declared field (DRF moves it off the class), not Field.label

    def get_label(self, category: PublicHealthCategory) -> str:
        return category.label(_lang(self))


def lay_text(study: Study, field: str, lang: str) -> tuple[str, str]:
    """The lay text in ``lang`` if written, else in Bokmål; returns (text, language)."""
    text = getattr(study, f"{field}_{lang}", "") if lang in ("nn", "en") else ""
    return (text, lang) if text else (getattr(study, f"{field}_nb"), "nb")


class PublicStudySerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    url = serializers.SerializerMethodField()
    identifiers = PublicStudyIdentifiersSerializer(source="*")
    scientific_title = serializers.CharField()
    lay_title = serializers.SerializerMethodField()
    lay_summary = serializers.SerializerMethodField()
    language = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Study.Status.choices)
    is_open = serializers.SerializerMethodField()
    category = serializers.ChoiceField(choices=Study.Category.choices)
    phase = serializers.ChoiceField(choices=Study.Phase.choices)
    hrcs_categories = PublicHealthCategorySerializer(source="public_hrcs", many=True)
    conditions = serializers.ListField(source="condition_list", child=serializers.CharField())
    eligibility = PublicEligibilitySerializer(source="*")
    sponsor = PublicSponsorSerializer(source="*")
    decentralised = serializers.BooleanField()
    target_enrolment = serializers.IntegerField(allow_null=True)
    enrolled = serializers.SerializerMethodField(
        help_text="Deltakere inkludert så langt (n av n/N); null når 1–4 (små tall vises ikke)."
    )
    opened_on = serializers.DateField(allow_null=True)
    planned_recruitment_end_on = serializers.DateField(allow_null=True)
    sites = PublicStudySiteSerializer(source="public_sites", many=True)
    updated_at = serializers.DateTimeField()
    distance_km = serializers.SerializerMethodField()

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_enrolled(self, study: Study) -> int | None:
        return enrolled_public(study)

    def get_is_open(self, study: Study) -> bool:
        """Open for inclusion at one site or more (read from the attached sites)."""
        return any(site.is_open for site in study.public_sites)

    def get_url(self, study: Study) -> str:
        return f"/api/v1/studies/{study.public_id}/"

    def get_lay_title(self, study: Study) -> str:
        return lay_text(study, "lay_title", _lang(self))[0]

    def get_lay_summary(self, study: Study) -> str:
        return lay_text(study, "lay_summary", _lang(self))[0]

    def get_language(self, study: Study) -> str:
        return lay_text(study, "lay_summary", _lang(self))[1]

    @extend_schema_field({"type": "number", "nullable": True})
    def get_distance_km(self, study: Study) -> float | None:
        distance = getattr(study, "distance_km", None)
        return None if distance is None else round(distance, 1)


def _site_dict(site: PublicSite) -> dict:
    return {
        "organisation": site.organisation_name,
        "organisation_id": site.organisation_id,
        "organisation_orgnr": site.organisation_orgnr,
        "region": site.region_code,
        "region_name": site.region_name,
        "municipality": site.municipality_code,
        "municipality_name": site.municipality_name,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "status": site.status,
        "is_open": site.is_open,
        "is_decentralised": site.is_decentralised,
        "target_enrolment": site.target_enrolment,
        "local_investigator": site.local_investigator,
        "contact": {
            "name": site.contact_name,
            "email": site.contact_email,
            "phone": site.contact_phone,
        },
    }


def _local_datetime(value: dt.datetime) -> str:
    """As the documented ``DateTimeField`` writes it: ISO 8601 in the site's time zone (Oslo;
    the public API activates no other), ``Z`` for UTC. Without DRF's per-call lookups."""
    text = value.astimezone(timezone.get_default_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def public_study_dict(study: Study, *, lang: str = "nb") -> dict:
    """The same output as ``PublicStudySerializer`` (a test holds them equal), built directly:
    the DRF field machinery costs more than the database on a page of 100 studies. The study
    comes from ``selectors.study_public_list`` with ``study_attach_public`` applied."""
    title = lay_text(study, "lay_title", lang)[0]
    summary, language = lay_text(study, "lay_summary", lang)
    sites = [_site_dict(site) for site in study.public_sites]
    distance = getattr(study, "distance_km", None)
    return {
        "id": study.public_id,
        "url": f"/api/v1/studies/{study.public_id}/",
        "identifiers": {
            "rek": study.rek_number,
            "eu_ct": study.eu_ct_number,
            "eudract": study.eudract_number,
            "nct": study.nct_id,
            "isrctn": study.isrctn,
        },
        "scientific_title": study.scientific_title,
        "lay_title": title,
        "lay_summary": summary,
        "language": language,
        "status": study.status,
        "is_open": any(site["is_open"] for site in sites),
        "category": study.category,
        "phase": study.phase,
        "hrcs_categories": [{"code": c.code, "label": c.label(lang)} for c in study.public_hrcs],
        "conditions": study.condition_list,
        "eligibility": {
            "min_age": study.min_age,
            "max_age": study.max_age,
            "sex": study.sex,
            "healthy_volunteers": study.healthy_volunteers,
            "criteria": study.eligibility_criteria,
        },
        "sponsor": {
            "name": study.sponsor.name if study.sponsor is not None else None,
            "type": study.sponsor_type,
        },
        "decentralised": study.decentralised,
        "target_enrolment": study.target_enrolment,
        "enrolled": enrolled_public(study),
        "opened_on": study.opened_on.isoformat() if study.opened_on else None,
        "planned_recruitment_end_on": (
            study.planned_recruitment_end_on.isoformat()
            if study.planned_recruitment_end_on
            else None
        ),
        "sites": sites,
        "updated_at": _local_datetime(study.updated_at),
        "distance_km": None if distance is None else round(distance, 1),
    }


def enrolled_public(study: Study) -> int | None:
    """Participants included so far; counts of 1–4 are not shown (null), as in every public figure."""
    n = study.enrolled
    return None if 0 < n < 5 else n
