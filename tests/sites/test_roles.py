"""Roles are Django groups whose permissions come from the table in sites/roles.py."""

import io

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal

from sites.models import Organisation, UserScope
from sites.roles import GRANTS, GROUP_NAMES, role_permissions, roles_sync, user_scope_assign

pytestmark = pytest.mark.django_db

Role = UserScope.Role
PORTFOLIO_APPS = {"sites", "trials", "consents", "indicators"}


def _group_permissions(role: str) -> set[str]:
    group = Group.objects.get(name=GROUP_NAMES[role])
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def _group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_every_model_in_the_admin_has_a_row_in_the_roles_table():
    registered = {
        model._meta.model_name
        for model in admin.site._registry
        if model._meta.app_label in PORTFOLIO_APPS
    }
    assert registered - GRANTS.keys() == set()


def test_sync_gives_each_role_group_exactly_the_tables_permissions():
    Group.objects.filter(name__in=GROUP_NAMES.values()).delete()

    result = roles_sync()

    assert sorted(result.created) == sorted(GROUP_NAMES.values())
    for role in Role:
        assert _group_permissions(role) == role_permissions(role=role)
        assert result.added[GROUP_NAMES[role]] == sorted(role_permissions(role=role))


def test_the_roles_read_as_the_users_expect():
    national = role_permissions(role=Role.NATIONAL_ADMIN)
    nortrials = role_permissions(role=Role.NORTRIALS)
    coordinator = role_permissions(role=Role.REGIONAL_COORDINATOR)
    staff = role_permissions(role=Role.ORGANISATION_STAFF)
    observer = role_permissions(role=Role.OBSERVER)

    assert {"trials.delete_study", "sites.add_userscope", "indicators.change_indicator"} <= national
    assert {"industry.delete_feasibilityrequest", "industry.change_agreement"} <= nortrials
    assert "trials.view_study" in nortrials and "trials.change_study" not in nortrials
    assert {
        "trials.add_study",
        "trials.change_studysite",
        "consents.add_consentevent",
    } <= coordinator
    assert coordinator == staff
    assert not any(p.split(".")[1].startswith("delete_") for p in coordinator)
    assert (
        "sites.change_region" not in coordinator
        and "trials.change_healthcategory" not in coordinator
    )
    assert "indicators.change_indicatorsnapshot" not in coordinator | national
    assert "consents.change_consentevent" not in coordinator | national  # the ledger only grows
    assert all(p.split(".")[1].startswith("view_") for p in observer)
    assert "consents.view_participant" not in observer | nortrials


def test_a_second_sync_changes_nothing():
    roles_sync()

    result = roles_sync()

    assert not result.changed
    assert result.created == [] and result.added == {} and result.removed == {}


def test_a_permission_added_to_a_role_group_by_hand_is_removed_by_the_next_sync():
    roles_sync()
    group = Group.objects.get(name=GROUP_NAMES[Role.OBSERVER])
    group.permissions.add(Permission.objects.get(codename="delete_study"))

    result = roles_sync()

    assert result.removed == {GROUP_NAMES[Role.OBSERVER]: ["trials.delete_study"]}
    assert _group_permissions(Role.OBSERVER) == role_permissions(role=Role.OBSERVER)


def test_a_permission_taken_from_a_role_group_by_hand_is_given_back():
    roles_sync()
    group = Group.objects.get(name=GROUP_NAMES[Role.REGIONAL_COORDINATOR])
    group.permissions.remove(Permission.objects.get(codename="change_study"))

    result = roles_sync()

    assert result.added == {GROUP_NAMES[Role.REGIONAL_COORDINATOR]: ["trials.change_study"]}


def test_sync_leaves_groups_that_are_not_roles_alone():
    other = Group.objects.create(name="Prosjektgruppe")
    other.permissions.add(Permission.objects.get(codename="view_study"))

    roles_sync()

    assert list(other.permissions.values_list("codename", flat=True)) == ["view_study"]


def test_the_sync_roles_command_says_what_it_changed_and_then_that_nothing_did():
    Group.objects.filter(name=GROUP_NAMES[Role.OBSERVER]).delete()
    first, second = io.StringIO(), io.StringIO()

    call_command("sync_roles", stdout=first)
    call_command("sync_roles", stdout=second)

    assert "Opprettet gruppen «Lesetilgang»." in first.getvalue()
    assert "«Lesetilgang»:" in first.getvalue() and "trials.view_study" in first.getvalue()
    assert second.getvalue().strip() == "Rollegruppene var allerede i samsvar med sites/roles.py."


