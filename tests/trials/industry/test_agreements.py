import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from consents.models import Enrolment, Participant
from tests.factories import StudySiteFactory, hf
from trials.industry import tasks
from trials.industry.models import Agreement, Milestone
from trials.industry.selectors.agreements import (
    agreement_delivery,
    agreement_delivery_summary,
    agreement_list_with_delivery,
)
from trials.industry.services.agreements import agreement_cancel

from .factories import AgreementFactory, MilestoneFactory

TODAY = dt.date(2025, 6, 2)
M = Milestone.Kind
_n = iter(range(10_000))


def _enrol(agreement: Agreement, count: int) -> None:
    site = StudySiteFactory(study=agreement.study, organisation=agreement.organisation)
    Enrolment.objects.bulk_create(
        Enrolment(
            participant=Participant.objects.create(pseudonym=f"agreement-test-{next(_n)}"),
            study=agreement.study,
            site=site,
            included_on=TODAY - dt.timedelta(days=30),
        )
        for _ in range(count)
    )


def _met(agreement, kind, planned, late_days):
    return MilestoneFactory(
        agreement=agreement,
        kind=kind,
        planned_on=planned,
        actual_on=planned + dt.timedelta(days=late_days),
        status=Milestone.Status.MET,
    )


def _verdict(agreement):
    fresh = agreement_list_with_delivery(Agreement.objects.filter(pk=agreement.pk)).get()
    return agreement_delivery(agreement=fresh, today=TODAY)


@pytest.mark.django_db
def test_delivered_according_to_agreement(reference_data):
    on_time = AgreementFactory(recruitment_commitment=10)
    _met(on_time, M.SITE_ACTIVATION, dt.date(2025, 1, 10), late_days=14)  # within tolerance
    _met(on_time, M.FIRST_PATIENT_IN, dt.date(2025, 2, 10), late_days=-3)
    _enrol(on_time, 12)
    assert _verdict(on_time).delivered is True

    late = AgreementFactory(recruitment_commitment=None)
    _met(late, M.SITE_ACTIVATION, dt.date(2025, 1, 10), late_days=20)
    verdict = _verdict(late)
    assert verdict.delivered is False
    assert verdict.reasons == ("Aktivering av studiested nådd 20 dager for sent.",)

    short = AgreementFactory(recruitment_commitment=10)
    _met(short, M.RECRUITMENT_TARGET, dt.date(2025, 3, 1), late_days=0)
    _enrol(short, 5)
    assert _verdict(short).reasons == ("Rekruttert 5 av 10 lovet.",)

    under_way = AgreementFactory()
    MilestoneFactory(
        agreement=under_way, kind=M.DATA_DELIVERY, planned_on=TODAY + dt.timedelta(days=30)
    )
    assert _verdict(under_way).delivered is None

    overdue = AgreementFactory(organisation=hf("Nord-Norge"))
    MilestoneFactory(
        agreement=overdue, kind=M.FIRST_PATIENT_IN, planned_on=TODAY - dt.timedelta(days=20)
    )
    verdict = _verdict(overdue)
    assert verdict.delivered is False and len(verdict.overdue) == 1

    cancelled = agreement_cancel(
        agreement=AgreementFactory(
            organisation=hf("Nord-Norge"), received_on=dt.date(2025, 1, 6), signed_on=None
        ),
        on=TODAY,
        reason=Agreement.CancellationReason.BUDGET,
        today=TODAY,
    )
    assert _verdict(cancelled).delivered is False

    agreements = agreement_list_with_delivery(Agreement.objects.all())
    by_region = agreement_delivery_summary(agreements=agreements, today=TODAY, by="region")
    assert [
        (r.label, r.agreements, r.delivered, r.not_delivered, r.under_way) for r in by_region
    ] == [
        ("Helse Nord RHF", 2, 0, 2, 0),
        ("Helse Vest RHF", 4, 1, 2, 1),
    ]
    assert by_region[1].share_delivered == pytest.approx(0.333)
    by_org = agreement_delivery_summary(agreements=agreements, today=TODAY, by="organisation")
    assert [r.label for r in by_org] == ["Helse Bergen HF", "Universitetssykehuset Nord-Norge HF"]


@pytest.mark.django_db
def test_the_database_refuses_inconsistent_agreements(reference_data):
    with pytest.raises(ValidationError, match="kansellert avtale må ha dato og årsak"):
        AgreementFactory.build(
            study=AgreementFactory().study, status=Agreement.Status.CANCELLED
        ).full_clean()
    parent = AgreementFactory()
    first = AgreementFactory(
        study=parent.study, kind=Agreement.Kind.AMENDMENT, amends=parent, amendment_number=1
    )
    with pytest.raises(ValidationError, match="løpenummer"):
        AgreementFactory.build(
            study=first.study, sponsor=first.sponsor, kind=Agreement.Kind.AMENDMENT, amends=parent
        ).full_clean()
    with pytest.raises(ValidationError, match="allerede en tilleggsavtale med dette nummeret"):
        AgreementFactory.build(
            study=first.study,
            sponsor=first.sponsor,
            kind=Agreement.Kind.AMENDMENT,
            amends=parent,
            amendment_number=1,
        ).full_clean()


@pytest.mark.django_db
def test_overdue_milestones_are_reminded_daily_once_then_weekly(reference_data, smtp, eager_tasks):
    agreement = AgreementFactory(contact_email="kontrakter@bergen.example.no")
    MilestoneFactory(agreement=agreement, kind=M.FIRST_PATIENT_IN, planned_on=dt.date(2025, 6, 1))
    MilestoneFactory(agreement=agreement, kind=M.DATA_DELIVERY, planned_on=dt.date(2025, 9, 1))
    no_contact = AgreementFactory(organisation=hf("Nord-Norge"))
    MilestoneFactory(agreement=no_contact, kind=M.SITE_ACTIVATION, planned_on=dt.date(2025, 5, 1))
    oslo = timezone.get_default_timezone()
    with time_machine.travel(dt.datetime(2025, 6, 2, 7, 30, tzinfo=oslo), tick=False) as clock:
        assert tasks.milestone_send_overdue_reminders.delay().get() == 2
        assert tasks.milestone_send_overdue_reminders.delay().get() == 0
        [to_bergen] = smtp.to("kontrakter@bergen.example.no")
        assert (
            "Første pasient inkludert, planlagt 01.06.2025 (1 dager siden)"
            in to_bergen.get_content()
        )
        assert "nortrials@example.no" in to_bergen["Cc"]
        [to_nortrials] = [m for m in smtp.messages if m["To"] == "nortrials@example.no"]
        assert "Aktivering av studiested" in to_nortrials.get_content()
        clock.move_to(dt.datetime(2025, 6, 9, 7, 30, tzinfo=oslo))
        assert tasks.milestone_send_overdue_reminders.delay().get() == 2
