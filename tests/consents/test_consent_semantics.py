"""Consent state comes from the ledger in the order it was recorded, and includes the form version
(README, "Consent semantics"): a back-dated event is refused, clock skew between two systems
cannot revive a withdrawn consent, and a consent on a superseded form version is not valid —
for the re-consent list, new enrolments, reopening and the register export alike."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from consents import selectors, services
from consents.models import ConsentEvent, ConsentForm, Enrolment, Participant
from consents.services.export import participation_export
from consents.services.integration import integration_client_create

from .conftest import SYNTHETIC

pytestmark = pytest.mark.django_db

URL = "/api/v1/integration/"
NUMBER = SYNTHETIC[0]


@pytest.fixture
def api(site):
    _client, token = integration_client_create(name="EPJ", organisations=[site.organisation])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def _post(api, endpoint: str, body):
    return api.post(URL + endpoint, body, format="json")


def _consent(site, *, at: dt.datetime, version: str = "1.0") -> dict:
    return {
        "national_id": NUMBER,
        "study": site.study.public_id,
        "event": "given",
        "form_version": version,
        "occurred_at": at.isoformat(),
    }


def _withdrawal(site, *, at) -> dict:
    return {
        "national_id": NUMBER,
        "study": site.study.public_id,
        "event": "withdrawn",
        "scope": "stop_participation",
        "occurred_at": at if isinstance(at, str) else at.isoformat(),
    }


def _enrolment(site, *, on: dt.date) -> dict:
    return {
        "national_id": NUMBER,
        "study": site.study.public_id,
        "site_orgnr": site.organisation.orgnr,
        "included_on": on.isoformat(),
    }


def _person() -> Participant:
    return Participant.objects.get(pseudonym=services.participant_pseudonym(national_id=NUMBER))


def _month() -> dict:
    today = timezone.localdate()
    return {"period_start": today.replace(day=1), "period_end": today}


def _exported_pseudonyms(tmp_path) -> set[str]:
    result = participation_export(period=f"{timezone.localdate():%Y-%m}", directory=tmp_path)
    return {
        json.loads(line)["export_pseudonym"]
        for path in result.files
        for line in open(path).read().splitlines()
    }


def _version_2(site, *, effective: dt.date) -> ConsentForm:
    return ConsentForm.objects.create(
        study=site.study,
        version_label="2.0",
        language="nb",
        approved_on=effective - dt.timedelta(days=1),
        effective_from=effective,
    )


# --- recording order ------------------------------------------------------------------------------


def test_a_withdrawal_back_dated_to_1900_after_a_consent_is_refused_with_a_message(
    frozen_now, api, site, consent_form
):
    assert (
        _post(api, "consents/", _consent(site, at=frozen_now - dt.timedelta(days=2))).status_code
        == 201
    )
    assert _post(api, "enrolments/", _enrolment(site, on=frozen_now.date())).status_code == 201

    response = _post(api, "consents/", _withdrawal(site, at="1900-01-01T00:00:00Z"))

    assert response.status_code == 400, response.content
    message = " ".join(response.json()["errors"][0]["errors"]["occurred_at"])
    assert "før siste registrerte hendelse" in message and "14.11.2026 kl. 12:00" in message
    assert not ConsentEvent.objects.filter(kind=ConsentEvent.Kind.WITHDRAWN).exists()
    assert Enrolment.objects.get().status == Enrolment.Status.INCLUDED


def test_a_withdrawal_stamped_minutes_before_the_consent_it_follows_still_withdraws(
    frozen_now, api, site, consent_form, tmp_path
):
    """The consent channel's clock is five minutes behind the EHR's: recording order decides."""
    consented = timezone.now() - dt.timedelta(hours=1)
    assert _post(api, "consents/", _consent(site, at=consented)).status_code == 201
    assert _post(api, "enrolments/", _enrolment(site, on=frozen_now.date())).status_code == 201

    response = _post(api, "consents/", _withdrawal(site, at=consented - dt.timedelta(minutes=5)))

    assert response.status_code == 201, response.content
    person = _person()
    assert not selectors.consent_is_active(participant=person, study=site.study)
    assert (
        selectors.consent_state(participant=person, study=site.study)
        == selectors.ConsentState.WITHDRAWN
    )
    again = _post(api, "enrolments/", _enrolment(site, on=frozen_now.date()))
    assert again.status_code == 400
    assert "samtykke" in json.dumps(again.json(), ensure_ascii=False)
    assert not selectors.enrolment_exportable(**_month()).filter(participant=person).exists()
    assert services.export_pseudonym_for(person.pseudonym) not in _exported_pseudonyms(tmp_path)


def test_a_back_dated_consent_after_a_withdrawal_is_refused_by_the_service(
    frozen_now, site, consent_form
):
    person = services.participant_register(national_id=NUMBER)
    services.consent_give(
        participant=person,
        form=consent_form,
        channel="digital",
        occurred_at=timezone.now() - dt.timedelta(days=3),
    )
    services.consent_withdraw(
        participant=person,
        study=site.study,
        scope="stop_participation",
        occurred_at=timezone.now() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        services.consent_give(
            participant=person,
            form=consent_form,
            channel="paper",
            occurred_at=timezone.now() - dt.timedelta(days=2),
        )
    assert "occurred_at" in refused.value.message_dict
    assert not selectors.consent_is_active(participant=person, study=site.study)
    # Within the clock skew the event is taken, and counts as the latest: a new consent.
    again = services.consent_give(
        participant=person,
        form=consent_form,
        channel="paper",
        occurred_at=timezone.now() - dt.timedelta(days=1, minutes=5),
    )
    assert again.kind == ConsentEvent.Kind.GIVEN
    assert selectors.consent_is_active(participant=person, study=site.study)


def test_the_admin_refuses_a_back_dated_withdrawal_on_the_time_field(
    frozen_now, client, site, consent_form
):
    person = services.participant_register(national_id=NUMBER)
    services.consent_give(
        participant=person, form=consent_form, channel="digital", occurred_at=timezone.now()
    )
    admin_user = get_user_model().objects.create_superuser("admin", "a@example.no", "pw-1234-test")
    client.force_login(admin_user)
    three_days_ago = timezone.localdate() - dt.timedelta(days=3)

    response = client.post(
        reverse("admin:consents_consentevent_add"),
        {
            "national_id": NUMBER,
            "study": site.study.pk,
            "kind": "withdrawn",
            "scope": "stop_participation",
            "reason": "burden",
            "occurred_at_0": str(three_days_ago),
            "occurred_at_1": "10:00:00",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "før siste registrerte hendelse" in " ".join(errors["occurred_at"])
    assert not ConsentEvent.objects.filter(kind=ConsentEvent.Kind.WITHDRAWN).exists()


def test_withdrawing_in_the_enrolment_form_on_the_day_of_an_afternoon_consent_withdraws(
    frozen_now, site, consent_form
):
    """The form gives only a date (kept as noon); the consent that day came at three."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    person = services.participant_register(national_id=NUMBER)
    services.consent_give(
        participant=person,
        form=consent_form,
        channel="paper",
        occurred_at=timezone.make_aware(dt.datetime.combine(yesterday, dt.time(15))),
    )
    enrolment = services.enrolment_create(participant=person, site=site, included_on=yesterday)

    services.enrolment_end(
        enrolment=enrolment,
        status=Enrolment.Status.WITHDRAWN,
        ended_on=yesterday,
        withdrawal_scope="stop_participation",
    )

    assert not selectors.consent_is_active(participant=person, study=site.study)
    assert not selectors.enrolment_exportable(**_month()).filter(pk=enrolment.pk).exists()


