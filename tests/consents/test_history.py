"""Participants, consent forms, the ledger and reservations keep a history with old → new values."""

import datetime as dt

import pytest
from django.utils import timezone

from consents import services
from consents.models import ConsentEvent, Participant, Reservation
from sites.history import save_with_history

from .conftest import SYNTHETIC

pytestmark = pytest.mark.django_db


def _changes(history_rows) -> dict[str, tuple]:
    newest, previous = history_rows[0], history_rows[1]
    return {c.field: (c.old, c.new) for c in newest.diff_against(previous).changes}


def test_a_participant_change_is_kept_with_old_and_new_values(reference_data):
    participant = services.participant_register(
        national_id=SYNTHETIC[0], birth_year=1970, sex="female"
    )
    services.participant_register(national_id=SYNTHETIC[0], birth_year=1971)
    rows = list(participant.history.order_by("-history_date", "-history_id"))
    assert [r.history_type for r in rows] == ["~", "+"]
    assert _changes(rows) == {"birth_year": (1970, 1971)}
    assert rows[0].history_change_reason


def test_the_participant_history_holds_no_pseudonym(reference_data):
    history = Participant.history.model
    assert "pseudonym" not in {f.name for f in history._meta.fields}


def test_a_consent_form_change_is_kept_with_old_and_new_values(consent_form):
    consent_form.text = "Jeg samtykker til å delta, og til at data lagres i ti år."
    save_with_history(consent_form, user=None, reason="Rettet skrivefeil")
    rows = list(consent_form.history.order_by("-history_date", "-history_id"))
    assert _changes(rows) == {
        "text": ("Jeg samtykker til å delta.", consent_form.text),
    }
    assert rows[0].history_change_reason == "Rettet skrivefeil"


def test_every_ledger_row_has_a_history_row_with_a_reason(consent_form):
    participant = services.participant_register(national_id=SYNTHETIC[1], birth_year=1980)
    event = services.consent_give(
        participant=participant,
        form=consent_form,
        channel=ConsentEvent.Channel.DIGITAL,
        occurred_at=timezone.now() - dt.timedelta(days=1),
    )
    (row,) = event.history.all()
    assert row.history_type == "+" and row.history_change_reason == "Samtykke gitt"


def test_a_reservation_and_its_lift_are_kept_in_the_history(reference_data):
    participant = services.participant_register(national_id=SYNTHETIC[2])
    registered = timezone.now() - dt.timedelta(days=3)
    reservation = services.reservation_register(
        participant=participant, scope=Reservation.Scope.REGISTER, registered_at=registered
    )
    lifted = timezone.now() - dt.timedelta(days=1)
    assert (
        services.reservation_lift(
            participant=participant, scope=Reservation.Scope.REGISTER, lifted_at=lifted
        )
        == 1
    )
    rows = list(reservation.history.order_by("-history_date", "-history_id"))
    assert [r.history_type for r in rows] == ["~", "+"]
    assert _changes(rows) == {"lifted_at": (None, lifted)}
    assert rows[0].history_change_reason


def test_erasure_reaches_the_history_but_leaves_the_ledger(site, consent_form, settings):
    """After erasure no history row holds the person's demographics, and no history row ties the
    reservation that outlives them (kept under their pseudonym) to the erased participant."""
    settings.CONSENT_ERASURE_DAYS = 30
    participant = services.participant_register(
        national_id=SYNTHETIC[3], birth_year=1955, sex="male"
    )
    services.participant_register(national_id=SYNTHETIC[3], birth_year=1956)
    services.consent_give(
        participant=participant,
        form=consent_form,
        channel=ConsentEvent.Channel.PAPER,
        occurred_at=timezone.now() - dt.timedelta(days=2),
    )
    reservation = services.reservation_register(
        participant=participant, scope=Reservation.Scope.RECRUITMENT, registered_at=timezone.now()
    )
    services.consent_withdraw(
        participant=participant, study=site.study, scope="delete_data", occurred_at=timezone.now()
    )
    ledger_before = list(participant.consent_events.values_list("pk", "kind"))
    due = timezone.localdate() + dt.timedelta(days=30)

    assert services.participant_erase_due(today=due) == 1

    rows = Participant.history.filter(id=participant.pk)
    assert rows.count() >= 4  # created, corrected, erasure requested, erased
    assert set(rows.values_list("birth_year", "sex", "home_municipality")) == {
        (None, Participant.Sex.UNKNOWN, None)
    }
    keeper = Reservation.objects.get(pk=reservation.pk).participant
    assert keeper.pk != participant.pk
    assert set(reservation.history.values_list("participant_id", flat=True)) == {keeper.pk}
    # The ledger keeps every row it had, and gains its tombstone.
    ledger_after = list(participant.consent_events.values_list("pk", "kind"))
    assert set(ledger_before) < set(ledger_after)
    assert ConsentEvent.Kind.ERASED in {kind for _pk, kind in ledger_after}
    assert ConsentEvent.history.filter(participant_id=participant.pk, kind="erased").exists()


def test_demo_participants_and_enrolments_start_with_a_history_row(reference_data):
    from consents.models import Enrolment
    from indicators.demo import demo_activity_load
    from trials.demo import demo_portfolio_load

    demo_portfolio_load(count=20)
    demo_activity_load(max_per_site=2)
    assert Participant.objects.exists()
    assert Participant.history.filter(history_type="+").count() == Participant.objects.count()
    assert Enrolment.history.filter(history_type="+").count() == Enrolment.objects.count()
