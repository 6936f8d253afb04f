import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consents import selectors, services
from consents.models import ConsentEvent, ConsentForm, Enrolment, Participant
from sites.history import save_with_history
from tests.factories import StudySiteFactory
from trials.models import Study, StudySite

from .conftest import SYNTHETIC

pytestmark = pytest.mark.django_db

NOW = timezone.now


def _participant(n=0):
    return services.participant_register(national_id=SYNTHETIC[n], birth_year=1970, sex="female")


def _consent(participant, form, days_ago=10):
    return services.consent_give(
        participant=participant,
        form=form,
        channel="digital",
        occurred_at=NOW() - dt.timedelta(days=days_ago),
    )


def _enrol(participant, site, days_ago=5):
    return services.enrolment_create(
        participant=participant,
        site=site,
        included_on=timezone.localdate() - dt.timedelta(days=days_ago),
    )


def test_only_a_keyed_pseudonym_is_stored(reference_data, settings):
    participant = _participant()
    assert participant.pseudonym != SYNTHETIC[0] and len(participant.pseudonym) == 64
    assert services.participant_register(national_id=SYNTHETIC[0]).pk == participant.pk
    settings.PSEUDONYM_KEY = "another-key-another-key-another-key-!"
    assert services.participant_pseudonym(national_id=SYNTHETIC[0]) != participant.pseudonym


def test_it_includes_a_consenting_participant(site, consent_form):
    participant = _participant()
    _consent(participant, consent_form)
    enrolment = _enrol(participant, site)
    assert enrolment.status == Enrolment.Status.INCLUDED and enrolment.study == site.study
    assert selectors.study_enrolment_counts(study_ids=[site.study_id]) == {site.study_id: 1}


def test_it_rejects_enrolment_without_consent(site, consent_form):
    with pytest.raises(ValidationError, match="ikke gitt gyldig samtykke"):
        _enrol(_participant(), site)


def test_registry_studies_need_no_consent(reference_data):
    site = StudySiteFactory(study__category=Study.Category.REGISTRY)
    assert _enrol(_participant(), site).pk


def test_it_rejects_inclusion_before_approval_and_activation(site, consent_form):
    participant = _participant()
    long_ago = timezone.localdate() - dt.timedelta(days=300)
    consent_form.approved_on = consent_form.effective_from = long_ago
    save_with_history(consent_form, user=None, reason="Eldre godkjenning")
    _consent(participant, consent_form, days_ago=206)
    with pytest.raises(ValidationError) as exc:
        _enrol(participant, site, days_ago=205)
    text = " ".join(exc.value.messages)
    assert "før studien ble godkjent" in text and "før studiestedet ble aktivert" in text


def test_it_rejects_a_site_not_open_for_inclusion(site, consent_form):
    participant = _participant()
    _consent(participant, consent_form)
    site.status = StudySite.Status.CLOSED
    save_with_history(site, user=None, reason="Stengt")
    with pytest.raises(ValidationError, match="ikke åpent for inklusjon"):
        _enrol(participant, site)


def test_one_active_enrolment_per_participant_and_study(site, consent_form):
    participant = _participant()
    _consent(participant, consent_form)
    _enrol(participant, site)
    with pytest.raises(ValidationError, match="allerede inkludert"):
        _enrol(participant, site, days_ago=1)


def test_withdrawal_ends_the_enrolment_and_is_appended_to_the_ledger(
    site, consent_form, mailoutbox
):
    participant = _participant()
    _consent(participant, consent_form)
    enrolment = _enrol(participant, site)
    services.consent_withdraw(
        participant=participant,
        study=site.study,
        scope=ConsentEvent.Scope.STOP_DATA_COLLECTION,
        reason="burden",
        occurred_at=NOW(),
    )
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    assert enrolment.ended_on == timezone.localdate()
    assert not selectors.consent_is_active(participant=participant, study=site.study)
    kinds = list(participant.consent_events.order_by("id").values_list("kind", flat=True))
    assert kinds == ["given", "withdrawn"]
    assert participant.erasure_due_on is None


