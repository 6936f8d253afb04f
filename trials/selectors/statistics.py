"""Public aggregates over published studies: counts per region, organisation, HRCS category.

Counts of studies are not about people and are shown as they are. Counts of people (participants)
under ``SUPPRESSION_THRESHOLD`` are suppressed (``None``) so no small group can be singled out.
"""

from collections import Counter

from django.db.models import Count, QuerySet

from sites.models import Organisation, Region

from ..models import HealthCategory, Study, StudySite
from .studies import study_open_site_exists, study_public_queryset

SUPPRESSION_THRESHOLD = 5


def suppress_small(count: int) -> int | None:
    return count if count >= SUPPRESSION_THRESHOLD else None


def _open_public_sites() -> QuerySet[StudySite]:
    return StudySite.objects.filter(
        status=StudySite.Status.OPEN, study__in=study_public_queryset().values("pk")
    )


def open_study_counts_by_region() -> dict[int, int]:
    rows = (
        _open_public_sites()
        .values("organisation__region")
        .annotate(n=Count("study", distinct=True))
        .values_list("organisation__region", "n")
    )
    return {region_id: n for region_id, n in rows if region_id is not None}


def open_study_counts_by_organisation(
    *, organisation_ids: list[int] | None = None
) -> dict[int, int]:
    sites = _open_public_sites()
    if organisation_ids is not None:
        sites = sites.filter(organisation_id__in=organisation_ids)
    rows = sites.values("organisation").annotate(n=Count("study", distinct=True))
    return {row["organisation"]: row["n"] for row in rows}


def _open_public_studies() -> QuerySet[Study]:
    return study_public_queryset().filter(study_open_site_exists())


def open_study_counts_by_hrcs() -> dict[int, int]:
    through = Study.hrcs_categories.through
    rows = (
        through.objects.filter(study__in=_open_public_studies().values("pk"))
        .values("healthcategory")
        .annotate(n=Count("study", distinct=True))
    )
    return {row["healthcategory"]: row["n"] for row in rows}


def open_study_counts_by_category() -> dict[str, int]:
    rows = (
        _open_public_studies()
        .values("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    return dict(rows)


def participant_counts_by_region() -> dict[int, int]:
    """Participants included in published studies, per region of the site; raw (not suppressed)."""
    from consents.models import Enrolment  # Lazy: consents depends on trials.

    rows = (
        Enrolment.objects.filter(study__in=study_public_queryset().values("pk"))
        .values("site__organisation__region")
        .annotate(n=Count("participant", distinct=True))
        .values_list("site__organisation__region", "n")
    )
    return {region_id: n for region_id, n in rows if region_id is not None}


def public_statistics(*, lang: str = "nb") -> dict:
    """Everything the ``statistics/`` endpoint shows, in a fixed number of queries."""
    by_region = open_study_counts_by_region()
    participants = participant_counts_by_region()
    by_hrcs = open_study_counts_by_hrcs()
    by_category = Counter(open_study_counts_by_category())
    return {
        "open_studies": _open_public_studies().count(),
        "suppression_threshold": SUPPRESSION_THRESHOLD,
        "by_region": [
            {
                "region": region.code,
                "name": region.name,
                "open_studies": by_region.get(region.pk, 0),
                "participants": suppress_small(participants.get(region.pk, 0)),
            }
            for region in Region.objects.order_by("name")
        ],
        "by_hrcs_category": [
            {
                "code": category.code,
                "label": category.label_en if lang == "en" else category.label_nb,
                "open_studies": by_hrcs.get(category.pk, 0),
            }
            for category in HealthCategory.objects.order_by("code")
        ],
        "by_category": [
            {"category": value, "label": str(label), "open_studies": by_category.get(value, 0)}
            for value, label in Study.Category.choices
        ],
    }


def organisation_public_queryset() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).select_related("region", "municipality")
