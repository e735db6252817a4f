"""Daily registration sheets (客户信息登记表, R-ARC-10, §6 3.1).

A consultant's calls, walk-ins and self-developed customers of a day form their sheet. It is
submitted before the end of the day, in special cases until 10:00 the next morning; later is
late, and a sheet still not in after 10:00 is missing — both count in the monthly 考核 table.
Consultants on a day's duty rotation owe a sheet even when nobody came (a nil return).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archives.models import (
    CustomerPhone,
    DailySheet,
    DutySlot,
    PhoneKind,
    Punctuality,
    Registration,
)
from archives.models.ownership import punctuality_of
from crm.models import NotificationLevel, User
from crm.notifications import notify
from crm.roles import Role, has_role

LOOKBACK_DAYS = 7


def ensure_sheet(consultant, day: dt.date) -> DailySheet:
    sheet = DailySheet.objects.filter(consultant=consultant, day=day).first()
    if sheet is not None:
        return sheet
    try:
        with transaction.atomic():
            return DailySheet.objects.create(consultant=consultant, day=day)
    except IntegrityError:  # created a moment ago by another request or the sweep
        return DailySheet.objects.get(consultant=consultant, day=day)


def rows_of(sheet: DailySheet):
    mobile = CustomerPhone.objects.filter(
        customer=OuterRef("customer_id"), kind=PhoneKind.MOBILE
    ).order_by("-is_primary", "pk")
    return (
        Registration.objects.filter(consultant_id=sheet.consultant_id, day=sheet.day)
        .select_related("customer", "registered_by", "named_consultant", "referrer", "project")
        .annotate(phone=Subquery(mobile.values("number")[:1]))
        .order_by("registered_at", "pk")
    )


@transaction.atomic
def submit_sheet(*, sheet: DailySheet, by, note: str = "", when: dt.datetime | None = None):
    when = when or timezone.now()
    sheet = DailySheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.consultant_id != by.pk:
        raise PermissionDenied
    if sheet.is_submitted:
        raise ValidationError(_("This sheet was submitted already."))
    if timezone.localtime(when).date() < sheet.day:
        raise ValidationError(_("A day's sheet is submitted on that day or after it."))
    punctuality = punctuality_of(sheet.day, when)
    if punctuality == Punctuality.LATE and not note.strip():
        raise ValidationError({"note": _("The sheet is late: say why.")})
    sheet.status = DailySheet.Status.SUBMITTED
    sheet.submitted_at = when
    sheet.punctuality = punctuality
    sheet.rows_at_submission = rows_of(sheet).count()
    sheet.note = note.strip()[:300]
    sheet.save()
    return sheet


def may_sign_off(user) -> bool:
    return bool(
        user.is_superuser
        or has_role(user, Role.ARCHIVE_KEEPER, Role.SALES_MANAGER, Role.GENERAL_MANAGER)
    )


@transaction.atomic
def sign_off(*, sheet: DailySheet, by) -> DailySheet:
    """综合服务部 receives the sheet for the record (§6 3.1.1)."""
    if not may_sign_off(by):
        raise PermissionDenied
    sheet = DailySheet.objects.select_for_update().get(pk=sheet.pk)
    if not sheet.is_submitted:
        raise ValidationError(_("Only a submitted sheet can be received."))
    if sheet.signed_off_at:
        raise ValidationError(_("This sheet was received already."))
    sheet.signed_off_by = by
    sheet.signed_off_at = timezone.now()
    sheet.save(update_fields=["signed_off_by", "signed_off_at"])
    return sheet


def expected_consultants(day: dt.date) -> set[int]:
    """Who owes a sheet for `day`: everyone on a duty rotation, everyone with a row, and
    everyone whose sheet of that day was opened."""
    on_duty = DutySlot.objects.filter(roster__day=day).values_list("consultant_id", flat=True)
    with_rows = Registration.objects.filter(day=day, consultant__isnull=False).values_list(
        "consultant_id", flat=True
    )
    opened = DailySheet.objects.filter(day=day).values_list("consultant_id", flat=True)
    return set(on_duty) | set(with_rows) | set(opened)


def mark_missing(*, now: dt.datetime | None = None, lookback: int = LOOKBACK_DAYS) -> int:
    """Beat: after 10:00 the next morning, a sheet not submitted is missing. Each sheet is
    claimed by a conditional update, so two runs mark and notify it once."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    missing: dict[dt.date, list[DailySheet]] = defaultdict(list)
    for back in range(lookback, 0, -1):
        day = today - dt.timedelta(days=back)
        if DailySheet(day=day).deadline > now:
            continue
        for consultant_id in expected_consultants(day):
            sheet = ensure_sheet(User(pk=consultant_id), day)
            if DailySheet.objects.filter(pk=sheet.pk, status=DailySheet.Status.OPEN).update(
                status=DailySheet.Status.MISSING, punctuality=Punctuality.MISSING
            ):
                missing[day].append(sheet)
    _notify_missing(missing)
    return sum(len(sheets) for sheets in missing.values())


def _notify_missing(missing: dict[dt.date, list[DailySheet]]) -> None:
    if not missing:
        return
    people = User.objects.in_bulk([s.consultant_id for sheets in missing.values() for s in sheets])
    managers = list(User.objects.working().with_role(Role.SALES_MANAGER))
    for day, sheets in missing.items():
        for sheet in sheets:
            notify(
                [people[sheet.consultant_id]],
                gettext_lazy("Your registration sheet of %(day)s is missing"),
                body=gettext_lazy("It was due by 10:00 this morning. Submit it now."),
                params={"day": day.isoformat()},
                url=reverse("archives:sheet_detail", args=[sheet.pk]),
                level=NotificationLevel.WARNING,
            )
        departments = {people[s.consultant_id].department_id for s in sheets}
        notify(
            [m for m in managers if m.department_id in departments] or managers,
            gettext_lazy("Registration sheets of %(day)s missing: %(n)s"),
            params={"n": len(sheets), "day": day.isoformat()},
            url=reverse("archives:sheet_month") + f"?month={day:%Y-%m}",
            level=NotificationLevel.WARNING,
        )


# --- The monthly table (考核) ---------------------------------------------------------------


@dataclass
class MonthRow:
    consultant: User
    cells: list[tuple[dt.date, DailySheet | None]]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def expected(self) -> int:
        return sum(1 for _day, sheet in self.cells if sheet is not None)


def month_days(year: int, month: int) -> list[dt.date]:
    return [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def month_table(*, year: int, month: int, sheets, consultants) -> list[MonthRow]:
    """One row per consultant: each day's sheet (or none owed), and the counts for 考核."""
    days = month_days(year, month)
    by_key = {(s.consultant_id, s.day): s for s in sheets}
    people = {c.pk: c for c in consultants}
    for sheet in by_key.values():
        people.setdefault(sheet.consultant_id, sheet.consultant)
    rows = []
    for person in sorted(people.values(), key=lambda p: p.name or p.username):
        cells = [(day, by_key.get((person.pk, day))) for day in days]
        counts = dict.fromkeys(Punctuality.values, 0)
        counts["open"] = 0
        for _day, sheet in cells:
            if sheet is None:
                continue
            counts[sheet.punctuality or "open"] += 1
        rows.append(MonthRow(person, cells, counts))
    return rows
