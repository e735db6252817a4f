"""Report figures: follow-up completion and on-time rates per caller and per month, the overdue
list, visits by kind and satisfaction per customer, consultant and project (R-VIS-03, 05, 07).

Every figure is computed from querysets already narrowed by crm.permissions, in a fixed
number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import charts
from visits.models import FollowUpStatus, SurveyStatus, VisitKind

DONE = Q(status=FollowUpStatus.DONE)
ON_TIME = DONE & Q(completed_on__lte=F("due_on"))


@dataclass(frozen=True)
class Rate:
    label: str
    due: int
    done: int
    on_time: int
    overdue: int = 0

    @property
    def completion(self) -> float | None:
        return round(100 * self.done / self.due, 1) if self.due else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.due, 1) if self.due else None


def period_start(today: dt.date, months: int) -> dt.date:
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def _due_in(follow_ups, start: dt.date, today: dt.date):
    """Follow-ups that fell due in the period (cancelled ones are no one's failure)."""
    return follow_ups.filter(due_on__gte=start, due_on__lte=today).exclude(
        status=FollowUpStatus.CANCELLED
    )


def _counts():
    return {
        "due": Count("pk"),
        "done": Count("pk", filter=DONE),
        "on_time": Count("pk", filter=ON_TIME),
    }


def by_caller(follow_ups, start: dt.date, today: dt.date) -> list[Rate]:
    rows = (
        _due_in(follow_ups, start, today)
        .values("caller_id", "caller__name", "caller__username")
        .annotate(
            **_counts(),
            overdue=Count("pk", filter=Q(status=FollowUpStatus.OPEN, due_on__lt=today)),
        )
        .order_by("caller__name", "caller_id")
    )
    return [
        Rate(
            row["caller__name"] or row["caller__username"],
            row["due"],
            row["done"],
            row["on_time"],
            row["overdue"],
        )
        for row in rows
    ]


def by_month(follow_ups, start: dt.date, today: dt.date) -> list[Rate]:
    rows = (
        _due_in(follow_ups, start, today)
        .annotate(month=TruncMonth("due_on"))
        .values("month")
        .annotate(**_counts())
        .order_by("month")
    )
    found = {(row["month"].year, row["month"].month): row for row in rows}
    months, cursor = [], start
    while cursor <= today:
        row = found.get((cursor.year, cursor.month), {"due": 0, "done": 0, "on_time": 0})
        months.append(Rate(f"{cursor:%Y-%m}", row["due"], row["done"], row["on_time"]))
        cursor = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def visits_by_kind(logs, start: dt.date) -> list[tuple[str, int]]:
    since = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    counts = dict(
        logs.filter(visited_at__gte=since).values_list("kind").annotate(n=Count("pk")).order_by()
    )
    return [(str(label), counts.get(kind, 0)) for kind, label in VisitKind.choices]


def satisfaction(surveys, follow_ups, start: dt.date, today: dt.date) -> dict:
    done = surveys.filter(status=SurveyStatus.COMPLETED, completed_on__gte=start)
    per = {
        "consultant": done.values("consultant__name", "consultant__username"),
        "project": done.values("project__name"),
        "customer": done.values("customer_id", "customer__name", "customer__number"),
    }
    result = {
        key: list(query.annotate(score=Avg("average"), n=Count("pk")).order_by("-n", "-score")[:20])
        for key, query in per.items()
    }
    calls = _due_in(follow_ups, start, today).filter(satisfaction__isnull=False)
    result["calls"] = list(
        calls.values("caller__name", "caller__username")
        .annotate(score=Avg("satisfaction"), n=Count("pk"))
        .order_by("-n")[:20]
    )
    return result


def rate_charts(callers: list[Rate], months: list[Rate]) -> tuple[charts.Chart, charts.Chart]:
    series = [
        charts.Series(_("Completion rate"), charts.BLUE),
        charts.Series(_("On-time rate"), charts.GREEN),
    ]
    per_caller = charts.horizontal(
        _("Follow-up completion and on-time rate per caller"),
        [(rate.label, [rate.completion, rate.on_time_rate]) for rate in callers],
        series,
        scale=charts.Scale(100, unit="%"),
        width=520,
        label_width=90,
    )
    per_month = charts.vertical(
        _("Follow-up completion and on-time rate per month"),
        [(rate.label[2:], [rate.completion, rate.on_time_rate]) for rate in months],
        series,
        scale=charts.Scale(100, unit="%"),
        width=520,
        height=220,
    )
    return per_caller, per_month


def visits_chart(counts: list[tuple[str, int]]) -> charts.Chart:
    return charts.horizontal(
        _("Visits by kind"),
        [(label, [n]) for label, n in counts],
        [charts.Series(_("Visits"), charts.AMBER)],
        width=420,
        label_width=80,
    )


def score_chart(rows: list[dict], name_key: str, title: str) -> charts.Chart:
    return charts.horizontal(
        title,
        [
            (row.get(name_key) or row.get("consultant__username") or "—", [float(row["score"])])
            for row in rows
            if row["score"] is not None
        ],
        [charts.Series(_("Average score"), charts.GREEN)],
        scale=charts.Scale(5),
        width=420,
        label_width=80,
    )


def report(user_follow_ups, user_logs, user_surveys, *, months: int, today: dt.date) -> dict:
    start = period_start(today, months)
    callers = by_caller(user_follow_ups, start, today)
    per_month = by_month(user_follow_ups, start, today)
    kinds = visits_by_kind(user_logs, start)
    scores = satisfaction(user_surveys, user_follow_ups, start, today)
    caller_chart, month_chart = rate_charts(callers, per_month)
    return {
        "start": start,
        "callers": callers,
        "months": per_month,
        "kinds": kinds,
        "scores": scores,
        "caller_chart": caller_chart,
        "month_chart": month_chart,
        "visits_chart": visits_chart(kinds),
        "score_chart": score_chart(
            scores["consultant"], "consultant__name", _("Survey score per consultant")
        ),
        "overdue": user_follow_ups.overdue(today)
        .select_related("customer", "caller")
        .order_by("due_on", "pk")[:50],
    }
