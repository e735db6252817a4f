"""The vocabulary of the URL sweep (tests/access/test_url_sweep.py): how a route is declared,
and the World its ids come from. Each app declares its routes in tests/access/routes/<app>.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archives.models import Attachment, Customer, CustomerPhone, FamilyMember

Kwargs = Callable[["World"], dict]
USERS = ("anonymous", "outsider", "colleague", "owner", "manager")


@dataclass(frozen=True)
class Route:
    kind: str  # public / staff / private / admin
    kwargs: Kwargs | None = None
    allowed: tuple[str, ...] = ("owner", "manager")
    data: Kwargs | None = None


def Public() -> Route:
    return Route("public")


def Staff(kwargs: Kwargs | None = None, data: Kwargs | None = None) -> Route:
    return Route("staff", kwargs, data=data)


def Private(
    kwargs: Kwargs, allowed: tuple[str, ...] = ("owner", "manager"), data: Kwargs | None = None
) -> Route:
    return Route("private", kwargs, allowed, data)


def Admin() -> Route:
    return Route("admin")


def ARCHIVE(w):
    return {"pk": w.customer.pk}


def REQUEST(w):
    return {"pk": w.access_request.pk}


def DESTRUCTION(w):
    return {"pk": w.destruction.pk}


@dataclass
class World:
    owner: object
    colleague: object
    outsider: object
    manager: object
    keeper: object
    customer: Customer
    phone: CustomerPhone
    member: FamilyMember
    attachment: Attachment
    occupancy: object
    section: object
    unit: object
    project: object
    notification: object
    access_request: object
    destruction: object
    desk: object = None
    secrets: list[str] = field(default_factory=list)
    made: dict[str, object] = field(default_factory=dict)

    def add(self, factory, **fields) -> int:
        return factory(**fields).pk

    def once(self, name: str, make: Callable[[], object]):
        """One object shared by several routes (a complaint for its detail, take and close
        pages): made on first use, the same one after."""
        if name not in self.made:
            self.made[name] = make()
        return self.made[name]
