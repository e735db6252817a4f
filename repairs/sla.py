"""Starting, stopping and sweeping the SLA clocks of §8 (R-REP-06).

A clock starts and stops on recorded events (the call, the notification, the quote, the
arrival, the return of the order); services call `start`, `record` and `stop` in their own
transaction. The beat sweep (`sweep`) warns whoever must act when a running clock reaches its
warning time and reports a clock that passed its limit. Each row is claimed with a conditional
UPDATE, so two sweeps at once never warn twice; on PostgreSQL the candidates are also locked
with SKIP LOCKED so the second sweep moves straight on. A sweep that did not run (broker down)
loses nothing: the rows are still due next time.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import NotificationLevel, User
from crm.notifications import notify
from crm.roles import Role
from repairs.models import Clock, ClockKind, ClockLimit, ClockState, WorkOrder

ONSITE_KINDS = (ClockKind.ONSITE_URGENT, ClockKind.ONSITE_APPOINTMENT, ClockKind.PUBLIC_ONSITE)
BATCH = 200


# §8's limits: (minutes, warn minutes before, time of day). Seeded by migration 0002 as rows an
# administrator changes; a row that is missing (a flushed test database) comes back from here.
POLICY_LIMITS = {
    ClockKind.WRITE: (2, 0, None),
    ClockKind.NOTIFY: (5, 2, None),
    ClockKind.QUOTE: (15, 5, None),
    ClockKind.ONSITE_URGENT: (10, 3, None),
    ClockKind.ONSITE_APPOINTMENT: (5, 15, None),
    ClockKind.PUBLIC_NOTIFY: (10, 3, None),
    ClockKind.PUBLIC_ONSITE: (15, 5, None),
    ClockKind.RETURN: (0, 60, dt.time(17, 0)),
}


def limit_of(kind: str) -> ClockLimit:
    minutes, warn, due_time = POLICY_LIMITS[ClockKind(kind)]
    limit, _created = ClockLimit.objects.get_or_create(
        kind=kind, defaults={"minutes": minutes, "warn_before": warn, "due_time": due_time}
    )
    return limit


def due_for(order: WorkOrder, kind: str, limit: ClockLimit, start: dt.datetime) -> dt.datetime:
    if kind == ClockKind.ONSITE_APPOINTMENT:
        return order.appointment_at - dt.timedelta(minutes=limit.minutes)
    if kind == ClockKind.RETURN:
        local = timezone.localtime(start)
        due = timezone.make_aware(dt.datetime.combine(local.date(), limit.due_time))
        # Work finished after 17:00 comes back by 17:00 the next day.
        return due if due > start else due + dt.timedelta(days=1)
    return start + dt.timedelta(minutes=limit.minutes)


def start(order: WorkOrder, kind: str, *, at: dt.datetime, responsible=None) -> Clock:
    limit = limit_of(kind)
    due = due_for(order, kind, limit, at)
    warn_at = max(at, due - dt.timedelta(minutes=limit.warn_before))
    return Clock.objects.create(
        order=order,
        kind=kind,
        started_at=at,
        due_at=due,
        warn_at=warn_at,
        limit_minutes=limit.minutes,
        warn_minutes=limit.warn_before,
        responsible=responsible,
    )


def record(order: WorkOrder, kind: str, *, started: dt.datetime, stopped: dt.datetime, by=None):
    """A clock whose start and stop are both known at once (writing and notifying)."""
    clock = start(order, kind, at=started, responsible=by)
    return stop(order, kind, at=stopped, by=by) or clock


def stop(order: WorkOrder, kinds, *, at: dt.datetime, by=None) -> Clock | None:
    """Stop the running clock of `kinds` (one kind or several); met or broken by `at`."""
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    clock = order.clocks.filter(kind__in=kinds, state=ClockState.RUNNING).first()
    if clock is None:
        return None
    broken = at > clock.due_at
    changes = {"stopped_at": at, "state": ClockState.BROKEN if broken else ClockState.MET}
    if broken:
        changes["breached_at"] = Coalesce(F("breached_at"), F("due_at"))
    if by is not None and clock.responsible_id is None:
        changes["responsible"] = by
    Clock.objects.filter(pk=clock.pk, state=ClockState.RUNNING).update(**changes)
    clock.refresh_from_db()
    return clock


def cancel(order: WorkOrder, *, at: dt.datetime) -> int:
    return order.clocks.filter(state=ClockState.RUNNING).update(
        state=ClockState.CANCELLED, stopped_at=at
    )


def set_responsible(order: WorkOrder, person, kinds=ONSITE_KINDS) -> None:
    order.clocks.filter(kind__in=kinds, state=ClockState.RUNNING).update(responsible=person)


def by_deadline(orders) -> list[WorkOrder]:
    """Orders whose running clock ends first come first (orders from `for_list()`)."""
    far = timezone.now() + dt.timedelta(days=3650)
    return sorted(orders, key=lambda o: min((c.due_at for c in o.running_clocks), default=far))


# --- The beat sweep -------------------------------------------------------------------------


def sweep(now: dt.datetime | None = None, batch: int = BATCH) -> tuple[int, int]:
    """Report broken clocks, then warn those about to break. Returns (warned, reported)."""
    now = now or timezone.now()
    reported = _in_batches(_report_batch, now, batch)
    warned = _in_batches(_warn_batch, now, batch)
    return warned, reported


def _in_batches(work, now, batch) -> int:
    total = 0
    while True:
        done, seen = work(now, batch)
        total += done
        if seen < batch:
            return total


def _candidates(queryset, batch: int) -> list[int]:
    if connection.vendor == "postgresql":
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(queryset.order_by("due_at", "pk").values_list("pk", flat=True)[:batch])


@transaction.atomic
def _report_batch(now, batch) -> tuple[int, int]:
    due = Clock.objects.running().filter(breached_at__isnull=True, due_at__lt=now)
    pks = _candidates(due, batch)
    reported = 0
    for pk in pks:
        claimed = Clock.objects.filter(pk=pk, state=ClockState.RUNNING, breached_at__isnull=True)
        if claimed.update(
            breached_at=F("due_at"),
            breach_reported_at=now,
            warned_at=Coalesce(F("warned_at"), F("due_at")),
        ):
            _announce_breach(Clock.objects.select_related("order").get(pk=pk))
            reported += 1
    return reported, len(pks)


@transaction.atomic
def _warn_batch(now, batch) -> tuple[int, int]:
    due = Clock.objects.running().filter(warned_at__isnull=True, warn_at__lte=now, due_at__gte=now)
    pks = _candidates(due, batch)
    warned = 0
    for pk in pks:
        claimed = Clock.objects.filter(pk=pk, state=ClockState.RUNNING, warned_at__isnull=True)
        if claimed.update(warned_at=now):
            _announce_warning(Clock.objects.select_related("order").get(pk=pk), now)
            warned += 1
    return warned, len(pks)


def supervisors():
    return User.objects.working().with_role(Role.ENGINEERING_SUPERVISOR)


def who_must_act(clock: Clock) -> list:
    """Technicians on the job for on-site and return clocks; otherwise the supervisors."""
    order = clock.order
    if clock.kind in (*ONSITE_KINDS, ClockKind.RETURN):
        team = [a.technician for a in order.assignments.select_related("technician")]
        if team:
            return team
    if clock.kind in (ClockKind.WRITE, ClockKind.NOTIFY, ClockKind.PUBLIC_NOTIFY):
        return [order.filled_by]
    return list(supervisors())


def _announce_warning(clock: Clock, now) -> None:
    notify(
        who_must_act(clock),
        _("%(number)s: %(clock)s — %(minutes)s minutes left"),
        body=_("%(location)s · due %(due)s"),
        params=_params(clock, minutes=max(clock.minutes_left(now), 0)),
        url=clock.order.get_absolute_url(),
        level=NotificationLevel.WARNING,
    )


def _announce_breach(clock: Clock) -> None:
    notify(
        [*who_must_act(clock), *supervisors()],
        _("%(number)s: %(clock)s — time limit broken"),
        body=_("%(location)s · due %(due)s"),
        params=_params(clock),
        url=clock.order.get_absolute_url(),
        level=NotificationLevel.URGENT,
    )


def _params(clock: Clock, **extra) -> dict:
    return {
        "number": clock.order.number,
        "clock": ClockKind(clock.kind).label,
        "location": clock.order.location,
        "due": f"{timezone.localtime(clock.due_at):%H:%M}",
        **extra,
    }
