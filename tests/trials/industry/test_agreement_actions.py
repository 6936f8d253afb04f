"""Cancelling agreements, marking milestones met or missed, and amendments tied to their parent:
the services' rules and the admin actions that call them, scoped like the rest of the industry admin."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import StudyFactory, hf
from trials.industry.models import Agreement, Milestone
from trials.industry.services.agreements import (
    agreement_cancel,
    milestone_mark_met,
    milestone_mark_missed,
)

from .factories import AgreementFactory, MilestoneFactory
from .test_admin import _grant

TODAY = dt.date(2025, 6, 2)
REASON = Agreement.CancellationReason.BUDGET
AGREEMENTS = "/admin/industry/agreement/"
MILESTONES = "/admin/industry/milestone/"


def _amendment(parent: Agreement, number: int, **kwargs) -> Agreement:
    return AgreementFactory.build(
        study=kwargs.pop("study", parent.study),
        sponsor=parent.sponsor,
        organisation=kwargs.pop("organisation", parent.organisation),
        kind=Agreement.Kind.AMENDMENT,
        amends=parent,
        amendment_number=number,
        **kwargs,
    )


# services ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancel_records_date_reason_and_history(reference_data):
    agreement = AgreementFactory(received_on=dt.date(2025, 1, 1), signed_on=None)
    agreement_cancel(agreement=agreement, on=dt.date(2025, 5, 30), reason=REASON, today=TODAY)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.CANCELLED
    assert (agreement.cancelled_on, agreement.cancellation_reason) == (dt.date(2025, 5, 30), REASON)
    assert agreement.history.first().history_change_reason == "Avtalen ble kansellert."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on", "reason", "message"),
    [
        (dt.date(2025, 6, 3), REASON, "kan ikke være i fremtiden"),
        (dt.date(2024, 12, 31), REASON, "før avtalen ble mottatt \\(01.01.2025\\)"),
        (dt.date(2025, 5, 30), "", "Velg en årsak fra listen"),
        (dt.date(2025, 5, 30), "because", "Velg en årsak fra listen"),
    ],
)
def test_cancel_refuses_bad_dates_and_reasons(reference_data, on, reason, message):
    agreement = AgreementFactory(received_on=dt.date(2025, 1, 1), signed_on=None)
    with pytest.raises(ValidationError, match=message):
        agreement_cancel(agreement=agreement, on=on, reason=reason, today=TODAY)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED and agreement.cancelled_on is None


@pytest.mark.django_db
def test_cancel_refuses_an_agreement_already_ended(reference_data):
    agreement = AgreementFactory(status=Agreement.Status.COMPLETED)
    with pytest.raises(ValidationError, match="allerede avsluttet eller kansellert"):
        agreement_cancel(agreement=agreement, on=TODAY, reason=REASON, today=TODAY)


@pytest.mark.django_db
def test_milestone_met_and_missed_rules(reference_data):
    due = MilestoneFactory(planned_on=dt.date(2025, 5, 1))
    milestone_mark_met(milestone=due, on=dt.date(2025, 5, 10), today=TODAY)
    due.refresh_from_db()
    assert (due.status, due.actual_on) == (Milestone.Status.MET, dt.date(2025, 5, 10))
    with pytest.raises(ValidationError, match="allerede registrert som nådd \\(10.05.2025\\)"):
        milestone_mark_met(milestone=due, on=TODAY, today=TODAY)
    with pytest.raises(ValidationError, match="Bare planlagte milepæler"):
        milestone_mark_missed(milestone=due, today=TODAY)

    future = MilestoneFactory(planned_on=dt.date(2025, 7, 1), kind=Milestone.Kind.DATA_DELIVERY)
    with pytest.raises(ValidationError, match="ikke passert ennå"):
        milestone_mark_missed(milestone=future, today=TODAY)
    with pytest.raises(ValidationError, match="kan ikke være i fremtiden"):
        milestone_mark_met(milestone=future, on=dt.date(2025, 6, 3), today=TODAY)

    late = MilestoneFactory(planned_on=dt.date(2025, 4, 1), kind=Milestone.Kind.FIRST_PATIENT_IN)
    milestone_mark_missed(milestone=late, today=TODAY)
    late.refresh_from_db()
    assert late.status == Milestone.Status.MISSED
    # A missed milestone may still be reached later, and then counts as met (late).
    milestone_mark_met(milestone=late, on=dt.date(2025, 6, 1), today=TODAY)
    late.refresh_from_db()
    assert late.status == Milestone.Status.MET

    waived = MilestoneFactory(status=Milestone.Status.WAIVED, kind=Milestone.Kind.RESULTS_REPORTING)
    with pytest.raises(ValidationError, match="bortfalt"):
        milestone_mark_met(milestone=waived, on=TODAY, today=TODAY)


@pytest.mark.django_db
def test_milestones_of_a_cancelled_agreement_are_frozen(reference_data):
    milestone = MilestoneFactory(
        planned_on=dt.date(2025, 5, 1),
        agreement=AgreementFactory(received_on=dt.date(2025, 1, 6), signed_on=None),
    )
    agreement_cancel(agreement=milestone.agreement, on=TODAY, reason=REASON, today=TODAY)
    with pytest.raises(ValidationError, match="Avtalen er kansellert"):
        milestone_mark_met(milestone=milestone, on=TODAY, today=TODAY)


# amendments -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_amendments_belong_to_a_main_agreement_of_the_same_study_and_organisation(reference_data):
    parent = AgreementFactory()
    first = _amendment(parent, 1)
    first.full_clean()
    first.save()
    # Numbering is per parent: another agreement's amendments start at 1 as well.
    other_parent = AgreementFactory()
    _amendment(other_parent, 1).full_clean()

    with pytest.raises(ValidationError, match="annen studie"):
        _amendment(parent, 2, study=StudyFactory()).full_clean()
    with pytest.raises(ValidationError, match="annen organisasjon"):
        _amendment(parent, 2, organisation=hf("Stavanger")).full_clean()
    with pytest.raises(ValidationError, match="hovedavtalen, ikke til en annen tilleggsavtale"):
        _amendment(first, 1).full_clean()
    with pytest.raises(ValidationError, match="må vise til avtalen den endrer"):
        AgreementFactory.build(
            study=parent.study, kind=Agreement.Kind.AMENDMENT, amendment_number=3
        ).full_clean()
    with pytest.raises(ValidationError, match="ikke gjøre det"):
        AgreementFactory.build(study=parent.study, amends=parent).full_clean()


@pytest.mark.django_db
def test_the_database_holds_the_amendment_rules(reference_data):
    parent = AgreementFactory()
    _amendment(parent, 1).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _amendment(parent, 1).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(study=parent.study, kind=Agreement.Kind.AMENDMENT, amendment_number=2)


# admin ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancel_action_asks_for_date_and_reason_keeps_input_and_reports(client, coordinator_vest):
    client.force_login(_grant(coordinator_vest))
    ok = AgreementFactory(received_on=dt.date(2024, 1, 1), signed_on=None)
    done = AgreementFactory(status=Agreement.Status.COMPLETED)
    selected = {"action": "cancel_agreements", "_selected_action": [ok.pk, done.pk]}

    form_page = client.post(AGREEMENTS, selected)
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert "Kanseller avtaler" in html and "Uenighet om budsjett" in html
    assert ok.study.scientific_title in html

    # No reason: the form comes back with the error and the date the user typed.
    again = client.post(AGREEMENTS, {**selected, "apply": "1", "on": "2025-03-04", "reason": ""})
    html = again.content.decode()
    assert again.status_code == 200 and "Dette feltet er påkrevd" in html
    assert 'value="2025-03-04"' in html
    ok.refresh_from_db()
    assert ok.status == Agreement.Status.SIGNED

    response = client.post(
        AGREEMENTS, {**selected, "apply": "1", "on": "2025-03-04", "reason": REASON}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "1 avtale kansellert." in shown
    assert any("Ikke endret" in m and "allerede avsluttet" in m for m in shown)
    ok.refresh_from_db()
    assert (ok.status, ok.cancelled_on, ok.cancellation_reason) == (
        Agreement.Status.CANCELLED,
        dt.date(2025, 3, 4),
        REASON,
    )
    assert ok.history.first().history_user == coordinator_vest


@pytest.mark.django_db
def test_a_coordinator_cannot_cancel_another_regions_agreement(client, coordinator_nord):
    client.force_login(_grant(coordinator_nord))
    vest = AgreementFactory()  # Helse Bergen
    client.post(
        AGREEMENTS,
        {
            "action": "cancel_agreements",
            "_selected_action": [vest.pk],
            "apply": "1",
            "on": "2025-03-04",
            "reason": REASON,
        },
    )
    vest.refresh_from_db()
    assert vest.status == Agreement.Status.SIGNED
    milestone = MilestoneFactory(agreement=vest)
    client.post(MILESTONES, {"action": "mark_missed", "_selected_action": [milestone.pk]})
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.PLANNED


@pytest.mark.django_db
def test_milestone_actions_mark_met_and_missed(client, coordinator_vest):
    client.force_login(_grant(coordinator_vest))
    today = dt.date.today()
    past = MilestoneFactory(planned_on=today - dt.timedelta(days=10))
    ahead = MilestoneFactory(
        agreement=past.agreement,
        kind=Milestone.Kind.DATA_DELIVERY,
        planned_on=today + dt.timedelta(days=10),
    )
    response = client.post(
        MILESTONES,
        {"action": "mark_missed", "_selected_action": [past.pk, ahead.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "1 milepæl registrert som ikke nådd." in shown
    assert any("ikke passert ennå" in m for m in shown)

    selected = {"action": "mark_met", "_selected_action": [ahead.pk]}
    assert "Faktisk dato" in client.post(MILESTONES, selected).content.decode()
    on = today - dt.timedelta(days=1)
    client.post(MILESTONES, {**selected, "apply": "1", "on": on.isoformat()})
    ahead.refresh_from_db()
    assert (ahead.status, ahead.actual_on) == (Milestone.Status.MET, on)


@pytest.mark.django_db
def test_the_change_form_links_amendments_and_does_not_cancel(client, coordinator_vest):
    client.force_login(_grant(coordinator_vest))
    parent = AgreementFactory()
    amendment = _amendment(parent, 1)
    amendment.save()
    html = client.get(f"{AGREEMENTS}{parent.pk}/change/").content.decode()
    assert f"/admin/industry/agreement/{amendment.pk}/change/" in html
    assert 'value="cancelled"' not in html  # cancelling is the action, with a date and a reason
    listing = client.get(AGREEMENTS).content.decode()
    assert f'<a href="/admin/industry/agreement/{parent.pk}/change/">#{parent.pk}</a>' in listing
