"""Reads: what may be published, what a back-office user may see, and data-quality flags."""

import datetime as dt
import re

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sites.selectors import organisation_scope_q

from ..models import Study, StudySite
from ..validators import IDENTIFIER_FIELDS, identifier_normalise
from .public import ENROLLED_STATUSES, PUBLIC_STUDY_FIELDS
from .public import study_attach_public as study_attach_public  # re-exported


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


# --- Data quality: one definition per flag, used for list columns, filters and exports -----------


class QualityFlag(TextChoices):
    RECRUITING_PAST_END = "recruiting_past_end", _("Rekrutterer etter planlagt sluttdato")
    MISSING_EU_CT = "missing_eu_ct", _("Legemiddelstudie godkjent uten EU CT-nummer")
    UNREVIEWED_SUMMARY = "unreviewed_summary", _("Publisert uten gjennomgått sammendrag")
    OPEN_WITHOUT_SITE = "open_without_site", _("Åpen uten åpent studiested")
    OVER_TARGET = "over_target", _("Flere inkludert enn målet")


# The Clinical Trials Regulation applies to trials approved from this date; older ones use EudraCT.
CTR_START = dt.date(2023, 1, 31)


def study_enrolled_count() -> Coalesce:
    """Participants included or completed in the study (the "n" of "n/N")."""
    from consents.models import Enrolment  # Lazy: consents depends on trials.

    counted = (
        Enrolment.objects.filter(study=OuterRef("pk"), status__in=ENROLLED_STATUSES)
        .order_by()
        .values("study")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def study_open_site_count() -> Coalesce:
    counted = (
        StudySite.objects.filter(study=OuterRef("pk"), status=StudySite.Status.OPEN)
        .order_by()
        .values("study")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def study_quality_flag_q(flag: str, *, today: dt.date | None = None) -> Q:
    """The condition for one flag; on a queryset annotated with ``enrolled`` for OVER_TARGET."""
    today = today or timezone.localdate()
    if flag == QualityFlag.RECRUITING_PAST_END:
        return Q(status=Study.Status.OPEN, planned_recruitment_end_on__lt=today)
    if flag == QualityFlag.MISSING_EU_CT:
        approved_after_ctr = Q(dmp_approved_on__gte=CTR_START) | Q(eudract_number="")
        return (
            Q(dmp_approved_on__isnull=False, eu_ct_number="")
            & ~Q(phase=Study.Phase.NOT_APPLICABLE)
            & approved_after_ctr
        )
    if flag == QualityFlag.UNREVIEWED_SUMMARY:
        return Q(is_published=True, lay_nb_reviewed_at__isnull=True)
    if flag == QualityFlag.OPEN_WITHOUT_SITE:
        return Q(status=Study.Status.OPEN) & ~study_open_site_exists()
    if flag == QualityFlag.OVER_TARGET:
        return Q(target_enrolment__isnull=False, enrolled__gt=F("target_enrolment"))
    raise ValueError(flag)


def study_with_flags(queryset: QuerySet[Study], *, today: dt.date | None = None) -> QuerySet[Study]:
    """Annotate ``enrolled``, ``open_sites`` and one boolean ``flag_<name>`` per quality flag."""
    queryset = queryset.annotate(
        enrolled=study_enrolled_count(), open_sites=study_open_site_count()
    )
    conditions = {flag: study_quality_flag_q(flag, today=today) for flag in QualityFlag.values}
    # Per row, reuse the correlated count: a NOT EXISTS in the select list makes PostgreSQL hash
    # every open site in the country (fine for filtering, wasteful for a page of 50 rows).
    conditions[QualityFlag.OPEN_WITHOUT_SITE] = Q(status=Study.Status.OPEN, open_sites=0)
    return queryset.annotate(
        **{
            f"flag_{flag}": ExpressionWrapper(condition, output_field=BooleanField())
            for flag, condition in conditions.items()
        }
    )


def study_flags(study: Study) -> list[QualityFlag]:
    """The flags raised on a study from ``study_with_flags``."""
    return [QualityFlag(f) for f in QualityFlag.values if getattr(study, f"flag_{f}", False)]


def study_admin_list(studies: QuerySet[Study]) -> QuerySet[Study]:
    """The back-office list (of the studies a user may see): region, counts and flags in one
    query."""
    return study_with_flags(studies.select_related("responsible_organisation__region", "sponsor"))


def enrolment_display(enrolled: int, target: int | None) -> str:
    """``n/N (x %)``, or just ``n`` without a target."""
    if not target:
        return str(enrolled)
    return f"{enrolled}/{target} ({round(100 * enrolled / target)} %)"


def studysite_enrolled_count() -> Coalesce:
    """Participants included or completed at the site (the "n" of the site's "n/N")."""
    from consents.models import Enrolment  # Lazy: consents depends on trials.

    counted = (
        Enrolment.objects.filter(site=OuterRef("pk"), status__in=ENROLLED_STATUSES)
        .order_by()
        .values("site")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


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


_PUBLIC_ID = re.compile(r"^KS[0-9A-Z]{8}$", re.I)


def study_identifier_lookup(term: str) -> tuple[str, str] | None:
    """The identifier a search term is, in its stored form (``nct 0123 4567`` → ``("nct_id",
    "NCT01234567")``; "EudraCT 2019-001234-56-NO" → the EudraCT number), if it is one. The
    patterns live in ``trials.validators`` alone."""
    term = term.strip()
    if _PUBLIC_ID.match(term):
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
