"""Reads of studies and study sites: what the public may see, what a back-office user may see,
how a site is named, the care levels of a study and the identifier a search term is."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _

from sites.selectors import organisation_scope_q

from ..models import Study, StudySite
from ..validators import IDENTIFIER_FIELDS, PUBLIC_ID_RE, identifier_normalise
from .public import FINDER_STUDY_FIELDS, PUBLIC_STUDY_FIELDS


def study_open_site_exists() -> Exists:
    return Exists(StudySite.objects.filter(study=OuterRef("pk"), status=StudySite.Status.OPEN))


def study_public_queryset() -> QuerySet[Study]:
    """Published studies only: the single definition of what the public may see."""
    return Study.objects.filter(is_published=True).exclude(
        status__in=[Study.Status.DRAFT, Study.Status.WITHDRAWN]
    )


def study_left_public_since(*, since: dt.datetime) -> QuerySet[Study]:
    """Studies once published that the public no longer sees, changed at or after ``since``:
    unpublished, withdrawn or set back to draft. Their ``updated_at`` moved when they left."""
    # The negation of study_public_queryset.
    not_public = Q(is_published=False) | Q(status__in=[Study.Status.DRAFT, Study.Status.WITHDRAWN])
    return (
        Study.objects.filter(not_public, published_at__isnull=False, updated_at__gte=since)
        .only("public_id", "updated_at")
        .order_by("updated_at", "public_id")
    )


def study_public_list() -> QuerySet[Study]:
    """Published studies with the allowlisted columns a public row needs.

    Sites, HRCS categories and enrolment are not part of the queryset: once the page is cut, the
    caller passes it through ``study_attach_public`` (plain values; see ``selectors.public``).
    "Open for inclusion" is read from those sites rather than annotated, so PostgreSQL never
    hashes every open site to build one page.
    """
    return study_public_queryset().select_related("sponsor").only(*PUBLIC_STUDY_FIELDS)


def study_finder_list() -> QuerySet[Study]:
    """Published studies with the columns a study finder's list item shows
    (``FINDER_STUDY_FIELDS``); the caller attaches the places of their sites once the page is cut
    (``study_attach_places``)."""
    return study_public_queryset().only(*FINDER_STUDY_FIELDS)


def study_public_detail() -> QuerySet[Study]:
    """One published study with everything its public page needs (same shape as the list)."""
    return study_public_list()


def study_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Study]:
    """Studies the user may see: the responsible organisation or any site is in the user's scope.

    A coordinator of Helse Nord sees a Helse Vest study only if it has a site in Helse Nord.
    """
    q = organisation_scope_q(user=user)
    if q is None:
        return Study.objects.all()
    if q == Q(pk__in=[]):
        return Study.objects.none()
    site_q = organisation_scope_q(user=user, prefix="organisation__")
    site_in_scope = StudySite.objects.filter(site_q, study=OuterRef("pk"))
    responsible_q = organisation_scope_q(user=user, prefix="responsible_organisation__")
    return Study.objects.filter(responsible_q | Exists(site_in_scope))


def studysite_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[StudySite]:
    """Sites of the studies the user may see (all of a visible study's sites, for the full picture)."""
    if organisation_scope_q(user=user) is None:
        return StudySite.objects.all()
    return StudySite.objects.filter(study__in=study_visible_to(user=user).values("pk"))


def studysite_label(site: StudySite) -> str:
    """How a site is named in pickers: the study, the organisation and the public id.

    Callers select ``study`` and ``organisation`` with the site (one query for a whole list).
    """
    study = site.study
    return f"{study.lay_title_nb or study.scientific_title} – {site.organisation.name} ({study.public_id})"


class CareLevel(TextChoices):
    SPECIALIST = "specialist", _("Spesialisthelsetjenesten")
    MUNICIPAL = "municipal", _("Kommunal helse- og omsorgstjeneste")
    DENTAL = "dental", _("Tannhelsetjenesten")
    PRIVATE = "private", _("Private aktører")
    ACADEMIC = "academic", _("Universitet og høyskole")


_CARE_LEVEL_OF_KIND = {
    "rhf": CareLevel.SPECIALIST,
    "hf": CareLevel.SPECIALIST,
    "hospital": CareLevel.SPECIALIST,
    "private_nonprofit": CareLevel.SPECIALIST,
    "support": CareLevel.SPECIALIST,
    "municipal_service": CareLevel.MUNICIPAL,
    "dental_service": CareLevel.DENTAL,
    "private_partner": CareLevel.PRIVATE,
    "university": CareLevel.ACADEMIC,
}


def study_care_levels(*, study: Study) -> list[CareLevel]:
    """Care levels involved, derived from the kinds of the study's site organisations (one query)."""
    kinds = set(StudySite.objects.filter(study=study).values_list("organisation__kind", flat=True))
    levels = {_CARE_LEVEL_OF_KIND[k] for k in kinds if k in _CARE_LEVEL_OF_KIND}
    return [level for level in CareLevel if level in levels]


def study_identifier_lookup(term: str) -> tuple[str, str] | None:
    """The identifier a search term is, in its stored form (``nct 0123 4567`` → ``("nct_id",
    "NCT01234567")``; "EudraCT 2019-001234-56-NO" → the EudraCT number), if it is one. The
    patterns live in ``trials.validators`` alone."""
    term = term.strip()
    if PUBLIC_ID_RE.match(term):
        return "public_id", term.upper()
    for field in IDENTIFIER_FIELDS:
        value = identifier_normalise(field, term)
        if value:
            return field, value
    return None


def study_identifier_field(term: str) -> str | None:
    """The identifier field a search term is written like (``NCT01234567`` → ``nct_id``), if any."""
    found = study_identifier_lookup(term)
    return found[0] if found else None
