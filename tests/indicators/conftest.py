"""A small hand-made portfolio for October 2026; tests work out every indicator from it by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from consents.models import Enrolment, Participant
from sites.models import OrganisationCapacity
from tests.factories import SponsorFactory, StudyFactory, StudySiteFactory, hf
from trials.industry.models import Agreement, FeasibilityRequest, Milestone
from trials.models import HealthCategory, Study

D = dt.date


def aware(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def _study(title, org, **kw):
    defaults = dict(
        scientific_title=title,
        responsible_organisation=org,
        rek_approved_on=None,
        opened_on=None,
        planned_recruitment_end_on=None,
    )
    defaults.update(kw)
    return StudyFactory(**defaults)


@pytest.fixture
def world(reference_data):
    bergen, stavanger, unn = hf("Bergen"), hf("Stavanger"), hf("Nord-Norge")
    industry = SponsorFactory(name="Pharma AS")
    a = _study(
        "A",
        bergen,
        category=Study.Category.KBS,
        sponsor=industry,
        sponsor_type=Study.SponsorType.INDUSTRY,
        application_submitted_on=D(2026, 5, 1),
        rek_approved_on=D(2026, 6, 5),
        dmp_approved_on=D(2026, 7, 5),
        opened_on=D(2026, 8, 1),
        first_patient_in_on=D(2026, 10, 3),
        hrcs=["01"],
    )
    b = _study("B", unn, category=Study.Category.OBSERVATIONAL, hrcs=["02"])
    c = _study("C", unn, category=Study.Category.KBS, decentralised=True, hrcs=["02"])
    d = _study(
        "D",
        bergen,
        category=Study.Category.OTHER_INTERVENTIONAL,
        sponsor_type=Study.SponsorType.INDUSTRY,
        is_published=False,
        application_submitted_on=D(2026, 6, 1),
        rek_approved_on=D(2026, 9, 30),
        opened_on=D(2026, 10, 1),
        first_patient_in_on=D(2026, 10, 10),
    )
    e = _study(
        "E",
        bergen,
        category=Study.Category.OBSERVATIONAL,
        is_published=False,
        target_enrolment=1,
        planned_recruitment_end_on=D(2026, 10, 31),
        actual_recruitment_end_on=D(2026, 10, 15),
        status=Study.Status.CLOSED,
    )
    _study(
        "F",
        stavanger,
        category=Study.Category.OBSERVATIONAL,
        is_published=False,
        target_enrolment=5,
        planned_recruitment_end_on=D(2026, 10, 10),
        actual_recruitment_end_on=D(2026, 10, 20),
        status=Study.Status.CLOSED,
    )
    a_bergen = StudySiteFactory(study=a, organisation=bergen, activated_on=D(2026, 1, 10))
    a_stav = StudySiteFactory(study=a, organisation=stavanger, activated_on=D(2026, 10, 15))
    StudySiteFactory(
        study=b, organisation=unn, activated_on=D(2025, 6, 1), closed_on=D(2026, 9, 30)
    )
    c_unn = StudySiteFactory(study=c, organisation=unn, activated_on=D(2025, 10, 5))
    StudySiteFactory(study=d, organisation=bergen, activated_on=D(2026, 10, 5))
    e_bergen = StudySiteFactory(
        study=e, organisation=bergen, activated_on=D(2026, 2, 1), closed_on=D(2026, 4, 30)
    )

    p1 = Participant.objects.create(pseudonym="p1", birth_year=1950, sex="female")
    p2 = Participant.objects.create(pseudonym="p2", birth_year=2010, sex="male")
    p3 = Participant.objects.create(pseudonym="p3", birth_year=1990, sex="female")
    p4 = Participant.objects.create(pseudonym="p4", birth_year=None, sex="unknown")

    def enrol(p, study, site, included, ended=None):
        Enrolment.objects.create(
            participant=p,
            study=study,
            site=site,
            included_on=included,
            ended_on=ended,
            status="completed" if ended else "included",
        )

    enrol(p1, a, a_bergen, D(2026, 10, 3))
    enrol(p2, a, a_stav, D(2026, 10, 20))
    enrol(p3, a, a_bergen, D(2026, 8, 1), D(2026, 9, 15))
    enrol(p1, c, c_unn, D(2025, 10, 10))
    enrol(p4, c, c_unn, D(2026, 10, 31))
    enrol(p3, e, e_bergen, D(2026, 3, 1), D(2026, 4, 1))

    for org, treated, years, phd, shared in [
        (bergen, 1000, "120.5", {"lege": 100, "sykepleier": 10}, 12),
        (stavanger, 500, "30", {}, 3),
        (unn, 200, "50", {"lege": 40}, None),
    ]:
        OrganisationCapacity.objects.create(
            organisation=org,
            year=2026,
            patients_treated=treated,
            research_person_years=Decimal(years),
            phd_by_profession=phd,
            shared_research_clinic_positions=shared,
        )

    cta = dict(study=a, sponsor=industry, kind=Agreement.Kind.CTA)
    Agreement.objects.create(
        **cta,
        organisation=bergen,
        status=Agreement.Status.CANCELLED,
        cancelled_on=D(2026, 10, 12),
        cancellation_reason=Agreement.CancellationReason.BUDGET,
    )
    Agreement.objects.create(
        **cta,
        organisation=stavanger,
        status=Agreement.Status.CANCELLED,
        cancelled_on=D(2026, 9, 1),
        cancellation_reason=Agreement.CancellationReason.OTHER,
    )
    signed = Agreement.objects.create(**cta, organisation=unn, status=Agreement.Status.SIGNED)
    M = Milestone.Kind
    for kind, planned, actual, status in [
        (M.SITE_ACTIVATION, D(2026, 10, 10), D(2026, 10, 5), "met"),
        (M.FIRST_PATIENT_IN, D(2026, 10, 15), D(2026, 10, 20), "met"),
        (M.DATA_DELIVERY, D(2026, 10, 16), None, "waived"),
        (M.RECRUITMENT_TARGET, D(2026, 10, 30), None, "planned"),
        (M.RESULTS_REPORTING, D(2026, 11, 30), None, "planned"),
    ]:
        Milestone.objects.create(
            agreement=signed, kind=kind, planned_on=planned, actual_on=actual, status=status
        )

    category = HealthCategory.objects.get(code="01")

    def request(ref, received, compiled=None, channel="portal", satisfaction=None, reported=None):
        FeasibilityRequest.objects.create(
            public_id=ref,
            sponsor=industry,
            contact_name="Kari",
            contact_email="kari@example.com",
            title=ref,
            condition="Astma",
            hrcs_category=category,
            phase=Study.Phase.PHASE_3,
            design_summary="RCT",
            key_inclusion_criteria="Voksne",
            patients_wanted=40,
            received_at=received,
            deadline=received.date() + dt.timedelta(days=14),
            compiled_sent_at=compiled,
            channel=channel,
            satisfaction=satisfaction,
            outcome_reported_at=reported,
        )

    request("R1", aware(2026, 10, 1, 10), aware(2026, 10, 11, 9), "portal", 4, aware(2026, 10, 25))
    request("R2", aware(2026, 9, 20, 12), aware(2026, 10, 20, 8), "email", 5, aware(2026, 10, 26))
    request("R3", aware(2026, 10, 5, 12), None, "email")
    return {"bergen": bergen, "stavanger": stavanger, "unn": unn, "a": a, "c": c}


class RecordingHandler:
    """An aiosmtpd handler that keeps every accepted message; ``hold`` makes it wait before replying."""

    def __init__(self) -> None:
        import threading

        self.messages: list = []
        self.hold = threading.Event()
        self.hold.set()

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        while not self.hold.is_set():
            await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port; Django's mail settings point at it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    handler.port = port
    handler.controller = controller
    yield handler
    controller.stop()


def recipients(handler) -> list[str]:
    return sorted(m["To"] for m in handler.messages)
