"""Reports of gas billing (R-BIL-03, R-BIL-06): collection within three working days and within
the month per user type against the 95 % target, arrears ageing, and the monthly reading
report that reconciles accounts, readings and statements (accuracy target 100 %)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from billing.models import (
    AccountStatus,
    GasAccount,
    Payment,
    Reading,
    ReadingKind,
    ReadingStatus,
    Statement,
    UserType,
)
from billing.models.statements import UNPAID, outstanding_expression
from billing.rounds import month_of
from billing.services.statements import chain_volume
from crm import workcalendar

ZERO = Decimal("0.00")
RATE = Decimal("0.1")


def money(value) -> Decimal:
    """Sums come back from SQLite as floats: every aggregate is put back to the fen."""
    return ZERO if value is None else Decimal(str(value)).quantize(ZERO, rounding=ROUND_HALF_UP)


def rate(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(RATE, rounding=ROUND_HALF_UP)


def one_month_later(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class CollectionRow:
    user_type: str
    label: str
    statements: int = 0
    due: Decimal = ZERO
    in_days: Decimal = ZERO
    in_month: Decimal = ZERO

    @property
    def rate_days(self) -> Decimal | None:
        return rate(self.in_days, self.due)

    @property
    def rate_month(self) -> Decimal | None:
        return rate(self.in_month, self.due)


def collection(year: int, month: int, *, days: int) -> list[CollectionRow]:
    """Of the statements issued in the month: the share of what they ask paid within `days`
    working days of issue (§7 2: 三日内 … ≥95 %), and within one month of issue."""
    start, end = month_of(dt.date(year, month, 1))
    rows = {t: CollectionRow(t, str(label)) for t, label in UserType.choices}
    issued = (
        Statement.objects.filter(issued_on__range=(start, end))
        .values_list("user_type")
        .annotate(n=Count("pk"), due=Sum("total_due") + Sum("adjusted_total"))
    )
    for user_type, n, due in issued:
        rows[user_type].statements = n
        rows[user_type].due = money(due)
    paid = (
        Payment.objects.filter(statement__issued_on__range=(start, end))
        .values_list("statement__user_type", "statement__issued_on", "received_on")
        .annotate(amount=Sum("applied"))
    )
    cutoffs: dict[dt.date, tuple[dt.date, dt.date]] = {}
    for user_type, issued_on, received_on, amount in paid:
        if issued_on not in cutoffs:
            cutoffs[issued_on] = (
                workcalendar.add_workdays(issued_on, days),
                one_month_later(issued_on),
            )
        within_days, within_month = cutoffs[issued_on]
        if received_on <= within_days:
            rows[user_type].in_days += money(amount)
        if received_on <= within_month:
            rows[user_type].in_month += money(amount)
    result = list(rows.values())
    total = CollectionRow("total", "")
    for row in result:
        total.statements += row.statements
        total.due += row.due
        total.in_days += row.in_days
        total.in_month += row.in_month
    return [*result, total]


AGE_BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")


@dataclass
class AgeingRow:
    user_type: str
    label: str
    amounts: dict[str, Decimal] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)


def ageing(on: dt.date) -> list[AgeingRow]:
    """What is owed, by how long past the due date."""
    day = dt.timedelta(days=1)
    buckets = {
        "not_due": Q(due_on__gte=on),
        "1_30": Q(due_on__lt=on, due_on__gte=on - 30 * day),
        "31_60": Q(due_on__lt=on - 30 * day, due_on__gte=on - 60 * day),
        "61_90": Q(due_on__lt=on - 60 * day, due_on__gte=on - 90 * day),
        "over_90": Q(due_on__lt=on - 90 * day),
    }
    aggregates = {}
    for key, condition in buckets.items():
        aggregates[f"a_{key}"] = Sum("outstanding_amount", filter=condition)
        aggregates[f"n_{key}"] = Count("pk", filter=condition)
    rows = {t: AgeingRow(t, str(label)) for t, label in UserType.choices}
    data = (
        Statement.objects.filter(status__in=UNPAID)
        .annotate(outstanding_amount=outstanding_expression())
        .values("user_type")
        .annotate(**aggregates)
    )
    for item in data:
        row = rows[item["user_type"]]
        for key in AGE_BUCKETS:
            row.amounts[key] = money(item[f"a_{key}"])
            row.counts[key] = item[f"n_{key}"]
    total = AgeingRow("total", "")
    for row in rows.values():
        for key in AGE_BUCKETS:
            row.amounts.setdefault(key, ZERO)
            row.counts.setdefault(key, 0)
            total.amounts[key] = total.amounts.get(key, ZERO) + row.amounts[key]
            total.counts[key] = total.counts.get(key, 0) + row.counts[key]
    return [*rows.values(), total]


@dataclass
class ReadingRow:
    user_type: str
    label: str
    accounts: int = 0
    due: int = 0
    read: int = 0
    held: int = 0
    rejected: int = 0
    billed: int = 0
    volume: Decimal = ZERO
    amount: Decimal = ZERO

    @property
    def read_rate(self) -> Decimal | None:
        return rate(Decimal(self.read), Decimal(self.due))


@dataclass
class ReadingReport:
    start: dt.date
    end: dt.date
    rows: list[ReadingRow]
    unread: list[GasAccount]
    unread_count: int
    unbilled: list[Reading]
    held: list[Reading]
    mismatches: list[tuple[Statement, str]]
    checked: int

    @property
    def accuracy(self) -> Decimal | None:
        return rate(Decimal(self.checked - len(self.mismatches)), Decimal(self.checked))


LIST_LIMIT = 50


def reading_report(year: int, month: int) -> ReadingReport:
    """月度抄收报表: accounts due, read, held, billed; and every figure checked against the
    readings it came from."""
    from billing.rounds import due_schedules

    start, end = month_of(dt.date(year, month, 1))
    rows = {t: ReadingRow(t, str(label)) for t, label in UserType.choices}
    open_accounts = GasAccount.objects.filter(opened_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )
    for user_type, n in open_accounts.values_list("user_type").annotate(n=Count("pk")):
        rows[user_type].accounts = n
    # Due: the user types read this month, on accounts opened before the window (an account
    # opened with its first reading this month is read from next month).
    due = Q(pk__in=[])
    for user_type, schedule in due_schedules(start).items():
        first, _last = schedule.window(year, month)
        due |= Q(user_type=user_type, opened_on__lt=first)
    due_accounts = open_accounts.filter(due, status=AccountStatus.ACTIVE)
    for user_type, n in due_accounts.values_list("user_type").annotate(n=Count("pk")):
        rows[user_type].due = n
    month_readings = Reading.objects.filter(kind=ReadingKind.REGULAR, read_on__range=(start, end))
    read_accounts = month_readings.filter(
        status__in=[ReadingStatus.ACCEPTED, ReadingStatus.HELD]
    ).values("account_id")
    # Read: the accounts due this month that were read (a held reading counts as read).
    read = due_accounts.filter(pk__in=read_accounts).values_list("user_type")
    for user_type, n in read.annotate(n=Count("pk")):
        rows[user_type].read = n
    counts = (
        month_readings.exclude(status=ReadingStatus.ACCEPTED)
        .values_list("account__user_type", "status")
        .annotate(n=Count("pk"))
    )
    for user_type, status, n in counts:
        if status == ReadingStatus.HELD:
            rows[user_type].held += n
        else:
            rows[user_type].rejected += n
    statements = Statement.objects.filter(closing_reading__read_on__range=(start, end))
    sums = statements.values_list("user_type").annotate(
        n=Count("pk"), v=Sum("volume"), a=Sum("gas_amount")
    )
    for user_type, n, volume, amount in sums:
        rows[user_type].billed = n
        rows[user_type].volume = money(volume)
        rows[user_type].amount = money(amount)
    unread = due_accounts.exclude(pk__in=read_accounts).for_list().order_by("pk")
    unbilled = month_readings.filter(
        status=ReadingStatus.ACCEPTED, closing_statement__isnull=True
    ).select_related("account__customer")
    held = month_readings.filter(status=ReadingStatus.HELD).select_related("account__customer")
    checked, mismatches = _verify(statements)
    total = ReadingRow("total", "")
    for row in rows.values():
        for name in ("accounts", "due", "read", "held", "rejected", "billed", "volume", "amount"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return ReadingReport(
        start=start,
        end=end,
        rows=[*rows.values(), total],
        unread=list(unread[:LIST_LIMIT]),
        unread_count=unread.count(),
        unbilled=list(unbilled[:LIST_LIMIT]),
        held=list(held[:LIST_LIMIT]),
        mismatches=mismatches,
        checked=checked,
    )


def _verify(statements) -> tuple[int, list[tuple[Statement, str]]]:
    """Work every statement of the month out again from its readings and lines (100 %)."""
    statements = list(statements.select_related("account__customer"))
    if not statements:
        return 0, []
    accounts = {s.account_id for s in statements}
    first = min(s.period_start for s in statements)
    last = max(s.period_end for s in statements)
    readings = defaultdict(list)
    position = {}
    for reading in Reading.objects.filter(
        account_id__in=accounts, status=ReadingStatus.ACCEPTED, read_on__range=(first, last)
    ).order_by("read_on", "pk"):
        readings[reading.account_id].append(reading)
        position[reading.pk] = (reading.read_on, reading.pk)
    line_sums = dict(
        Statement.objects.filter(pk__in=[s.pk for s in statements])
        .annotate(lines_total=Sum("lines__amount"))
        .values_list("pk", "lines_total")
    )
    mismatches = []
    missing = (dt.date.max, 0)
    for statement in statements:
        low = position.get(statement.opening_reading_id, missing)
        high = position.get(statement.closing_reading_id, (dt.date.min, 0))
        chain = [r for r in readings[statement.account_id] if low <= (r.read_on, r.pk) <= high]
        if chain_volume(chain) != statement.volume:
            mismatches.append((statement, "volume"))
        elif (line_sums.get(statement.pk) or ZERO) != statement.gas_amount:
            mismatches.append((statement, "amount"))
        elif statement.gas_amount + statement.carried_in != statement.total_due:
            mismatches.append((statement, "total"))
    return len(statements), mismatches
