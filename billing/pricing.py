"""Pricing a period's gas: tariffs by date, residential tiers on the annual volume (阶梯气价).

Pure functions on plain data, so the monthly run prices 100,000 accounts without a query each.

- The days billed are those after the previous reading up to and including this one.
- Where a price changes inside the period, or a new year starts (the annual volume starts
  again from zero), the period is split and the volume shared out by days.
- Each segment fills the tiers from the account's volume so far that year: a reading that
  crosses 350 m³ is billed partly at each price.
- Every line is rounded to the fen (ROUND_HALF_UP); the charge is the sum of the lines, so
  the printed statement adds up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
ONE_DAY = dt.timedelta(days=1)


class MissingTariff(Exception):
    def __init__(self, user_type: str, day: dt.date):
        self.user_type = user_type
        self.day = day
        super().__init__(f"no tariff for {user_type} on {day}")


@dataclass(frozen=True)
class TierPrice:
    tier: int
    up_to: Decimal | None  # annual cumulative m³ where the tier ends; None: no end
    price: Decimal


@dataclass(frozen=True)
class PriceList:
    tariff_id: int
    user_type: str
    valid_from: dt.date
    valid_to: dt.date | None
    tiers: tuple[TierPrice, ...]

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @classmethod
    def from_tariff(cls, tariff) -> PriceList:
        tiers = sorted(tariff.tiers.all(), key=lambda t: t.tier)
        return cls(
            tariff_id=tariff.pk,
            user_type=tariff.user_type,
            valid_from=tariff.valid_from,
            valid_to=tariff.valid_to,
            tiers=tuple(TierPrice(t.tier, t.up_to, t.price) for t in tiers),
        )


@dataclass(frozen=True)
class Line:
    year: int
    start: dt.date
    end: dt.date
    tariff_id: int
    tier: int
    volume: Decimal
    price: Decimal
    amount: Decimal


def fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def load_price_lists(user_type: str | None = None) -> dict[str, list[PriceList]]:
    """Every tariff with its tiers, by user type, in two queries."""
    from billing.models import Tariff

    tariffs = Tariff.objects.prefetch_related("tiers").order_by("valid_from")
    if user_type:
        tariffs = tariffs.filter(user_type=user_type)
    by_type: dict[str, list[PriceList]] = {}
    for tariff in tariffs:
        by_type.setdefault(tariff.user_type, []).append(PriceList.from_tariff(tariff))
    return by_type


def _segments(
    user_type: str, first: dt.date, last: dt.date, price_lists: Sequence[PriceList]
) -> list[tuple[dt.date, dt.date, PriceList]]:
    """Split the days first..last where the tariff changes or a year ends."""
    segments = []
    day = first
    while day <= last:
        current = next((p for p in price_lists if p.covers(day)), None)
        if current is None or not current.tiers:
            raise MissingTariff(user_type, day)
        end = min(last, dt.date(day.year, 12, 31))
        if current.valid_to is not None:
            end = min(end, current.valid_to)
        following = [p.valid_from for p in price_lists if day < p.valid_from <= end]
        if following:
            end = min(following) - ONE_DAY
        segments.append((day, end, current))
        day = end + ONE_DAY
    return segments


def _share_by_days(volume: Decimal, days: Sequence[int]) -> list[Decimal]:
    """Volume per segment in proportion to its days; the last takes the rounding remainder."""
    total = sum(days)
    shares = [fen(volume * n / total) for n in days[:-1]]
    return [*shares, volume - sum(shares, ZERO)]


def _fill_tiers(tiers: Iterable[TierPrice], before: Decimal, volume: Decimal):
    """(tier, volume in it) for `volume` on top of `before` this year."""
    lower = ZERO
    after = before + volume
    tiers = list(tiers)
    for index, tier in enumerate(tiers):
        # The last tier has no end, whatever was entered: no gas may go unbilled.
        upper = None if index == len(tiers) - 1 else tier.up_to
        start = max(before, lower)
        end = after if upper is None else min(after, upper)
        if end > start:
            yield tier, end - start
        if upper is None or after <= upper:
            return
        lower = upper


def price_period(
    *,
    user_type: str,
    start: dt.date,
    end: dt.date,
    volume: Decimal,
    annual_before: Mapping[int, Decimal],
    price_lists: Sequence[PriceList],
) -> list[Line]:
    """The lines of gas used after the reading of `start` up to the reading of `end`.

    `annual_before` holds the account's billed volume of each year before this period.
    """
    first = start + ONE_DAY if end > start else end
    segments = _segments(user_type, first, end, price_lists)
    shares = _share_by_days(volume, [(b - a).days + 1 for a, b, _p in segments])
    used = dict(annual_before)
    lines = []
    for (seg_start, seg_end, price_list), share in zip(segments, shares, strict=True):
        year = seg_start.year
        before = used.get(year, ZERO)
        for tier, portion in _fill_tiers(price_list.tiers, before, share):
            lines.append(
                Line(
                    year=year,
                    start=seg_start,
                    end=seg_end,
                    tariff_id=price_list.tariff_id,
                    tier=tier.tier,
                    volume=portion,
                    price=tier.price,
                    amount=fen(portion * tier.price),
                )
            )
        used[year] = before + share
    return lines


def total(lines: Iterable[Line]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)
