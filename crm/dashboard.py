"""The role dashboards are made of panels that each app registers for the roles that use it.

An app adds its panel in its AppConfig.ready():

    dashboard.register(Panel(key="followups.today", title=_("Today's calls"),
                             template="visits/panels/today.html", roles={Role.SALES_CONSULTANT},
                             context=today_calls_context, order=10))

`context(request)` returns the panel's template context (querysets already narrowed through
crm.permissions) or None to hide the panel for this user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from crm.roles import roles_of


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    context: Callable[[object], dict | None]
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: everyone
    order: int = 100
    wide: bool = False
    superuser: bool = False  # also shown to superusers whatever their roles

    def shown_to(self, user) -> bool:
        if not self.roles:
            return True
        return bool(roles_of(user) & self.roles) or (self.superuser and user.is_superuser)


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels_for(request) -> list[dict]:
    rendered = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        if not panel.shown_to(request.user):
            continue
        context = panel.context(request)
        if context is None:
            continue
        rendered.append({"panel": panel, "context": context})
    return rendered
