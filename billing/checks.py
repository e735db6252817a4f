"""The sanity checks that stop a bad reading from billing (R-BIL-02): each failure holds the
reading for review with its reason, never silently bills a wrong volume."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from billing.models import BillingPolicy, HoldReason, Reading, ReadingStatus, Statement

AVERAGE_WINDOW_DAYS = 365


def previous_reading(meter, *, before: dt.date | None = None) -> Reading | None:
    """The meter's latest accepted reading (on or before `before`): what a new one follows.

    Comparing on the same meter is what makes a meter change safe: after a replacement the
    new meter's first reading is the baseline, so a low figure is not "lower".
    """
    readings = Reading.objects.filter(meter=meter, status=ReadingStatus.ACCEPTED)
    if before is not None:
        readings = readings.filter(read_on__lte=before)
    return readings.order_by("-read_on", "-pk").first()


def average_daily_use(account, *, before: dt.date, min_periods: int) -> Decimal | None:
    """m³ a day over the account's statements of the past year; None without enough history."""
    since = before - dt.timedelta(days=AVERAGE_WINDOW_DAYS)
    statements = Statement.objects.filter(
        account=account, period_end__gt=since, period_end__lte=before
    ).values_list("volume", "period_start", "period_end")
    rows = list(statements)
    if len(rows) < min_periods:
        return None
    days = sum((end - start).days for _v, start, end in rows)
    if days <= 0:
        return None
    return sum((volume for volume, _s, _e in rows), Decimal(0)) / days


def _fmt(value: Decimal, places: str = "0.01") -> str:
    return str(Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def hold_reasons(
    *,
    value: Decimal,
    read_on: dt.date,
    meter,
    previous: Reading | None,
    average_daily: Decimal | None,
    policy: BillingPolicy,
) -> list[dict]:
    """[{"code": …, "params": {…}}] for every check the reading fails; empty if it passes."""
    if previous is None:
        return [{"code": HoldReason.NO_PREVIOUS, "params": {"meter": meter.number}}]
    reasons = []
    previous_on = previous.read_on.isoformat()
    if value < previous.value:
        reasons.append(
            {
                "code": HoldReason.LOWER,
                "params": {
                    "value": _fmt(value),
                    "previous": _fmt(previous.value),
                    "previous_on": previous_on,
                },
            }
        )
    days = (read_on - previous.read_on).days
    if days >= policy.long_gap_days:
        reasons.append(
            {
                "code": HoldReason.LONG_GAP,
                "params": {"days": days, "previous_on": previous_on, "limit": policy.long_gap_days},
            }
        )
    used = value - previous.value
    if average_daily and days > 0 and used > 0:
        daily = used / days
        if daily > average_daily * policy.jump_multiple:
            reasons.append(
                {
                    "code": HoldReason.JUMP,
                    "params": {
                        "daily": _fmt(daily),
                        "multiple": _fmt(policy.jump_multiple, "0.1"),
                        "average": _fmt(average_daily),
                    },
                }
            )
    return reasons


def billed_volume_in_year(account, year: int) -> Decimal:
    from billing.models import StatementLine

    total = StatementLine.objects.filter(account=account, year=year).aggregate(v=Sum("volume"))["v"]
    return total or Decimal("0.00")
