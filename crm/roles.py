"""Roles are Django groups; this module names them and keeps their permissions in step.

The groups themselves are created by a data migration (crm 0002). Django creates model
permissions only after migrations run, so each app declares the permissions its roles need
as `role_permissions` on its AppConfig, and `sync_role_permissions` grants them after every
`migrate` (idempotent: a permission added to a role in code reaches the database next time).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES_CONSULTANT = "sales_consultant", _("Sales consultant")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    GENERAL_MANAGER = "general_manager", _("General manager")
    ARCHIVE_KEEPER = "archive_keeper", _("Archive keeper")
    FRONT_DESK = "front_desk", _("Front desk")
    ENGINEERING_SUPERVISOR = "engineering_supervisor", _("Engineering supervisor")
    TECHNICIAN = "technician", _("Technician")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    METER_READER = "meter_reader", _("Meter reader")
    CASHIER = "cashier", _("Cashier")
    FINANCE = "finance", _("Finance")


MANAGER_ROLES = frozenset({Role.SALES_MANAGER, Role.GENERAL_MANAGER})
SALES_ROLES = frozenset({Role.SALES_CONSULTANT, Role.SALES_MANAGER})


def roles_of(user) -> frozenset[str]:
    """The user's role names, read once per request object and kept on it."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_snowball_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._snowball_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def role_labels(user) -> list[str]:
    labels = dict(Role.choices)
    return [str(labels[name]) for name in Role.values if name in roles_of(user)]


def declared_role_permissions() -> dict[str, set[str]]:
    """{role: {"app_label.codename", …}} gathered from every app's AppConfig."""
    wanted: dict[str, set[str]] = {role: set() for role in Role.values}
    for config in global_apps.get_app_configs():
        for role, perms in getattr(config, "role_permissions", {}).items():
            wanted[str(role)].update(perms)
    return wanted


def sync_role_permissions(using: str = "default", verbosity: int = 0) -> None:
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    for role, perms in declared_role_permissions().items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = _permission_ids(Permission.objects.using(using), perms)
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted != current:
            group.permissions.set(wanted)
            if verbosity:
                print(f"  role {role}: {len(wanted)} permissions")


def _permission_ids(permissions, names: Iterable[str]) -> set[int]:
    ids = set()
    for name in names:
        app_label, codename = name.split(".", 1)
        pk = (
            permissions.filter(content_type__app_label=app_label, codename=codename)
            .values_list("pk", flat=True)
            .first()
        )
        if pk is None:
            raise LookupError(f"Role permission {name} does not exist; check role_permissions.")
        ids.add(pk)
    return ids