def test_migrate_brings_the_role_groups_back():
    Group.objects.filter(name__in=GROUP_NAMES.values()).delete()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what migrate sends

    for role in Role:
        assert _group_permissions(role) == role_permissions(role=role)


def test_assigning_a_role_moves_the_user_between_the_role_groups(helse_vest):
    hf = Organisation.objects.filter(region=helse_vest, kind=Organisation.Kind.HF).first()
    user = get_user_model().objects.create_user(username="forsker-vest", is_staff=True)
    own = Group.objects.create(name="Prosjektgruppe")
    user.groups.add(own)

    user_scope_assign(user=user, role=Role.REGIONAL_COORDINATOR, region=helse_vest)
    assert _group_names(user) == {"Regional koordinator", "Prosjektgruppe"}
    assert user.has_perm("trials.change_study")

    scope = user_scope_assign(user=user, role=Role.ORGANISATION_STAFF, organisation=hf)
    assert _group_names(user) == {"Forskningsstøtte i organisasjon", "Prosjektgruppe"}
    assert (scope.role, scope.region, scope.organisation) == (Role.ORGANISATION_STAFF, None, hf)

    user_scope_assign(user=user, role=Role.OBSERVER, region=helse_vest)
    assert _group_names(user) == {"Lesetilgang", "Prosjektgruppe"}
    assert not user.has_perm("trials.change_study") and user.has_perm("trials.view_study")
    assert UserScope.objects.filter(user=user).count() == 1


def test_assigning_the_same_role_again_writes_nothing(helse_vest):
    user = get_user_model().objects.create_user(username="forsker-vest", is_staff=True)
    user_scope_assign(user=user, role=Role.REGIONAL_COORDINATOR, region=helse_vest)
    history = UserScope.history.filter(user=user).count()

    user_scope_assign(user=user, role=Role.REGIONAL_COORDINATOR, region=helse_vest)

    assert UserScope.history.filter(user=user).count() == history
    assert _group_names(user) == {"Regional koordinator"}


def test_a_coordinator_without_a_region_is_refused(reference_data):
    from django.core.exceptions import ValidationError

    user = get_user_model().objects.create_user(username="uten-region", is_staff=True)

    with pytest.raises(ValidationError):
        user_scope_assign(user=user, role=Role.REGIONAL_COORDINATOR)
    assert not user.groups.exists() and not UserScope.objects.filter(user=user).exists()


def test_the_history_names_who_assigned_the_role(helse_vest):
    actor = get_user_model().objects.create_user(username="nasjonal", is_superuser=True)
    user = get_user_model().objects.create_user(username="forsker-vest", is_staff=True)

    user_scope_assign(user=user, role=Role.OBSERVER, region=helse_vest, actor=actor)

    assert UserScope.history.filter(user=user).latest("history_date").history_user == actor


def test_the_coordinator_fixture_is_in_the_coordinator_group(coordinator_vest):
    assert _group_names(coordinator_vest) == {"Regional koordinator"}


def test_the_demo_users_end_in_their_role_groups(reference_data, settings):
    settings.DEBUG = True
    Group.objects.filter(name__in=GROUP_NAMES.values()).delete()
    out = io.StringIO()

    call_command("create_demo_users", stdout=out)
    call_command("create_demo_users", stdout=io.StringIO())  # a second run changes nothing

    users = get_user_model().objects
    assert _group_names(users.get(username="admin")) == {"Nasjonal administrator"}
    assert _group_names(users.get(username="nortrials")) == {"NorTrials-sekretariatet"}
    for username in (
        "koordinator-sor-ost",
        "koordinator-vest",
        "koordinator-midt-norge",
        "koordinator-nord",
    ):
        user = users.get(username=username)
        assert _group_names(user) == {"Regional koordinator"}
        assert user.scope.role == Role.REGIONAL_COORDINATOR and user.scope.region is not None
    assert _group_permissions(Role.REGIONAL_COORDINATOR) == role_permissions(
        role=Role.REGIONAL_COORDINATOR
    )
    assert "koordinator-vest" in out.getvalue() and "nortrials" in out.getvalue()
