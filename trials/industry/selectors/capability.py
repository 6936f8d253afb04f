"""The site capability profile: an organisation's capacity figures for a year, and what its
portfolio shows (time from approval to first patient, delivery to time and target, open studies).

Returns plain dicts so the admin and the public API can both use it; there is no personal data in
it (staff are counted, never named).
"""

import datetime as dt
import statistics

from django.db.models import Count, Min

from sites.models import Organisation, OrganisationCapacity
from trials.models import StudySite

CAPACITY_FIELDS = [
    "has_research_support_unit",
    "gcp_trained_staff",
    "study_nurses",
    "research_person_years",
    "phd_by_profession",
    "shared_research_clinic_positions",
    "shared_university_positions",
    "patients_treated",
    "patients_by_hrcs",
]


def _approval(site: dict) -> dt.date | None:
    dates = [d for d in (site["study__rek_approved_on"], site["study__dmp_approved_on"]) if d]
    return max(dates) if dates else None


def organisation_capability_profile(*, organisation: Organisation, year: int) -> dict:
    """Capacity figures of ``year`` plus portfolio figures (2 queries).

    - median days from approval to first patient at this organisation, over sites whose first
      patient was included in ``year``;
    - share of its sites closed in ``year`` (with a target) that were delivered to time and
      target: included ≥ site target and closed no later than the study's planned recruitment end;
    - open studies: sites open for inclusion now.
    """
    capacity = OrganisationCapacity.objects.filter(organisation=organisation, year=year).first()
    figures = {name: getattr(capacity, name) for name in CAPACITY_FIELDS} if capacity else None
    if figures and figures["research_person_years"] is not None:
        figures["research_person_years"] = float(figures["research_person_years"])
    if figures:
        figures["specialties"] = [s.strip() for s in capacity.specialties.splitlines() if s.strip()]

    sites = list(
        StudySite.objects.filter(organisation=organisation)
        .order_by()
        .values(
            "id",
            "status",
            "closed_on",
            "target_enrolment",
            "study__rek_approved_on",
            "study__dmp_approved_on",
            "study__planned_recruitment_end_on",
        )
        .annotate(enrolled=Count("enrolments"), first_in=Min("enrolments__included_on"))
    )
    days = [
        max((s["first_in"] - _approval(s)).days, 0)
        for s in sites
        if s["first_in"] and s["first_in"].year == year and _approval(s)
    ]
    closed = [
        s
        for s in sites
        if s["status"] == StudySite.Status.CLOSED
        and s["closed_on"]
        and s["closed_on"].year == year
        and s["target_enrolment"]
    ]
    delivered = [
        s
        for s in closed
        if s["enrolled"] >= s["target_enrolment"]
        and (
            s["study__planned_recruitment_end_on"] is None
            or s["closed_on"] <= s["study__planned_recruitment_end_on"]
        )
    ]
    return {
        "organisation_id": organisation.pk,
        "year": year,
        "capacity": figures,
        "median_days_approval_to_first_patient": statistics.median(days) if days else None,
        "sites_with_first_patient": len(days),
        "sites_closed_with_target": len(closed),
        "sites_delivered_to_time_and_target": len(delivered),
        "share_delivered_to_time_and_target": round(len(delivered) / len(closed), 3)
        if closed
        else None,
        "open_studies": sum(1 for s in sites if s["status"] == StudySite.Status.OPEN),
    }
