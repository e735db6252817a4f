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
    entries = [
        {"label": item.label, "url": reverse(item.url_name), "active": False, "key": item.key}
        for item in sorted(_items.values(), key=lambda i: (i.order, i.key))
        if item.allowed(user)
    ]
    # One entry is current: the one whose address is the longest start of the page's (the
    # access log at /archives/access-log/, not also the customers at /archives/).
    matching = [
        entry
        for entry in entries
        if (current_path.startswith(entry["url"]) if entry["url"] != "/" else current_path == "/")
    ]
    if matching:
        max(matching, key=lambda entry: len(entry["url"]))["active"] = True
    return entries
