"""Site suggestions for a feasibility request: a deterministic ranking that explains itself.

Candidates are health trusts (HF and private non-profit hospitals), with their hospitals rolled up
(``sites.selectors.organisation_health_trust``): a sponsor asks a trust, and a trust's patient
figures and its hospitals' study sites describe the same patients. For requests outside the early
phases (phase 4, not applicable) municipal and dental health services and private partners are
candidates too; regional health authorities, support enterprises and universities never are.
An organisation whose active interest profile leaves out the request's phase, study type or health
category is not suggested.

For the request's HRCS health category every candidate gets four component scores between 0 and 1,
weighted into 0–100 points:

=================  ======  =================================================================
component          weight  score
=================  ======  =================================================================
patient base         40    patients treated in the category (latest capacity figures up to the
                           request's year; the trust's own figure, or else the sum of its
                           hospitals' figures) ÷ the largest such figure among the candidates
past enrolments      20    participants included at the trust's sites in studies of the
                           category ÷ the largest such count among the candidates
recruitment          25    mean over its closed sites in such studies with a target of
                           min(included ÷ site target, 1); 0 without a track record
speed                15    1 − min(median days from approval to first patient at the site,
                           365) ÷ 365; 0 without a track record
=================  ======  =================================================================

Approval is the later of REK and DMP approval. Ties are broken by name, then id.
"""

import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sites.models import Organisation, OrganisationCapacity
from sites.selectors import HEALTH_TRUST_KINDS, organisation_health_trust
from trials.models import Study, StudySite

from ..models import FeasibilityInterestProfile, FeasibilityRequest

WEIGHTS = {"patient_base": 40, "past_enrolments": 20, "recruitment": 25, "speed": 15}
SPEED_HORIZON_DAYS = 365
# Phases that need a hospital's research infrastructure (trial units, pharmacy, on-call doctors).
HOSPITAL_PHASES = {
    Study.Phase.EARLY_1,
    Study.Phase.PHASE_1,
    Study.Phase.PHASE_1_2,
    Study.Phase.PHASE_2,
    Study.Phase.PHASE_2_3,
    Study.Phase.PHASE_3,
}
COMMUNITY_KINDS = (
    Organisation.Kind.MUNICIPAL_SERVICE,
    Organisation.Kind.DENTAL_SERVICE,
    Organisation.Kind.PRIVATE_PARTNER,
)


def _number(value: float | int, decimals: int = 0) -> str:
    """A figure as the coordinator's language writes it (``55,6``, ``8 000``)."""
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class SiteSuggestion:
    organisation: Organisation
    score: float
    figures: dict
    points: dict[str, float] = field(default_factory=dict)

    @property
    def score_display(self) -> str:
        return _number(self.score, 1)

    @property
    def explanation(self) -> list[str]:
        f, p = self.figures, {k: _number(v, 1) for k, v in self.points.items()}
        patients = (
            _("%(n)s pasienter i kategorien (%(year)s)")
            % {"n": _number(f["patients_in_category"]), "year": f["capacity_year"]}
            if f["capacity_year"]
            else _("ingen kapasitetstall")
        )
        lines = [
            _("Pasientgrunnlag: %(patients)s → %(p)s poeng")
            % {"patients": patients, "p": p["patient_base"]},
            _("Tidligere inklusjoner i kategorien: %(n)s → %(p)s poeng")
            % {"n": _number(f["past_enrolments"]), "p": p["past_enrolments"]},
        ]
        if f["recruitment_to_target"] is None:
            lines.append(_("Rekruttering mot mål: ingen avsluttede studiesteder → 0 poeng"))
        else:
            lines.append(
                _("Rekruttering mot mål: %(share)s %% (%(sites)s) → %(p)s poeng")
                % {
                    "share": _number(round(f["recruitment_to_target"] * 100)),
                    "sites": _sites(f["closed_sites_with_target"]),
                    "p": p["recruitment"],
                }
            )
        if f["median_days_to_first_patient"] is None:
            lines.append(_("Tid fra godkjenning til første pasient: ukjent → 0 poeng"))
        else:
            days = f["median_days_to_first_patient"]
            lines.append(
                _(
                    "Tid fra godkjenning til første pasient: median %(days)s dager (%(sites)s) → %(p)s poeng"
                )
                % {
                    "days": _number(days, 0 if float(days).is_integer() else 1),
                    "sites": _sites(f["sites_with_first_patient"]),
                    "p": p["speed"],
                }
            )
        return lines


def _sites(n: int) -> str:
    return ngettext("%(n)s studiested", "%(n)s studiesteder", n) % {"n": n}


def _allowed_kinds(request: FeasibilityRequest) -> tuple[str, ...]:
    if request.phase in HOSPITAL_PHASES:
        return HEALTH_TRUST_KINDS
    return (*HEALTH_TRUST_KINDS, *COMMUNITY_KINDS)


def _candidate_key(prefix: str = "") -> Q:
    """Rows whose organisation (at ``prefix``) belongs to a candidate: a trust or a community service."""
    return Q(
        **{f"{prefix}kind__in": (*HEALTH_TRUST_KINDS, Organisation.Kind.HOSPITAL, *COMMUNITY_KINDS)}
    )


