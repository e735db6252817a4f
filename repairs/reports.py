"""The breach report (R-REP-06): how many clocks broke per technician, per type and per month,
against how many ran, with server-rendered SVG bar charts."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import charts
from repairs.models import Clock, ClockKind, ClockState


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


def _bars(title: str, rows: list[tuple[str, int, int]]) -> charts.Chart:
    """One red bar per row: clocks broken, written "broken / measured (share broken)"."""
    return charts.horizontal(
        title,
        [(label, [charts.Value(broken, _said(broken, total))]) for label, broken, total in rows],
        [charts.Series(title, charts.RED)],
        label_width=200,
        label_chars=30,
        bar_height=22,
        legend=False,
    )


def _said(broken: int, total: int) -> str:
    rate = round(100 * broken / total) if total else 0
    return f"{broken} / {total} ({rate}%)"


def by_kind(year: int) -> charts.Chart:
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
    return _bars(_("Broken clocks by type"), rows)


def by_person(year: int) -> charts.Chart:
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
    return _bars(_("Broken clocks by person"), rows[:15])


def by_month(year: int) -> charts.Chart:
    counts = (
        measured(year)
        .annotate(month=TruncMonth("due_at"))
        .values("month")
        .annotate(broken=Count("pk", filter=Q(breached_at__isnull=False)))
    )
    # TruncMonth works in the current time zone (Shanghai), so .month is the local month.
    found = {row["month"].month: row["broken"] for row in counts}
    return charts.vertical(
        _("Broken clocks by month"),
        [(str(month), [found.get(month, 0)]) for month in range(1, 13)],
        [charts.Series(str(ClockState.BROKEN.label), charts.RED)],
        height=200,
    )


def breaches(year: int, limit: int = 50):
    return (
        measured(year)
        .filter(breached_at__isnull=False)
        .select_related("order", "responsible")
        .order_by("-due_at")[:limit]
    )
