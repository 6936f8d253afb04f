"""Site suggestions for a feasibility request: a deterministic ranking that explains itself.

For the request's HRCS health category every candidate organisation gets four component scores
between 0 and 1, weighted into 0–100 points:

=================  ======  =================================================================
component          weight  score
=================  ======  =================================================================
patient base         40    patients treated in the category (latest capacity figures up to the
                           request's year) ÷ the largest such figure among the candidates
past enrolments      20    participants included at the organisation in studies of the category
                           ÷ the largest such count among the candidates
recruitment          25    mean over its closed sites in such studies with a target of
                           min(included ÷ site target, 1); 0 without a track record
speed                15    1 − min(median days from approval to first patient at the site,
                           365) ÷ 365; 0 without a track record
=================  ======  =================================================================

Approval is the later of REK and DMP approval. Ties are broken by name, then id.
"""

import statistics
from dataclasses import dataclass

from django.db.models import Count, Min

from sites.models import Organisation, OrganisationCapacity

from ..models import FeasibilityRequest, StudySite

WEIGHTS = {"patient_base": 40, "past_enrolments": 20, "recruitment": 25, "speed": 15}
SPEED_HORIZON_DAYS = 365


@dataclass(frozen=True)
class SiteSuggestion:
    organisation: Organisation
    score: float
    figures: dict
    points: dict[str, float]

    @property
    def explanation(self) -> list[str]:
        f = self.figures
        lines = [
            f"Pasientgrunnlag: {f['patients_in_category'] or 0} pasienter i kategorien "
            f"({f['capacity_year'] or 'ingen kapasitetstall'}) → {self.points['patient_base']} poeng",
            f"Tidligere inklusjoner i kategorien: {f['past_enrolments']} "
            f"→ {self.points['past_enrolments']} poeng",
        ]
        if f["recruitment_to_target"] is None:
            lines.append("Rekruttering mot mål: ingen avsluttede studiesteder → 0 poeng")
        else:
            lines.append(
                f"Rekruttering mot mål: {round(f['recruitment_to_target'] * 100)} % "
                f"({f['closed_sites_with_target']} studiesteder) → {self.points['recruitment']} poeng"
            )
        if f["median_days_to_first_patient"] is None:
            lines.append("Tid fra godkjenning til første pasient: ukjent → 0 poeng")
        else:
            lines.append(
                f"Tid fra godkjenning til første pasient: median {f['median_days_to_first_patient']} "
                f"dager ({f['sites_with_first_patient']} studiesteder) → {self.points['speed']} poeng"
            )
        return lines


def _latest_capacity(*, code: str, year: int, region_ids: list[int]) -> dict[int, tuple[int, int]]:
    """organisation id → (year, patients in the category) from the latest figures up to ``year``."""
    rows = OrganisationCapacity.objects.filter(year__lte=year, patients_by_hrcs__has_key=code)
    if region_ids:
        rows = rows.filter(organisation__region_id__in=region_ids)
    latest: dict[int, tuple[int, int]] = {}
    for org_id, row_year, by_hrcs in rows.order_by("organisation_id", "-year").values_list(
        "organisation_id", "year", "patients_by_hrcs"
    ):
        if org_id not in latest:
            latest[org_id] = (row_year, int(by_hrcs.get(code) or 0))
    return latest


def _similar_sites(*, request: FeasibilityRequest, region_ids: list[int]) -> list[dict]:
    sites = StudySite.objects.filter(study__hrcs_categories=request.hrcs_category_id)
    if region_ids:
        sites = sites.filter(organisation__region_id__in=region_ids)
    return list(
        sites.order_by()
        .values(
            "id",
            "organisation_id",
            "status",
            "target_enrolment",
            "study__rek_approved_on",
            "study__dmp_approved_on",
        )
        .annotate(enrolled=Count("enrolments"), first_in=Min("enrolments__included_on"))
    )


def feasibility_site_suggestions(
    *, request: FeasibilityRequest, limit: int | None = 20
) -> list[SiteSuggestion]:
    """Organisations ranked for ``request``, best first, each with the figures behind its score."""
    code = request.hrcs_category.code
    region_ids = list(request.regions.values_list("pk", flat=True))
    capacity = _latest_capacity(code=code, year=request.received_at.year, region_ids=region_ids)
    per_org: dict[int, dict] = {}
    for site in _similar_sites(request=request, region_ids=region_ids):
        org = per_org.setdefault(site["organisation_id"], {"enrolled": 0, "ratios": [], "days": []})
        org["enrolled"] += site["enrolled"]
        if site["status"] == StudySite.Status.CLOSED and site["target_enrolment"]:
            org["ratios"].append(min(site["enrolled"] / site["target_enrolment"], 1.0))
        approvals = [
            d for d in (site["study__rek_approved_on"], site["study__dmp_approved_on"]) if d
        ]
        if site["first_in"] and approvals:
            org["days"].append(max((site["first_in"] - max(approvals)).days, 0))

    candidate_ids = set(capacity) | set(per_org)
    organisations = Organisation.objects.select_related("region").in_bulk(candidate_ids)
    max_patients = max((p for _y, p in capacity.values()), default=0)
    max_enrolled = max((o["enrolled"] for o in per_org.values()), default=0)

    suggestions = []
    for org_id in candidate_ids:
        cap_year, patients = capacity.get(org_id, (None, 0))
        track = per_org.get(org_id, {"enrolled": 0, "ratios": [], "days": []})
        ratio = statistics.fmean(track["ratios"]) if track["ratios"] else None
        median_days = statistics.median(track["days"]) if track["days"] else None
        scores = {
            "patient_base": patients / max_patients if max_patients else 0.0,
            "past_enrolments": track["enrolled"] / max_enrolled if max_enrolled else 0.0,
            "recruitment": ratio or 0.0,
            "speed": 0.0
            if median_days is None
            else 1 - min(median_days, SPEED_HORIZON_DAYS) / SPEED_HORIZON_DAYS,
        }
        points = {k: round(WEIGHTS[k] * v, 1) for k, v in scores.items()}
        figures = {
            "patients_in_category": patients if cap_year else None,
            "capacity_year": cap_year,
            "past_enrolments": track["enrolled"],
            "recruitment_to_target": None if ratio is None else round(ratio, 3),
            "closed_sites_with_target": len(track["ratios"]),
            "median_days_to_first_patient": median_days,
            "sites_with_first_patient": len(track["days"]),
        }
        score = round(sum(WEIGHTS[k] * v for k, v in scores.items()), 1)
        suggestions.append(SiteSuggestion(organisations[org_id], score, figures, points))
    suggestions.sort(key=lambda s: (-s.score, s.organisation.name, s.organisation.pk))
    return suggestions[:limit] if limit else suggestions
