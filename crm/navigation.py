"""The main menu. Each app registers its entries with the roles or permission that may use them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from crm.roles import roles_of


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: every member of staff
    permission: str = ""  # alternatively a Django permission, e.g. "crm.view_unit"
    order: int = 100
    staff_only: bool = False  # Django admin users

    def allowed(self, user) -> bool:
        if self.staff_only:
            return user.is_staff
        if self.permission and user.has_perm(self.permission):
            return True
        if self.roles:
            return bool(roles_of(user) & self.roles)
        return not self.permission


_items: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    for item in items:
        _items[item.key] = item


def menu_for(user, current_path: str = "") -> list[dict]:
    if not user.is_authenticated:
        return []
    entries = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.key)):
        if item.allowed(user):
            url = reverse(item.url_name)
            active = current_path.startswith(url) if url != "/" else current_path == "/"
            entries.append({"label": item.label, "url": url, "active": active, "key": item.key})
    return entries
