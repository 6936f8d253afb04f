"""Data quality: one definition per flag, used for list columns, filters and exports, and the
enrolment counts the flags and lists read."""

import datetime as dt

from django.db.models import (
    BooleanField,
    Count,
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

from ..models import Study, StudySite
from .public import ENROLLED_STATUSES
from .studies import study_open_site_exists


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
        return Q(status=Study.Status.OPEN) & Q(~study_open_site_exists())
    if flag == QualityFlag.OVER_TARGET:
        return Q(target_enrolment__isnull=False, enrolled__gt=F("target_enrolment"))
    raise ValueError(flag)


def study_with_flags(queryset: QuerySet[Study], *, today: dt.date | None = None) -> QuerySet[Study]:
    """Annotate ``enrolled``, ``open_sites`` and one boolean ``flag_<name>`` per quality flag."""
    queryset = queryset.annotate(
        # The plugin takes Study.enrolled (declared for public pages) for a field; it is this count.
        enrolled=study_enrolled_count(),  # type: ignore[no-redef]
        open_sites=study_open_site_count(),
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
