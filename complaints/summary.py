"""The monthly summary of complaints (R-CMP-05, §11 二(四)): counts by category, department
and severity, time to reply, reopen rate and the return visits started — with the bar charts
drawn as SVG on the server (no scripts, no inline styles)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives.models import CustomerEvent, EventKind
from complaints.models import Category, Kind, Severity, Status
from crm import charts

REPLY_BUCKETS = [
    (dt.timedelta(hours=24), _("Within 24 hours")),
    (dt.timedelta(days=3), _("1 to 3 days")),
    (dt.timedelta(days=7), _("3 to 7 days")),
    (None, _("Over 7 days")),
]


def chart(key: str, title, rows: list[tuple[str, int]]) -> charts.Chart:
    """One bar per row, counted this month."""
    return charts.horizontal(
        str(title),
        [(str(label), [value]) for label, value in rows],
        [charts.Series(str(title))],
        width=480,
        label_width=132,
        bar_height=24,
        legend=False,
        key=key,
    )


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime(year, month, 1))
    following = dt.datetime(year + (month == 12), month % 12 + 1, 1)
    return start, timezone.make_aware(following)


def monthly_summary(visible, year: int, month: int) -> dict:
    """The summary of complaints received in the month, over the rows `visible` allows."""
    start, end = month_bounds(year, month)
    received = visible.filter(filled_at__gte=start, filled_at__lt=end)
    totals = received.aggregate(
        total=Count("pk"),
        complaints=Count("pk", filter=Q(kind=Kind.COMPLAINT)),
        suggestions=Count("pk", filter=Q(kind=Kind.SUGGESTION)),
        major=Count("pk", filter=Q(severity=Severity.MAJOR)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        replied=Count("pk", filter=Q(first_replied_at__isnull=False)),
        late=Count("pk", filter=Q(first_reply_late=True)),
        ever_closed=Count("pk", filter=Q(first_closed_at__isnull=False)),
        reopened=Count("pk", filter=Q(reopen_count__gt=0)),
    )
    by_category = dict(received.values_list("category").annotate(n=Count("pk")))
    by_severity = dict(received.values_list("severity").annotate(n=Count("pk")))
    by_department = list(
        received.values_list("department__name").annotate(n=Count("pk")).order_by("-n")
    )
    reply_times = [
        replied - received_at
        for received_at, replied in received.filter(first_replied_at__isnull=False).values_list(
            "filled_at", "first_replied_at"
        )
    ]
    return {
        "start": start,
        "end": end - dt.timedelta(days=1),
        "totals": totals,
        "reopen_rate": _rate(totals["reopened"], totals["ever_closed"]),
        "on_time_rate": _rate(totals["replied"] - totals["late"], totals["replied"]),
        "average_hours": _average_hours(reply_times),
        "return_visits": _return_visits(visible, start, end),
        "charts": [
            chart(
                "category",
                _("By category"),
                [(label, by_category.get(value, 0)) for value, label in Category.choices],
            ),
            chart(
                "department",
                _("By responsible department"),
                [(name or _("Not yet forwarded"), n) for name, n in by_department],
            ),
            chart(
                "severity",
                _("By severity"),
                [(label, by_severity.get(value, 0)) for value, label in Severity.choices],
            ),
            chart(
                "reply",
                _("Time to the first reply"),
                [
                    *_reply_buckets(reply_times),
                    (_("Not yet replied"), totals["total"] - len(reply_times)),
                ],
            ),
        ],
        "complaints": received.for_list().order_by("filled_at", "pk"),
        "kind_labels": dict(Kind.choices),
    }


def _rate(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _average_hours(durations: list[dt.timedelta]) -> float | None:
    if not durations:
        return None
    return round(sum(d.total_seconds() for d in durations) / len(durations) / 3600, 1)


def _reply_buckets(durations: list[dt.timedelta]) -> list[tuple[str, int]]:
    counts = [0] * len(REPLY_BUCKETS)
    for duration in durations:
        for index, (limit, _label) in enumerate(REPLY_BUCKETS):
            if limit is None or duration <= limit:
                counts[index] += 1
                break
    return [(label, counts[index]) for index, (_limit, label) in enumerate(REPLY_BUCKETS)]


def _return_visits(visible, start, end) -> int:
    """Return visits started by closing the complaints closed this month (R-CMP-05)."""
    closed = visible.filter(
        first_closed_at__gte=start, first_closed_at__lt=end, customer__isnull=False
    ).values_list("pk", flat=True)
    keys = [f"complaints.complaint:{pk}" for pk in closed]
    return CustomerEvent.objects.filter(
        kind=EventKind.COMPLAINT_CLOSED, source_key__in=keys
    ).count()
