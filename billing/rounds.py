"""The reader's round (抄表路线): which accounts are due this month, whose window is open
today, which are done, held or late — in a fixed number of queries, for the phone screen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, Subquery

from billing.models import (
    AccountStatus,
    GasAccount,
    Meter,
    Reading,
    ReadingKind,
    ReadingSchedule,
    ReadingStatus,
)

ORDER = {"open": 0, "late": 1, "held": 2, "upcoming": 3, "done": 4}


@dataclass
class Stop:
    account: GasAccount
    state: str  # open, late, held, upcoming, done
    window: tuple[dt.date, dt.date]

    @property
    def meter(self) -> Meter | None:
        meters = getattr(self.account, "current_meters", [])
        return meters[0] if meters else None


def month_of(on: dt.date) -> tuple[dt.date, dt.date]:
    start = on.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def due_schedules(on: dt.date) -> dict[str, ReadingSchedule]:
    return {
        user_type: schedule
        for user_type, schedule in ReadingSchedule.all_types().items()
        if schedule.is_due_in(on.year, on.month)
    }


def _latest(queryset, field: str, output_field=None):
    return Subquery(
        queryset.order_by("-read_on", "-pk").values(field)[:1], output_field=output_field
    )


def accounts_due(on: dt.date, schedules: dict[str, ReadingSchedule]):
    start, end = month_of(on)
    accepted = Reading.objects.filter(account=OuterRef("pk"), status=ReadingStatus.ACCEPTED)
    this_month = Reading.objects.filter(
        account=OuterRef("pk"),
        kind=ReadingKind.REGULAR,
        read_on__range=(start, end),
        status__in=[ReadingStatus.ACCEPTED, ReadingStatus.HELD],
    )
    return (
        GasAccount.objects.filter(status=AccountStatus.ACTIVE, user_type__in=list(schedules))
        .for_list()
        .prefetch_related(
            Prefetch(
                "meters", Meter.objects.filter(removed_on__isnull=True), to_attr="current_meters"
            )
        )
        .annotate(
            last_value=_latest(accepted, "value", DecimalField(max_digits=12, decimal_places=2)),
            last_on=_latest(accepted, "read_on"),
            month_status=_latest(this_month, "status"),
            month_reading_id=_latest(this_month, "pk"),
        )
    )


def round_for(user, on: dt.date, *, everyone: bool = False) -> list[Stop]:
    schedules = due_schedules(on)
    accounts = accounts_due(on, schedules)
    if not everyone:
        accounts = accounts.filter(reader=user)
    stops = []
    for account in accounts:
        if account.last_value is not None:
            # SQLite hands subquery decimals back as floats: show them to the fen.
            account.last_value = Decimal(account.last_value).quantize(Decimal("0.01"))
        schedule = schedules[account.user_type]
        first, last = schedule.window(on.year, on.month)
        if account.opened_on >= first:
            continue  # opened with its first reading this month: read from next month
        if account.month_status == ReadingStatus.ACCEPTED:
            state = "done"
        elif account.month_status == ReadingStatus.HELD:
            state = "held"
        elif on < first:
            state = "upcoming"
        elif on > last:
            state = "late"
        else:
            state = "open"
        stops.append(Stop(account, state, (first, last)))
    stops.sort(key=lambda s: (ORDER[s.state], s.account.place, s.account.pk))
    return stops


def summary(stops: list[Stop]) -> dict[str, int]:
    counts = dict.fromkeys(ORDER, 0)
    for stop in stops:
        counts[stop.state] += 1
    return counts
