import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _post(client, password, address="10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "forsker", "password": password},
        REMOTE_ADDR=address,
    )


def test_repeated_failures_lock_the_username_from_every_address_until_an_admin_unlocks(
    client, staff, settings, security_log, django_user_model
):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert _post(client, "wrong-password").status_code == 200
    locked = _post(client, "wrong-password")
    assert locked.status_code == 429
    assert "For mange mislykkede innlogginger" in locked.content.decode()
    # The right password does not help, from that address or any other (the lock is on the
    # account; tests/sites/security/test_client_addresses.py: it lifts after the cool-off).
    assert _post(client, PASSWORD).status_code == 429
    assert _post(client, PASSWORD, address="10.0.0.2").status_code == 429

    events = security_log.events()
    lockout = next(e for e in events if e["event"] == "lockout")
    assert lockout["user"] == "forsker" and lockout["address"] == "10.0.0.1" and lockout["time"]
    assert not any("wrong-password" in line or PASSWORD in line for line in security_log.lines)

    # An administrator unlocks sooner in the admin by deleting the attempt.
    admin = django_user_model.objects.create_superuser("sjef", password=PASSWORD)
    client.force_login(admin)
    attempt = AccessAttempt.objects.get(username="forsker")
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    client.logout()
    assert _post(client, PASSWORD, address="10.0.0.2").status_code == 302


def test_sign_ins_and_failures_are_logged_as_json_without_the_password(client, staff, security_log):
    _post(client, "not-the-password")
    _post(client, PASSWORD)
    events = security_log.events()
    failed = next(e for e in events if e["event"] == "login_failed")
    ok = next(e for e in events if e["event"] == "login_succeeded")
    assert failed["user"] == ok["user"] == "forsker"
    assert failed["address"] == "10.0.0.1" and failed["level"] == "WARNING"
    assert not any("not-the-password" in line for line in security_log.lines)


def test_role_and_permission_changes_and_refused_access_are_logged(
    client, staff, security_log, coordinator_vest
):
    from django.contrib.auth.models import Permission

    staff.is_superuser = False
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="view_study"))
    coordinator_vest.scope.role = "observer"
    coordinator_vest.scope.save()
    by_event = {e["event"]: e for e in security_log.events()}
    assert by_event["user_role_changed"]["changes"] == {"is_superuser": False}
    assert by_event["permissions_changed"]["target_user"] == "forsker"
    assert by_event["scope_changed"]["role"] == "observer"

    client.force_login(staff)
    response = client.get("/admin/auth/user/add/")
    assert response.status_code == 403
    refused = [e for e in security_log.events() if e["event"] == "access_refused"]
    assert (
        refused
        and refused[0]["user"] == "forsker"
        and refused[0]["path"] == "/admin/auth/user/add/"
    )


def test_session_cookies_are_secure_httponly_and_samesite(client, staff):
    response = _post(client, PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    csrf = client.get("/admin/login/").cookies.get("csrftoken") or client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"


def test_an_idle_session_ends_after_30_minutes(client, staff):
    start = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(staff)
        assert client.get("/admin/").status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/admin/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        assert client.get("/admin/").status_code == 302


def test_a_busy_session_still_ends_after_8_hours(client, staff):
    start = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(staff)
        for _ in range(8 * 60 // 20):
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get("/admin/").status_code == 200
        traveller.shift(dt.timedelta(minutes=20))
        assert client.get("/admin/").status_code == 302


def test_a_deactivated_user_is_signed_out_on_the_next_request(client, staff):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    staff.is_active = False
    staff.save()
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session
