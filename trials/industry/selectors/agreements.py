"""Reads about industry agreements: "delivered according to agreement", and overdue milestones.

An agreement is *delivered according to agreement* when it is signed or completed, every milestone
is met within the tolerance (or waived), and recruitment at the organisation is at or above the
commitment. It is *not delivered* when it was cancelled, a milestone was missed or met too late,
a planned milestone is overdue beyond the tolerance, or all milestones are met but recruitment
fell short. Otherwise it is still under way (``None``).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ..models import Agreement, Milestone

MILESTONE_TOLERANCE_DAYS = 14
"""A milestone met up to this many days after its planned date still counts as met on time."""


def agreement_enrolled_subquery() -> Coalesce:
    """Participants included in the agreement's study at the agreement's organisation."""
    from consents.models import Enrolment  # Lazy: consents depends on trials.

    counts = (
        Enrolment.objects.filter(
            study_id=OuterRef("study_id"), site__organisation_id=OuterRef("organisation_id")
        )
        .order_by()
        .values("study_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def agreement_list_with_delivery(queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Agreements with what the delivery verdict needs, in a constant number of queries."""
    return (
        queryset.select_related("study", "sponsor", "organisation__region")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("planned_on")))
        .annotate(enrolled=agreement_enrolled_subquery())
    )


@dataclass(frozen=True)
class Delivery:
    delivered: bool | None
    reasons: tuple[str, ...] = ()
    overdue: tuple[Milestone, ...] = field(default=(), compare=False)


def milestone_is_overdue(milestone: Milestone, *, today: dt.date) -> bool:
    return milestone.status == Milestone.Status.PLANNED and milestone.planned_on < today


def _late(milestone: Milestone) -> bool:
    return (
        milestone.actual_on is not None
        and (milestone.actual_on - milestone.planned_on).days > MILESTONE_TOLERANCE_DAYS
    )


def agreement_delivery(*, agreement: Agreement, today: dt.date) -> Delivery:
    """The verdict for one agreement (uses prefetched milestones and the ``enrolled`` annotation)."""
    milestones = list(agreement.milestones.all())
    overdue = tuple(m for m in milestones if milestone_is_overdue(m, today=today))
    if agreement.status == Agreement.Status.CANCELLED:
        return Delivery(False, (_("Avtalen er kansellert."),), overdue)
    if agreement.status not in (Agreement.Status.SIGNED, Agreement.Status.COMPLETED):
        return Delivery(None, (_("Avtalen er ikke signert."),), overdue)
    reasons: list[str] = []
    tolerance = dt.timedelta(days=MILESTONE_TOLERANCE_DAYS)
    for m in milestones:
        if m.status == Milestone.Status.MISSED:
            reasons.append(_("%(m)s ble ikke nådd.") % {"m": m.get_kind_display()})
        elif m.status == Milestone.Status.MET and m.actual_on is not None and _late(m):
            days = (m.actual_on - m.planned_on).days
            reasons.append(
                _("%(m)s nådd %(d)s dager for sent.") % {"m": m.get_kind_display(), "d": days}
            )
        elif m.status == Milestone.Status.PLANNED and m.planned_on + tolerance < today:
            reasons.append(_("%(m)s er forfalt.") % {"m": m.get_kind_display()})
    if reasons:
        return Delivery(False, tuple(reasons), overdue)
    if not milestones or any(m.status == Milestone.Status.PLANNED for m in milestones):
        return Delivery(None, (_("Milepæler gjenstår."),), overdue)
    enrolled = getattr(agreement, "enrolled", None)
    commitment = agreement.recruitment_commitment
    if commitment is not None and enrolled is not None and enrolled < commitment:
        return Delivery(
            False,
            (_("Rekruttert %(n)s av %(c)s lovet.") % {"n": enrolled, "c": commitment},),
            overdue,
        )
    return Delivery(True, (), overdue)


@dataclass
class DeliverySummary:
    key: str
    label: str
    agreements: int = 0
    delivered: int = 0
    not_delivered: int = 0
    under_way: int = 0

    @property
    def share_delivered(self) -> float | None:
        judged = self.delivered + self.not_delivered
        return round(self.delivered / judged, 3) if judged else None


def agreement_delivery_summary(
    *, agreements: Iterable[Agreement], today: dt.date, by: str
) -> list[DeliverySummary]:
    """Delivered / not delivered / under way per ``organisation`` or ``region``, sorted by label.

    ``agreements`` should come from ``agreement_list_with_delivery``.
    """
    if by not in ("organisation", "region"):
        raise ValueError("by must be 'organisation' or 'region'")
    rows: dict[str, DeliverySummary] = {}
    for agreement in agreements:
        org = agreement.organisation
        if by == "organisation":
            key, label = str(org.pk), org.name
        else:
            region = org.region
            key, label = (region.code, region.name) if region else ("-", _("Uten region"))
        row = rows.setdefault(key, DeliverySummary(key=key, label=label))
        row.agreements += 1
        verdict = agreement_delivery(agreement=agreement, today=today).delivered
        if verdict is True:
            row.delivered += 1
        elif verdict is False:
            row.not_delivered += 1
        else:
            row.under_way += 1
    return sorted(rows.values(), key=lambda r: (r.label, r.key))


def milestone_overdue_queryset(*, today: dt.date) -> QuerySet[Milestone]:
    """Planned milestones past their date on live agreements (uses milestone_status_planned_idx)."""
    return Milestone.objects.filter(
        status=Milestone.Status.PLANNED,
        planned_on__lt=today,
        agreement__status__in=[Agreement.Status.SIGNED, Agreement.Status.NEGOTIATION],
    ).select_related("agreement__study", "agreement__organisation", "agreement__sponsor")
