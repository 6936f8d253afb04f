import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _sign_in(client, token: str = ""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "forsker", "password": PASSWORD, "otp_token": token},
    )


def test_staff_without_a_device_enrol_an_authenticator_app_before_they_see_the_admin(
    client, staff, two_factor
):
    assert _sign_in(client).status_code == 302
    assert client.get("/admin/").status_code == 302  # not verified yet
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response.url == "/admin/totp/enrol/"

    page = client.get("/admin/totp/enrol/")
    assert page.status_code == 200
    assert (
        "<svg" in page.content.decode() and "Registrer autentiseringsapp" in page.content.decode()
    )
    device = TOTPDevice.objects.get(user=staff, confirmed=False)

    confirmed = client.post("/admin/totp/enrol/", {"token": _code(device)})
    assert confirmed.status_code == 302 and confirmed.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).count() == 1


def test_an_enrolled_user_needs_the_code_and_a_replayed_code_is_refused(client, staff, two_factor):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    no_code = _sign_in(client)
    assert no_code.status_code == 200
    assert "Skriv inn engangskoden" in no_code.content.decode()

    code = _code(device)
    assert _sign_in(client, code).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")

    replay = _sign_in(client, code)
    assert replay.status_code == 200
    assert "allerede brukt" in replay.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_password_alone_never_opens_the_admin_for_enrolled_staff(client, staff, two_factor):
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client.force_login(staff)  # a session with the password only
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    # and enrolment of a second device is not a way round it
    assert client.get("/admin/totp/enrol/").status_code == 302
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_the_demo_switch_turns_two_factor_off(client, staff, settings):
    settings.REQUIRE_2FA = False
    assert _sign_in(client).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_does_not_confirm_the_device(client, staff, two_factor):
    _sign_in(client)
    client.get("/admin/totp/enrol/")
    device = TOTPDevice.objects.get(user=staff)
    wrong = "000000" if _code(device) != "000000" else "111111"
    response = client.post("/admin/totp/enrol/", {"token": wrong})
    assert "Koden stemmer ikke" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/").status_code == 302


def test_the_qr_code_is_inline_svg_without_scripts(client, staff, two_factor):
    _sign_in(client)
    html = client.get("/admin/totp/enrol/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script on the enrolment page"