# --- form version ---------------------------------------------------------------------------------


def _consented_and_enrolled(site, form) -> Enrolment:
    person = services.participant_register(national_id=NUMBER, birth_year=1970)
    services.consent_give(
        participant=person,
        form=form,
        channel="digital",
        occurred_at=timezone.now() - dt.timedelta(days=10),
    )
    return services.enrolment_create(
        participant=person, site=site, included_on=timezone.localdate() - dt.timedelta(days=5)
    )


def test_a_superseded_form_version_flags_re_consent_and_stops_the_export(
    frozen_now, site, consent_form, tmp_path
):
    enrolment = _consented_and_enrolled(site, consent_form)
    person = enrolment.participant
    exported = services.export_pseudonym_for(person.pseudonym)
    assert exported in _exported_pseudonyms(tmp_path)

    v2 = _version_2(site, effective=timezone.localdate() - dt.timedelta(days=1))

    assert list(selectors.participant_needs_reconsent(study=site.study)) == [person]
    assert (
        selectors.consent_state(participant=person, study=site.study)
        == selectors.ConsentState.SUPERSEDED
    )
    assert not selectors.consent_is_active(participant=person, study=site.study)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.INCLUDED  # the status alone does not decide
    assert not selectors.enrolment_exportable(**_month()).filter(pk=enrolment.pk).exists()
    assert exported not in _exported_pseudonyms(tmp_path)

    services.consent_give(participant=person, form=v2, channel="paper", occurred_at=timezone.now())
    assert not selectors.participant_needs_reconsent(study=site.study).exists()
    assert exported in _exported_pseudonyms(tmp_path)


