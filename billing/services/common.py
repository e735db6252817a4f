"""What every billing service shares: history stamps, the acting user of sweeps, notices."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from crm import workcalendar
from crm.models import EmploymentStatus, User
from crm.roles import Role


def stamp(instance, by, reason="") -> None:
    """Name the user (and reason) on the history row, also outside a request."""
    instance._history_user = by
    if reason:
        instance._change_reason = str(reason)[:100]


def today() -> dt.date:
    return timezone.localdate()


def moment(day: dt.date | None) -> dt.datetime:
    """When a form dated `day` was filled in: now, or that day's office hours if back-dated
    (a payment taken on paper yesterday and entered today is yesterday's payment)."""
    now = timezone.now()
    if day is None or day >= timezone.localdate(now):
        return now
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def next_workday(day: dt.date) -> dt.date:
    return workcalendar.add_workdays(day, 0)


def due_date(issued_on: dt.date, days: int) -> dt.date:
    """A week after the statement (§7 6); a due date on a day off moves to the next workday."""
    return next_workday(issued_on + dt.timedelta(days=days))


def people_with(*roles: str):
    return User.objects.working().with_role(*roles)


def ladder_actor(account) -> User:
    """Whom the arrears ladder acts for: the account's reader, who delivers the notices (§7 8);
    without one, the head of finance; as a last resort an administrator."""
    reader = account.reader
    if (
        reader is not None
        and reader.is_active
        and reader.employment_status != EmploymentStatus.LEFT
    ):
        return reader
    finance = people_with(Role.FINANCE).order_by("pk").first()
    if finance is not None:
        return finance
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is None:
        raise LookupError("No meter reader, finance user or administrator to act for the ladder")
    return admin


def readers_of(account) -> list[User]:
    if account.reader_id:
        return [account.reader]
    return list(people_with(Role.METER_READER))
