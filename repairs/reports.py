"""The breach report (R-REP-06): how many clocks broke per technician, per type and per month,
against how many ran, with server-rendered SVG bar charts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from repairs.models import Clock, ClockKind, ClockState

BAR_HEIGHT = 22
LABEL_WIDTH = 200
CHART_WIDTH = 640
TEXT_ROOM = 120  # room right of the longest bar for "3 / 20 (15%)"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    total: int
    y: int
    width: int

    @property
    def rate(self) -> int:
        return round(100 * self.value / self.total) if self.total else 0

    @property
    def text_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    return start, timezone.make_aware(dt.datetime(year + 1, 1, 1))


def measured(year: int):
    """Clocks due in `year` that finished, or passed their limit while still running."""
    start, end = year_bounds(year)
    now = timezone.now()
    return Clock.objects.filter(due_at__gte=start, due_at__lt=end).filter(
        Q(state__in=[ClockState.MET, ClockState.BROKEN])
        | Q(breached_at__isnull=False, due_at__lt=now)
    )


def _bars(rows: list[tuple[str, int, int]]) -> dict:
    top = max((value for _l, value, _t in rows), default=0) or 1
    scale = (CHART_WIDTH - LABEL_WIDTH - TEXT_ROOM) / top
    bars = [
        Bar(label, value, total, 4 + i * (BAR_HEIGHT + 6), round(value * scale))
        for i, (label, value, total) in enumerate(rows)
    ]
    return {
        "bars": bars,
        "height": 8 + len(bars) * (BAR_HEIGHT + 6),
        "width": CHART_WIDTH,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "label_x": LABEL_WIDTH - 6,
    }


def by_kind(year: int) -> dict:
    counts = (
        measured(year)
        .values("kind")
        .annotate(total=Count("pk"), broken=Count("pk", filter=Q(breached_at__isnull=False)))
    )
    found = {row["kind"]: row for row in counts}
    rows = [
        (str(kind.label), found.get(kind, {}).get("broken", 0), found.get(kind, {}).get("total", 0))
        for kind in ClockKind
    ]
    return _bars(rows)


def by_person(year: int) -> dict:
    counts = (
        measured(year)
        .values("responsible__name", "responsible__username")
        .annotate(total=Count("pk"), broken=Count("pk", filter=Q(breached_at__isnull=False)))
        .order_by("-broken", "responsible__name")
    )
    rows = [
        (
            row["responsible__name"] or row["responsible__username"] or "—",
            row["broken"],
            row["total"],
        )
        for row in counts
    ]
    return _bars(rows[:15])


def by_month(year: int) -> dict:
    counts = (
        measured(year)
        .annotate(month=TruncMonth("due_at"))
        .values("month")
        .annotate(total=Count("pk"), broken=Count("pk", filter=Q(breached_at__isnull=False)))
    )
    # TruncMonth works in the current time zone (Shanghai), so .month is the local month.
    found = {row["month"].month: row for row in counts}
    top = max((row["broken"] for row in found.values()), default=0) or 1
    plot_height, step, top_room = 140, 40, 20
    columns = []
    for month in range(1, 13):
        row = found.get(month, {"broken": 0, "total": 0})
        height = round(row["broken"] * plot_height / top)
        columns.append(
            {
                "month": month,
                "broken": row["broken"],
                "total": row["total"],
                "x": 30 + (month - 1) * step,
                "y": top_room + plot_height - height,
                "height": height,
                "text_y": top_room + plot_height - height - 4,
            }
        )
    return {
        "columns": columns,
        "width": 30 + 12 * step,
        "height": top_room + plot_height + 30,
        "base_y": top_room + plot_height,
        "label_y": top_room + plot_height + 18,
        "bar_width": step - 12,
    }


def breaches(year: int, limit: int = 50):
    return (
        measured(year)
        .filter(breached_at__isnull=False)
        .select_related("order", "responsible")
        .order_by("-due_at")[:limit]
    )
