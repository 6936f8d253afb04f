"""Sign-in rules: TOTP enrolment and verification (django-otp), and who must use a second factor."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .security_log import security_event


def second_factor_required(*, user: AbstractBaseUser) -> bool:
    """Every staff account needs a second factor unless the demo switch is off."""
    return bool(settings.REQUIRE_2FA and getattr(user, "is_staff", False))


def totp_device_has_confirmed(*, user: AbstractBaseUser) -> bool:
    return user_has_device(user, confirmed=True)


@transaction.atomic
def totp_device_start_enrolment(*, user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed device the user is enrolling; reused on reload so the QR code stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, request, device: TOTPDevice, token: str) -> bool:
    """Confirm the enrolling device with a first code and mark this session as verified."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        security_event("totp_enrolment_failed", request=request, user=device.user, level=30)
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    otp_login(request, device)
    security_event("totp_enrolled", request=request, user=device.user)
    return True


def totp_verify(*, request, user: AbstractBaseUser, token: str) -> bool:
    """Check a sign-in code against the user's confirmed devices; a code is accepted only once."""
    device = match_token(user, token)
    if device is None:
        security_event("totp_failed", request=request, user=user, level=30)
        return False
    user.otp_device = device  # type: ignore[attr-defined]  # django-otp's attribute, unknown to the stubs
    return True
