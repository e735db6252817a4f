"""Roles are groups made by a data migration; their permissions follow the code."""

import pytest
from django.contrib.auth.models import Group

from crm.roles import Role, declared_role_permissions, has_role, sync_role_permissions


@pytest.mark.django_db
def test_every_role_exists_as_a_group_with_its_declared_permissions():
    declared = declared_role_permissions()
    for role in Role.values:
        group = Group.objects.get(name=role)
        have = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert have == declared[role]


@pytest.mark.django_db
def test_sync_restores_a_permission_removed_by_hand():
    group = Group.objects.get(name=Role.SALES_CONSULTANT)
    group.permissions.clear()
    sync_role_permissions()
    assert group.permissions.filter(codename="view_unit").exists()


@pytest.mark.django_db
def test_has_role(owner, manager):
    assert has_role(owner, Role.SALES_CONSULTANT)
    assert not has_role(owner, Role.SALES_MANAGER)
    assert has_role(manager, Role.SALES_MANAGER, Role.GENERAL_MANAGER)
