"""The back office keeps the rules the services keep: ending and reopening an enrolment, lifting a
reservation, consent form versions in use and participants' birth year and sex – tried as a
coordinator would, through the admin forms."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consents import services
from consents.models import ConsentEvent, ConsentForm, Enrolment, Participant, Reservation
from consents.selectors import enrolment_exportable
from tests.form_post import post_changed

from .conftest import SYNTHETIC

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 16)  # frozen_now
NOVEMBER = {"period_start": dt.date(2026, 11, 1), "period_end": dt.date(2026, 11, 30)}


def _grant(user):
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["consents", "trials"],
            codename__in=[
                f"{action}_{model}"
                for action in ("view", "add", "change")
                for model in ("enrolment", "participant", "consentform", "reservation")
            ]
            + ["view_consentevent"],
        )
    )
    return user


def _enrolled(site, consent_form, n=0) -> Enrolment:
    participant = services.participant_register(
        national_id=SYNTHETIC[n], birth_year=1970, sex=Participant.Sex.MALE
    )
    services.consent_give(
        participant=participant,
        form=consent_form,
        channel="digital",
        occurred_at=timezone.now() - dt.timedelta(days=3),
    )
    return services.enrolment_create(
        participant=participant, site=site, included_on=TODAY - dt.timedelta(days=2)
    )


def _change(enrolment: Enrolment) -> str:
    return reverse("admin:consents_enrolment_change", args=[enrolment.pk])


def _exported(enrolment: Enrolment) -> bool:
    return enrolment_exportable(**NOVEMBER).filter(pk=enrolment.pk).exists()


def _field_errors(response, field: str) -> str:
    return " ".join(response.context["adminform"].form.errors.get(field, []))


# --- enrolments: ending ---------------------------------------------------------------------------


def test_withdrawing_in_the_enrolment_form_is_a_withdrawal_of_consent_with_an_end_date(
    frozen_now, client, site, consent_form, coordinator_vest
):
    enrolment = _enrolled(site, consent_form)
    assert _exported(enrolment)
    client.force_login(_grant(coordinator_vest))

    response = post_changed(
        client,
        _change(enrolment),
        "enrolment_form",
        status="withdrawn",
        ended_on=TODAY.isoformat(),
        withdrawal_scope="stop_participation",
        withdrawal_reason="burden",
        change_reason="Deltakeren ringte og trakk seg",
    )

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.ended_on) == (Enrolment.Status.WITHDRAWN, TODAY)
    event = ConsentEvent.objects.filter(
        participant=enrolment.participant, study=enrolment.study
    ).first()
    assert (event.kind, event.scope, event.reason) == ("withdrawn", "stop_participation", "burden")
    assert event.recorded_by == coordinator_vest
    assert not _exported(enrolment)  # out of the register export at once


def test_withdrawing_in_the_enrolment_form_asks_what_the_withdrawal_covers(
    frozen_now, client, site, consent_form, coordinator_vest
):
    enrolment = _enrolled(site, consent_form)
    client.force_login(_grant(coordinator_vest))
    response = post_changed(
        client,
        _change(enrolment),
        "enrolment_form",
        status="withdrawn",
        ended_on=TODAY.isoformat(),
        withdrawal_scope="",
        change_reason="Trakk seg",
    )
    assert response.status_code == 200
    assert "Velg hva tilbaketrekkingen omfatter" in _field_errors(response, "withdrawal_scope")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.INCLUDED
    assert not ConsentEvent.objects.filter(kind="withdrawn").exists()


def test_completing_an_enrolment_needs_an_end_date_and_records_who_and_why(
    frozen_now, client, site, consent_form, coordinator_vest
):
    enrolment = _enrolled(site, consent_form)
    client.force_login(_grant(coordinator_vest))
    url = _change(enrolment)

    no_date = post_changed(
        client, url, "enrolment_form", status="completed", ended_on="", change_reason="Ferdig"
    )
    assert no_date.status_code == 200
    assert "Oppgi datoen" in _field_errors(no_date, "ended_on")

    response = post_changed(
        client,
        url,
        "enrolment_form",
        status="completed",
        ended_on=TODAY.isoformat(),
        end_reason="Siste kontroll gjennomført",
        change_reason="Studieforløpet er fullført",
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.ended_on, enrolment.end_reason) == (
        Enrolment.Status.COMPLETED,
        TODAY,
        "Siste kontroll gjennomført",
    )
    latest = enrolment.history.first()
    assert latest.history_user == coordinator_vest
    assert latest.history_change_reason == "Studieforløpet er fullført"


def test_an_end_date_before_inclusion_is_a_field_error_not_a_server_error(
    frozen_now, client, site, consent_form, coordinator_vest
):
    enrolment = _enrolled(site, consent_form)
    client.force_login(_grant(coordinator_vest))
    response = post_changed(
        client,
        _change(enrolment),
        "enrolment_form",
        status="completed",
        ended_on=(enrolment.included_on - dt.timedelta(days=5)).isoformat(),
        change_reason="Ferdig",
    )
    assert response.status_code == 200
    assert "Sluttdato kan ikke være før inklusjonsdato (14.11.2026)" in _field_errors(
        response, "ended_on"
    )
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.INCLUDED and enrolment.ended_on is None


# --- enrolments: reopening ------------------------------------------------------------------------


def test_a_withdrawn_participant_is_not_set_back_to_included_without_new_consent(
    frozen_now, client, site, consent_form, coordinator_vest
):
    enrolment = _enrolled(site, consent_form)
    services.consent_withdraw(
        participant=enrolment.participant,
        study=enrolment.study,
        scope="stop_participation",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
    )
    client.force_login(_grant(coordinator_vest))

    response = post_changed(
        client,
        _change(enrolment),
        "enrolment_form",
        status="included",
        ended_on="",
        change_reason="Registrert feil",
    )

    assert response.status_code == 200
    assert "Registrer nytt samtykke" in _field_errors(response, "status")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert not _exported(enrolment)  # still out of the register export


def test_a_completed_enrolment_with_valid_consent_is_reopened_with_a_reason(
    frozen_now, client, site, consent_form, coordinator_vest
):
    enrolment = _enrolled(site, consent_form)
    services.enrolment_end(enrolment=enrolment, status="completed", ended_on=TODAY, reason="Ferdig")
    client.force_login(_grant(coordinator_vest))

    response = post_changed(
        client,
        _change(enrolment),
        "enrolment_form",
        status="included",
        change_reason="Avsluttet ved en feil",
    )

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.ended_on, enrolment.end_reason) == ("included", None, "")
    latest = enrolment.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        coordinator_vest,
        "Avsluttet ved en feil",
    )


def test_reopening_is_refused_by_the_service_when_consent_is_withdrawn(
    frozen_now, site, consent_form, coordinator_vest
):
    enrolment = _enrolled(site, consent_form)
    services.enrolment_end(
        enrolment=enrolment,
        status="withdrawn",
        ended_on=TODAY,
        withdrawal_scope="stop_data_collection",
        user=coordinator_vest,
    )
    with pytest.raises(ValidationError, match="ikke gyldig samtykke"):
        services.enrolment_reopen(enrolment=enrolment, user=coordinator_vest, reason="Feil")
    # New consent on the form makes it possible again.
    services.consent_give(
        participant=enrolment.participant,
        form=consent_form,
        channel="paper",
        occurred_at=timezone.now(),
    )
    reopened = services.enrolment_reopen(enrolment=enrolment, user=coordinator_vest, reason="Nytt")
    assert reopened.status == Enrolment.Status.INCLUDED and _exported(reopened)


# --- reservations ---------------------------------------------------------------------------------


def test_lifting_reservations_asks_why_and_records_who_and_why(
    frozen_now, client, site, consent_form, coordinator_vest
):
    participant = _enrolled(site, consent_form).participant
    reservation = services.reservation_register(
        participant=participant,
        scope=Reservation.Scope.REGISTER,
        registered_at=timezone.now() - dt.timedelta(days=10),
    )
    client.force_login(_grant(coordinator_vest))
    url = reverse("admin:consents_reservation_changelist")
    selected = {"action": "lift", "_selected_action": [reservation.pk]}

    asked = client.post(url, selected)
    assert asked.status_code == 200 and "Begrunnelse for endringen" in asked.content.decode()
    reservation.refresh_from_db()
    assert reservation.lifted_at is None  # nothing lifted before a reason is given

    no_reason = client.post(url, {**selected, "apply": "1", "reason": ""})
    assert no_reason.status_code == 200 and "Dette feltet er påkrevd" in no_reason.content.decode()
    reservation.refresh_from_db()
    assert reservation.lifted_at is None

    done = client.post(
        url, {**selected, "apply": "1", "reason": "Personen ba om det på telefon"}, follow=True
    )
    assert "1 reservasjoner opphevet." in [str(m) for m in done.context["messages"]]
    reservation.refresh_from_db()
    assert reservation.lifted_at is not None
    latest = reservation.history.first()
    assert latest.history_user == coordinator_vest
    assert latest.history_change_reason == "Personen ba om det på telefon"
    assert latest.lifted_at is not None and latest.prev_record.lifted_at is None


# --- consent form versions ------------------------------------------------------------------------


def test_a_consent_form_someone_consented_on_cannot_be_changed_only_replaced(
    frozen_now, client, site, consent_form, coordinator_vest
):
    _enrolled(site, consent_form)
    client.force_login(_grant(coordinator_vest))
    url = reverse("admin:consents_consentform_change", args=[consent_form.pk])

    response = post_changed(
        client,
        url,
        "consentform_form",
        text="Jeg samtykker til alt.",
        effective_from=(TODAY - dt.timedelta(days=200)).isoformat(),
        approved_on=(TODAY - dt.timedelta(days=200)).isoformat(),
        change_reason="Retter teksten",
    )

    assert response.status_code == 200
    assert "Legg inn en ny versjon" in _field_errors(response, "text")
    assert "Legg inn en ny versjon" in _field_errors(response, "effective_from")
    stored = ConsentForm.objects.get(pk=consent_form.pk)
    assert stored.text == "Jeg samtykker til å delta."
    assert stored.effective_from == consent_form.effective_from


def test_the_service_refuses_changes_to_a_version_in_use_but_not_to_an_unused_one(
    frozen_now, site, consent_form, coordinator_vest
):
    unused = ConsentForm.objects.create(
        study=site.study,
        version_label="1.0",
        language="en",
        approved_on=TODAY,
        effective_from=TODAY,
        text="I agree.",
    )
    _enrolled(site, consent_form)
    consent_form.version_label = "1.0b"
    with pytest.raises(ValidationError, match="brukt i 1 samtykke og kan ikke endres"):
        services.consent_form_save(form=consent_form, user=coordinator_vest, reason="Ny etikett")
    unused.text = "I agree to take part."
    services.consent_form_save(form=unused, user=coordinator_vest, reason="Skrivefeil")
    assert ConsentForm.objects.get(pk=unused.pk).text == "I agree to take part."


# --- participants ---------------------------------------------------------------------------------


def test_correcting_a_participants_birth_year_and_sex_needs_a_reason_and_a_plausible_year(
    frozen_now, client, site, consent_form, coordinator_vest
):
    participant = _enrolled(site, consent_form).participant
    client.force_login(_grant(coordinator_vest))
    url = reverse("admin:consents_participant_change", args=[participant.pk])

    no_reason = post_changed(
        client, url, "participant_form", birth_year=1971, sex="female", change_reason=""
    )
    assert no_reason.status_code == 200
    assert "hvorfor" in _field_errors(no_reason, "change_reason")

    for year in (1850, 2027):
        implausible = post_changed(
            client, url, "participant_form", birth_year=year, change_reason="Feil år"
        )
        assert implausible.status_code == 200
        assert "mellom 1900 og 2026" in _field_errors(implausible, "birth_year")

    participant.refresh_from_db()
    assert (participant.birth_year, participant.sex) == (1970, "male")

    done = post_changed(
        client,
        url,
        "participant_form",
        birth_year=1971,
        sex="female",
        change_reason="Feil i papirskjemaet",
    )
    assert done.status_code == 302
    participant.refresh_from_db()
    assert (participant.birth_year, participant.sex) == (1971, "female")
    latest = participant.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        coordinator_vest,
        "Feil i papirskjemaet",
    )
    assert (latest.prev_record.birth_year, latest.prev_record.sex) == (1970, "male")
