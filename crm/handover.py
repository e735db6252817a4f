"""The staff-handover interface: every app that gives people work lists it here.

When someone leaves (R-ARC-12), everything they own or hold open — archives, follow-ups,
complaints, work orders, reading rounds — must pass to successors before the departure
completes. Each app registers one HandoverSource:

    open_items(user)           -> list[HandoverItem] still held by `user`
    transfer(items, to, by)    -> moves the given items to `to` (a service, one transaction)

The departure workflow and the "open work" page read every source through `open_work`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class HandoverItem:
    source: str  # HandoverSource.key
    pk: int
    label: str
    url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class HandoverSource:
    key: str
    label: str
    open_items: Callable[[object], Sequence[HandoverItem]]
    transfer: Callable[..., int]
    order: int = 100


_sources: dict[str, HandoverSource] = {}


def register(source: HandoverSource) -> None:
    _sources[source.key] = source


def sources() -> list[HandoverSource]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.key))


def source(key: str) -> HandoverSource:
    return _sources[key]


def open_work(user) -> list[tuple[HandoverSource, Sequence[HandoverItem]]]:
    """Every source with what `user` still holds there (sources with nothing left included)."""
    return [(src, src.open_items(user)) for src in sources()]


def open_count(user) -> int:
    return sum(len(items) for _src, items in open_work(user))