def test_the_ledger_cannot_be_edited_or_deleted(site, consent_form):
    event = _consent(_participant(), consent_form)
    event.channel = "paper"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        ConsentEvent.objects.filter(pk=event.pk).update(channel="paper")
    with pytest.raises(PermissionError):
        ConsentEvent.objects.all().delete()


def test_a_new_form_version_flags_participants_to_re_consent(site, consent_form):
    first, second = _participant(0), _participant(1)
    _consent(first, consent_form)
    _consent(second, consent_form)
    assert not selectors.participant_needs_reconsent(study=site.study).exists()
    v2 = ConsentForm.objects.create(
        study=site.study,
        version_label="2.0",
        language="nb",
        approved_on=timezone.localdate() - dt.timedelta(days=3),
        effective_from=timezone.localdate() - dt.timedelta(days=2),
    )
    assert set(selectors.participant_needs_reconsent(study=site.study)) == {first, second}
    event = services.consent_give(participant=first, form=v2, channel="paper", occurred_at=NOW())
    assert event.kind == ConsentEvent.Kind.RECONSENTED
    assert list(selectors.participant_needs_reconsent(study=site.study)) == [second]
    with pytest.raises(ValidationError, match="erstattet av 2.0"):
        services.consent_give(
            participant=_participant(2), form=consent_form, channel="paper", occurred_at=NOW()
        )


def test_a_deletion_request_erases_identifying_data_by_the_deadline(site, consent_form, settings):
    settings.CONSENT_ERASURE_DAYS = 30
    participant = _participant()
    _consent(participant, consent_form)
    _enrol(participant, site)
    services.reservation_register(participant=participant, scope="recruitment", registered_at=NOW())
    services.consent_withdraw(
        participant=participant, study=site.study, scope="delete_data", occurred_at=NOW()
    )
    participant.refresh_from_db()
    today = timezone.localdate()
    assert participant.erasure_due_on == today + dt.timedelta(days=30)
    assert services.participant_erase_due(today=today + dt.timedelta(days=29)) == 0
    assert services.participant_erase_due(today=today + dt.timedelta(days=30)) == 1
    participant.refresh_from_db()
    assert participant.erased_at and participant.pseudonym.startswith("erased-")
    assert participant.birth_year is None and participant.home_municipality is None
    # Anonymous counts remain; the ledger ends with a tombstone holding no personal data.
    assert Enrolment.objects.filter(study=site.study).count() == 1
    tombstone = participant.consent_events.order_by("-id").first()
    assert tombstone.kind == ConsentEvent.Kind.ERASED and tombstone.form is None
    # The person's reservation outlives the erasure.
    keeper = Participant.objects.get(
        pseudonym=services.participant_pseudonym(national_id=SYNTHETIC[0])
    )
    assert keeper.reservations.filter(lifted_at__isnull=True).count() == 1
    assert keeper.birth_year is None and not keeper.enrolments.exists()


def test_the_demo_participation_loads_twice_without_changes(reference_data):
    from consents.demo import demo_participation_load
    from trials.demo import demo_portfolio_load

    demo_portfolio_load(count=40)
    first = demo_participation_load()
    assert first["enrolments"] > 0
    count = Enrolment.objects.count()
    assert demo_participation_load()["enrolments"] == 0 and Enrolment.objects.count() == count


def test_the_demo_activity_for_the_indicators_is_loaded_once(reference_data):
    import random

    from consents.demo import demo_activity_participation_load
    from trials.demo import demo_portfolio_load

    demo_portfolio_load(count=20)
    today = timezone.localdate()
    enrolled = demo_activity_participation_load(rng=random.Random(1), today=today, max_per_site=3)
    assert enrolled == Enrolment.objects.count() > 0
    assert not Enrolment.objects.filter(included_on__gt=today).exists()
    again = demo_activity_participation_load(rng=random.Random(1), today=today, max_per_site=3)
    assert again == 0 and Enrolment.objects.count() == enrolled
