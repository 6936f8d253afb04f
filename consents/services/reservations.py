"""The reservation (opt-out) registry."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sites.history import save_with_history, update_with_history

from ..models import IntegrationClient, Participant, Reservation


@transaction.atomic
def reservation_register(
    *,
    participant: Participant,
    scope: str,
    registered_at: dt.datetime,
    user: AbstractBaseUser | None = None,
    client: IntegrationClient | None = None,
) -> Reservation:
    """Reserve a person against a secondary use. Registering the same reservation again is a no-op."""
    existing = Reservation.objects.filter(
        participant=participant, scope=scope, lifted_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    reservation = Reservation(
        participant=participant,
        scope=scope,
        registered_at=registered_at,
        recorded_by=user,
        recorded_via=client,
    )
    reservation.full_clean()
    save_with_history(reservation, user=user, reason=_("Reservert."))
    return reservation


@transaction.atomic
def reservation_lift(*, participant: Participant, scope: str, lifted_at: dt.datetime) -> int:
    """Lift a person's active reservation for a scope; returns how many were lifted."""
    count = update_with_history(
        Reservation.objects.filter(participant=participant, scope=scope, lifted_at__isnull=True),
        values={"lifted_at": lifted_at},
        user=None,
        reason=_("Reservasjonen ble opphevet."),
    )
    if not count:
        raise ValidationError(_("Personen har ingen aktiv reservasjon for dette omfanget."))
    return count
