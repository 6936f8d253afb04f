"""The reservation (opt-out) registry."""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sites.history import save_with_history

from ..models import IntegrationClient, Participant, Reservation


@transaction.atomic
def reservation_register(
    *,
    participant: Participant,
    scope: str,
    registered_at: dt.datetime,
    user: User | None = None,
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
def reservation_lift(
    *,
    participant: Participant,
    scope: str,
    lifted_at: dt.datetime,
    user: User | None = None,
    reason: str = "",
    client: IntegrationClient | None = None,
) -> int:
    """Lift a person's active reservation for a scope; returns how many were lifted.

    Each lift is saved with history: who lifted it (a user, or the integrated system named in the
    reason) and why.
    """
    reservations = list(
        Reservation.objects.select_for_update()
        .filter(participant=participant, scope=scope, lifted_at__isnull=True)
        .order_by("pk")
    )
    if not reservations:
        raise ValidationError(_("Personen har ingen aktiv reservasjon for dette omfanget."))
    reason = (reason or "").strip()
    if not reason:
        reason = (
            _("Opphevet via %(client)s.") % {"client": client.name}
            if client is not None
            else _("Reservasjonen ble opphevet.")
        )
    for reservation in reservations:
        reservation.lifted_at = lifted_at
        save_with_history(reservation, user=user, reason=reason, update_fields=["lifted_at"])
    return len(reservations)
