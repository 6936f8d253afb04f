"""The reservation (opt-out) registry."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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
    reservation.save()
    return reservation


@transaction.atomic
def reservation_lift(*, participant: Participant, scope: str, lifted_at: dt.datetime) -> int:
    """Lift a person's active reservation for a scope; returns how many were lifted."""
    count = Reservation.objects.filter(
        participant=participant, scope=scope, lifted_at__isnull=True
    ).update(lifted_at=lifted_at)
    if not count:
        raise ValidationError(_("Personen har ingen aktiv reservasjon for dette omfanget."))
    return count
