"""One timeline per customer and per unit (R-ARC-14): everything that happened, newest first.

Each app contributes its entries through one interface. In its AppConfig.ready() it registers

    timeline.register_customer_source(fn)   # fn(customer, user) -> iterable of Entry
    timeline.register_unit_source(fn)       # fn(unit, user) -> iterable of Entry

A source runs one query (or a few), never one per entry, and returns only what `user` may
see: the caller has already opened the customer through crm.permissions.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

LIMIT = 100


@dataclass(frozen=True)
class Entry:
    when: dt.datetime
    kind: str  # a short key used as CSS class and filter: "status", "visit", "repair" …
    title: str
    detail: str = ""
    url: str = ""
    actor: str = ""
    badge: str = ""  # e.g. the app's name: 档案, 回访, 投诉, 维修, 燃气

    @property
    def sort_key(self) -> dt.datetime:
        return self.when

    @property
    def whole_day(self) -> bool:
        """A date without a time of day (as_datetime's midnight): shown without "00:00"."""
        return timezone.localtime(self.when).time() == dt.time()


Source = Callable[[object, object], Iterable[Entry]]
_customer_sources: list[Source] = []
_unit_sources: list[Source] = []


def register_customer_source(source: Source) -> Source:
    if source not in _customer_sources:
        _customer_sources.append(source)
    return source


def register_unit_source(source: Source) -> Source:
    if source not in _unit_sources:
        _unit_sources.append(source)
    return source


def as_datetime(value) -> dt.datetime:
    """Dates become the start of that day in Shanghai, so they sort among datetimes."""
    if isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value, dt.time()))


def _merge(sources: list[Source], subject, user, limit: int) -> list[Entry]:
    streams = [
        sorted(source(subject, user), key=lambda e: e.when, reverse=True) for source in sources
    ]
    merged = heapq.merge(*streams, key=lambda e: e.when, reverse=True)
    return [entry for _, entry in zip(range(limit), merged, strict=False)]


def for_customer(customer, user, limit: int = LIMIT) -> list[Entry]:
    return _merge(_customer_sources, customer, user, limit)


def for_unit(unit, user, limit: int = LIMIT) -> list[Entry]:
    return _merge(_unit_sources, unit, user, limit)
