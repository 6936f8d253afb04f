"""The security log names changes to a group's permissions and every refused integration token."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from consents.services.integration import integration_client_create
from sites.models import UserScope
from sites.roles import roles_sync, user_scope_assign

pytestmark = pytest.mark.django_db

URL = "/api/v1/integration/consents/"


def _events(security_log, name: str) -> list[dict]:
    return [e for e in security_log.events() if e["event"] == name]


@pytest.fixture
def group():
    return Group.objects.create(name="Prosjektgruppe")


def _perm(codename: str) -> Permission:
    return Permission.objects.get(codename=codename)


def test_permissions_added_to_and_removed_from_a_group_are_logged_by_name(group, security_log):
    group.permissions.add(_perm("view_study"), _perm("change_study"))
    group.permissions.remove(_perm("change_study"))

    added, removed = _events(security_log, "group_permissions_changed")
    assert added["group"] == removed["group"] == "Prosjektgruppe"
    assert added["action"] == "add"
    assert added["permissions"] == ["trials.change_study", "trials.view_study"]
    assert removed["action"] == "remove" and removed["permissions"] == ["trials.change_study"]
    assert added["level"] == "INFO"


def test_clearing_a_groups_permissions_logs_what_it_had(group, security_log):
    group.permissions.add(_perm("view_study"), _perm("view_organisation"))

    group.permissions.clear()

    cleared = _events(security_log, "group_permissions_changed")[-1]
    assert cleared["action"] == "clear" and cleared["group"] == "Prosjektgruppe"
    assert cleared["permissions"] == ["sites.view_organisation", "trials.view_study"]


def test_a_permission_given_to_groups_from_its_own_side_is_logged_per_group(group, security_log):
    other = Group.objects.create(name="Styringsgruppe")

    _perm("delete_study").group_set.add(group, other)

    events = _events(security_log, "group_permissions_changed")
    assert [(e["group"], e["action"], e["permissions"]) for e in events] == [
        ("Prosjektgruppe", "add", ["trials.delete_study"]),
        ("Styringsgruppe", "add", ["trials.delete_study"]),
    ]


def test_a_group_changed_in_the_admin_names_who_changed_it(client, group, security_log):
    admin_user = get_user_model().objects.create_superuser(
        username="nasjonal", password="pw-for-tests-only-1", email="nasjonal@example.no"
    )
    client.force_login(admin_user)

    response = client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": group.name, "permissions": [_perm("view_study").pk]},
        REMOTE_ADDR="10.0.0.7",
    )

    assert response.status_code == 302
    (event,) = _events(security_log, "group_permissions_changed")
    assert event["user"] == "nasjonal" and event["address"] == "10.0.0.7"
    assert event["permissions"] == ["trials.view_study"]


def test_a_permission_put_back_by_the_role_sync_is_logged(security_log):
    roles_sync()
    coordinators = Group.objects.get(name="Regional koordinator")
    coordinators.permissions.add(_perm("delete_study"))

    roles_sync()

    removed = _events(security_log, "group_permissions_changed")[-1]
    assert removed["group"] == "Regional koordinator" and removed["action"] == "remove"
    assert removed["permissions"] == ["trials.delete_study"]


def test_a_role_assigned_by_a_service_names_the_actor(helse_vest, security_log):
    actor = get_user_model().objects.create_user(username="nasjonal")
    user = get_user_model().objects.create_user(username="forsker-vest", is_staff=True)

    user_scope_assign(
        user=user, role=UserScope.Role.REGIONAL_COORDINATOR, region=helse_vest, actor=actor
    )

    scope = _events(security_log, "scope_changed")[-1]
    groups = _events(security_log, "groups_changed")[-1]
    assert scope["user"] == groups["user"] == "nasjonal"
    assert scope["target_user"] == groups["target_user"] == "forsker-vest"


def test_a_user_moved_to_another_role_is_logged_leaving_one_group_and_joining_the_next(
    helse_vest, security_log
):
    user = get_user_model().objects.create_user(username="forsker-vest", is_staff=True)
    user_scope_assign(user=user, role=UserScope.Role.REGIONAL_COORDINATOR, region=helse_vest)

    user_scope_assign(user=user, role=UserScope.Role.OBSERVER, region=helse_vest)

    moves = [(e["action"], e["groups"]) for e in _events(security_log, "groups_changed")]
    assert moves == [
        ("add", ["Regional koordinator"]),
        ("remove", ["Regional koordinator"]),
        ("add", ["Lesetilgang"]),
    ]


def test_members_added_and_cleared_from_the_groups_side_are_logged_per_user(group, security_log):
    users = get_user_model().objects
    first, second = users.create_user(username="en"), users.create_user(username="to")

    group.user_set.add(first, second)
    group.user_set.clear()

    events = [
        (e["target_user"], e["action"], e["groups"])
        for e in _events(security_log, "groups_changed")
    ]
    assert events == [
        ("en", "add", ["Prosjektgruppe"]),
        ("to", "add", ["Prosjektgruppe"]),
        ("en", "clear", ["Prosjektgruppe"]),
        ("to", "clear", ["Prosjektgruppe"]),
    ]


# --- integrating systems ---------------------------------------------------------------------


def _post(authorization: str | None):
    api = APIClient(REMOTE_ADDR="10.0.0.9")
    if authorization is not None:
        api.credentials(HTTP_AUTHORIZATION=authorization)
    return api.post(URL, [], format="json")


@pytest.mark.parametrize(
    ("authorization", "reason"),
    [
        (None, "missing"),
        ("Token ik_secret-in-the-wrong-scheme", "malformed"),
        ("Bearer ik_secret-with a-space", "malformed"),
        ("Bearer ik_secret-nobody-was-given", "unknown"),
    ],
)
def test_a_refused_integration_token_is_logged_without_the_token(
    authorization, reason, security_log
):
    response = _post(authorization)

    assert response.status_code == 401
    (event,) = _events(security_log, "integration_auth_failed")
    assert event["reason"] == reason and event["level"] == "WARNING"
    assert event["address"] == "10.0.0.9" and event["path"] == URL
    assert event["client"] is None and event["user"] is None
    assert not any("ik_secret" in line for line in security_log.lines)


def test_a_revoked_token_is_logged_with_the_systems_name_but_not_the_token(
    reference_data, security_log
):
    client, token = integration_client_create(name="EPJ Helse Bergen", organisations=[])
    client.is_active = False
    client.save()

    response = _post(f"Bearer {token}")

    assert response.status_code == 401
    (event,) = _events(security_log, "integration_auth_failed")
    assert event["reason"] == "revoked" and event["client"] == "EPJ Helse Bergen"
    assert event["address"] == "10.0.0.9"
    assert not any(token in line or token[3:] in line for line in security_log.lines)


def test_an_accepted_token_is_not_logged_as_refused(reference_data, security_log):
    _client, token = integration_client_create(name="EPJ Helse Bergen", organisations=[])

    response = _post(f"Bearer {token}")

    assert response.status_code != 401
    assert _events(security_log, "integration_auth_failed") == []