def test_a_version_not_yet_in_force_changes_nothing(frozen_now, site, consent_form):
    enrolment = _consented_and_enrolled(site, consent_form)
    _version_2(site, effective=timezone.localdate() + dt.timedelta(days=7))
    assert selectors.consent_is_active(participant=enrolment.participant, study=site.study)
    assert selectors.enrolment_exportable(**_month()).filter(pk=enrolment.pk).exists()


def test_a_new_enrolment_on_a_superseded_version_is_refused_until_re_consent(
    frozen_now, api, site, consent_form
):
    at = timezone.now() - dt.timedelta(days=10)
    assert _post(api, "consents/", _consent(site, at=at)).status_code == 201
    _version_2(site, effective=timezone.localdate() - dt.timedelta(days=1))
    person = _person()
    with pytest.raises(ValidationError, match="skjemaversjon som er erstattet"):
        services.enrolment_check(participant=person, site=site, included_on=timezone.localdate())
    refused = _post(api, "enrolments/", _enrolment(site, on=timezone.localdate()))
    assert refused.status_code == 400
    assert "erstattet" in json.dumps(refused.json(), ensure_ascii=False)
    assert not Enrolment.objects.exists()

    assert (
        _post(api, "consents/", _consent(site, at=timezone.now(), version="2.0")).status_code == 201
    )
    accepted = _post(api, "enrolments/", _enrolment(site, on=timezone.localdate()))
    assert accepted.status_code == 201, accepted.content


def test_an_ended_enrolment_is_not_reopened_on_a_superseded_version(frozen_now, site, consent_form):
    enrolment = _consented_and_enrolled(site, consent_form)
    services.enrolment_end(
        enrolment=enrolment,
        status=Enrolment.Status.COMPLETED,
        ended_on=timezone.localdate(),
        reason="Ferdig",
    )
    _version_2(site, effective=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="erstattet"):
        services.enrolment_reopen(enrolment=enrolment, user=None, reason="Feil")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


# --- inclusion date -------------------------------------------------------------------------------


def test_inclusion_before_the_consent_was_given_is_refused(frozen_now, api, site, consent_form):
    assert (
        _post(
            api, "consents/", _consent(site, at=timezone.now() - dt.timedelta(days=2))
        ).status_code
        == 201
    )
    response = _post(
        api, "enrolments/", _enrolment(site, on=timezone.localdate() - dt.timedelta(days=60))
    )
    assert response.status_code == 400
    assert "før samtykket ble gitt (14.11.2026)" in json.dumps(response.json(), ensure_ascii=False)
    assert not Enrolment.objects.exists()
    on_the_day = _post(
        api, "enrolments/", _enrolment(site, on=timezone.localdate() - dt.timedelta(days=2))
    )
    assert on_the_day.status_code == 201, on_the_day.content
