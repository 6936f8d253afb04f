"""Reads: what may be published, and the querysets behind the public lists."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from .models import Study, StudySite


def study_open_site_exists() -> Exists:
    return Exists(StudySite.objects.filter(study=OuterRef("pk"), status=StudySite.Status.OPEN))


def study_public_queryset() -> QuerySet[Study]:
    """Published studies only: the single definition of what the public may see."""
    return Study.objects.filter(is_published=True).exclude(
        status__in=[Study.Status.DRAFT, Study.Status.WITHDRAWN]
    )


def study_public_list() -> QuerySet[Study]:
    """Published studies with everything a public list row needs, in a constant number of queries.

    "Open for inclusion" is read from the prefetched sites by the serializer
    rather than annotated, so PostgreSQL never hashes every open site to build one page.
    """
    sites = StudySite.objects.select_related(
        "organisation__region", "organisation__municipality"
    ).order_by("organisation__name")
    return (
        study_public_queryset()
        .select_related("sponsor")
        .prefetch_related(Prefetch("sites", queryset=sites), "hrcs_categories")
    )


def study_public_detail() -> QuerySet[Study]:
    """One published study with everything its public page needs (same shape as the list)."""
    return study_public_list()