def _latest_capacity(*, code: str, year: int, region_ids: list[int]) -> dict[int, tuple[int, int]]:
    """candidate id → (year, patients in the category): each organisation's latest figures up to
    ``year``; a trust's own figure, or else the sum of its hospitals' figures."""
    rows = OrganisationCapacity.objects.filter(
        _candidate_key("organisation__"), year__lte=year, patients_by_hrcs__has_key=code
    ).annotate(trust=organisation_health_trust("organisation__"))
    if region_ids:
        rows = rows.filter(organisation__region_id__in=region_ids)
    latest: dict[int, tuple[int | None, int, int]] = {}
    for org_id, trust, row_year, by_hrcs in rows.order_by("organisation_id", "-year").values_list(
        "organisation_id", "trust", "year", "patients_by_hrcs"
    ):
        if org_id not in latest:
            latest[org_id] = (trust, row_year, int(by_hrcs.get(code) or 0))
    own: dict[int, tuple[int, int]] = {}
    summed: dict[int, tuple[int, int]] = {}
    for org_id, (trust, row_year, patients) in latest.items():
        key = trust or org_id
        if key == org_id:
            own[key] = (row_year, patients)
        else:
            old_year, old = summed.get(key, (row_year, 0))
            summed[key] = (max(old_year, row_year), old + patients)
    return {**summed, **own}


def _similar_sites(*, request: FeasibilityRequest, region_ids: list[int]) -> list[dict]:
    sites = StudySite.objects.filter(
        _candidate_key("organisation__"), study__hrcs_categories=request.hrcs_category_id
    )
    if region_ids:
        sites = sites.filter(organisation__region_id__in=region_ids)
    return list(
        sites.order_by()
        .annotate(trust=organisation_health_trust("organisation__"))
        .values(
            "id",
            "organisation_id",
            "trust",
            "status",
            "target_enrolment",
            "study__rek_approved_on",
            "study__dmp_approved_on",
        )
        .annotate(enrolled=Count("enrolments"), first_in=Min("enrolments__included_on"))
    )


def _track_records(sites: list[dict]) -> dict[int, dict]:
    per_candidate: dict[int, dict] = {}
    for site in sites:
        key = site["trust"] or site["organisation_id"]
        track = per_candidate.setdefault(key, {"enrolled": 0, "ratios": [], "days": []})
        track["enrolled"] += site["enrolled"]
        if site["status"] == StudySite.Status.CLOSED and site["target_enrolment"]:
            track["ratios"].append(min(site["enrolled"] / site["target_enrolment"], 1.0))
        approvals = [
            d for d in (site["study__rek_approved_on"], site["study__dmp_approved_on"]) if d
        ]
        if site["first_in"] and approvals:
            track["days"].append(max((site["first_in"] - max(approvals)).days, 0))
    return per_candidate


def _declined_by_profile(*, request: FeasibilityRequest, candidate_ids: set[int]) -> set[int]:
    """Candidates whose active interest profile leaves out this kind of request."""
    declined = set()
    profiles = FeasibilityInterestProfile.objects.filter(
        organisation_id__in=candidate_ids, is_active=True
    ).prefetch_related("hrcs_categories")
    for profile in profiles:
        categories = {c.pk for c in profile.hrcs_categories.all()}
        if (
            (profile.phases and request.phase not in profile.phases)
            or (profile.study_categories and request.study_category not in profile.study_categories)
            or (categories and request.hrcs_category_id not in categories)
        ):
            declined.add(profile.organisation_id)
    return declined


def _suggestion(
    organisation: Organisation, capacity: tuple, track: dict, maxima: tuple
) -> SiteSuggestion:
    (cap_year, patients), (max_patients, max_enrolled) = capacity, maxima
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
    figures = {
        "patients_in_category": patients if cap_year else None,
        "capacity_year": cap_year,
        "past_enrolments": track["enrolled"],
        "recruitment_to_target": None if ratio is None else round(ratio, 3),
        "closed_sites_with_target": len(track["ratios"]),
        "median_days_to_first_patient": median_days,
        "sites_with_first_patient": len(track["days"]),
    }
    return SiteSuggestion(
        organisation,
        round(sum(WEIGHTS[k] * v for k, v in scores.items()), 1),
        figures,
        {k: round(WEIGHTS[k] * v, 1) for k, v in scores.items()},
    )


def feasibility_site_suggestions(
    *, request: FeasibilityRequest, limit: int | None = 20
) -> list[SiteSuggestion]:
    """Health trusts (and, outside the early phases, community services) ranked for ``request``,
    best first, each with the figures behind its score."""
    code = request.hrcs_category.code
    region_ids = list(request.regions.values_list("pk", flat=True))
    capacity = _latest_capacity(code=code, year=request.received_at.year, region_ids=region_ids)
    tracks = _track_records(_similar_sites(request=request, region_ids=region_ids))
    organisations = Organisation.objects.filter(kind__in=_allowed_kinds(request)).in_bulk(
        set(capacity) | set(tracks)
    )
    candidate_ids = set(organisations) - _declined_by_profile(
        request=request, candidate_ids=set(organisations)
    )
    empty = {"enrolled": 0, "ratios": [], "days": []}
    maxima = (
        max((capacity[i][1] for i in candidate_ids if i in capacity), default=0),
        max((tracks[i]["enrolled"] for i in candidate_ids if i in tracks), default=0),
    )
    suggestions = [
        _suggestion(organisations[i], capacity.get(i, (None, 0)), tracks.get(i, empty), maxima)
        for i in candidate_ids
    ]
    suggestions.sort(key=lambda s: (-s.score, s.organisation.name, s.organisation.pk))
    return suggestions[:limit] if limit else suggestions
