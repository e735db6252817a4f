"""The follow-up sweep (R-VIS-03, R-VIS-07), run by Celery beat every few minutes.

1. Rows a crashed sweep left "processing" for longer than STUCK_AFTER go back to idle.
2. Follow-ups whose call day has come and whose caller has not been told for that day are
   claimed in batches and each caller gets one notification per call.
3. Follow-ups past their escalation day are claimed the same way and go to the caller's
   manager (department head and sales managers; the general manager if there is none).

A batch is claimed portably — `UPDATE … SET sweep_state='processing', claim_token=<mine>
WHERE pk IN (…) AND <still due>` — so two sweeps running at once never claim the same row;
on PostgreSQL the candidate ids are also read `FOR UPDATE SKIP LOCKED`, so the second sweep
takes other rows instead of waiting. Notifications and the "done" marks commit together, so a
crash loses nothing and repeats nothing. Nothing is queued per row: when the broker was down,
the rows are simply still due at the next sweep.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from crm.models import EmploymentStatus, Notification, NotificationLevel, User
from crm.roles import Role
from visits.followups import cancel_follow_ups
from visits.models import FollowUp, FollowUpRecord, FollowUpStatus, RecordAction, SweepState
from visits.models.followups import DUE_FOR_NOTICE

BATCH_SIZE = 1000
STUCK_AFTER = dt.timedelta(minutes=15)
MAX_BATCHES = 10_000

DUE_TITLE = _("Call due today: %(customer)s")
OVERDUE_TITLE = _("Overdue call: %(customer)s")
DUE_BODY = _("%(question)s (due by %(due)s)")
ESCALATION_TITLE = _("Overdue follow-up: %(customer)s, caller %(caller)s")
ESCALATION_BODY = _("%(question)s — due %(due)s, %(days)s days overdue.")
ESCALATED_TITLE = _("Escalated to your manager: %(customer)s")


@dataclass
class SweepReport:
    released: int = 0
    notified: int = 0
    escalated: int = 0
    cancelled: int = 0
    batches: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def sweep(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> SweepReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = SweepReport(released=release_stuck(now=now))
    for condition, process in (
        (_notice_condition(today), _notify_batch),
        (_escalation_condition(today), _escalate_batch),
    ):
        for _batch in range(MAX_BATCHES):
            token = uuid.uuid4().hex
            if not claim(condition, token=token, now=now, batch_size=batch_size):
                break
            report.batches += 1
            with transaction.atomic():
                process(token, today, report)
    return report


def _notice_condition(today: dt.date) -> Q:
    return Q(status=FollowUpStatus.OPEN, call_on__lte=today) & DUE_FOR_NOTICE


def _escalation_condition(today: dt.date) -> Q:
    return Q(status=FollowUpStatus.OPEN, escalate_on__lte=today, escalated_at__isnull=True)


def release_stuck(*, now: dt.datetime) -> int:
    return FollowUp.objects.filter(
        sweep_state=SweepState.PROCESSING, claimed_at__lt=now - STUCK_AFTER
    ).update(sweep_state=SweepState.IDLE, claim_token="", claimed_at=None)


def claim(condition: Q, *, token: str, now: dt.datetime, batch_size: int) -> int:
    """Mark up to `batch_size` due rows as ours; returns how many we got."""
    candidates = FollowUp.objects.filter(condition, sweep_state=SweepState.IDLE)
    with transaction.atomic():
        query = candidates.order_by()
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True)
        ids = list(query.values_list("pk", flat=True)[:batch_size])
        if not ids:
            return 0
        # The WHERE repeats the condition: a row another sweep finished meanwhile is skipped.
        return candidates.filter(pk__in=ids).update(
            sweep_state=SweepState.PROCESSING, claim_token=token, claimed_at=now
        )


@dataclass(frozen=True)
class Person:
    """Who a notification goes to: enough to address it, without loading a User."""

    pk: int
    language: str
    name: str = ""


# One claimed row as plain values: a batch of thousands builds no model instances.
ROW_FIELDS = (
    "pk",
    "status",
    "due_on",
    "question_zh",
    "question_en",
    "customer__name",
    "customer__voided_at",
    "caller_id",
    "caller__name",
    "caller__username",
    "caller__language",
    "caller__is_active",
    "caller__employment_status",
    "caller__department_id",
)


def _claimed(token: str) -> list:
    rows = FollowUp.objects.filter(sweep_state=SweepState.PROCESSING, claim_token=token)
    return list(rows.order_by().values_list(*ROW_FIELDS, named=True))


def _caller(row) -> Person:
    return Person(row.caller_id, row.caller__language, row.caller__name or row.caller__username)


def _caller_can_work(row) -> bool:
    return row.caller__is_active and row.caller__employment_status != EmploymentStatus.LEFT


def _release(token: str, **changes) -> None:
    FollowUp.objects.filter(sweep_state=SweepState.PROCESSING, claim_token=token).update(
        sweep_state=SweepState.IDLE, claim_token="", claimed_at=None, **changes
    )


def _notify_batch(token: str, today: dt.date, report: SweepReport) -> None:
    live = _split(_claimed(token), report)
    messages = Messages()
    managers = _Managers()
    for row in live:
        if _caller_can_work(row):
            recipients = [_caller(row)]
        else:  # a caller who left: the manager sees the call instead of losing it
            recipients = managers.of(row.caller_id, row.caller__department_id)
        overdue = row.due_on < today
        for person in recipients:
            messages.add(
                person,
                OVERDUE_TITLE if overdue else DUE_TITLE,
                DUE_BODY,
                row,
                {"customer": row.customer__name, "due": row.due_on.isoformat()},
                level=NotificationLevel.WARNING if overdue else NotificationLevel.INFO,
            )
    messages.save()
    _release(token, notified_on=today)
    report.notified += len(live)


def _escalate_batch(token: str, today: dt.date, report: SweepReport) -> None:
    live = _split(_claimed(token), report)
    messages = Messages()
    managers = _Managers()
    for row in live:
        caller = _caller(row)
        params = {
            "customer": row.customer__name,
            "caller": caller.name,
            "due": row.due_on.isoformat(),
            "days": (today - row.due_on).days,
        }
        for person in managers.of(row.caller_id, row.caller__department_id):
            messages.add(
                person, ESCALATION_TITLE, ESCALATION_BODY, row, params, NotificationLevel.URGENT
            )
        if _caller_can_work(row):
            messages.add(
                caller, ESCALATED_TITLE, ESCALATION_BODY, row, params, NotificationLevel.URGENT
            )
    messages.save()
    FollowUpRecord.objects.bulk_create(
        [FollowUpRecord(follow_up_id=row.pk, action=RecordAction.ESCALATED) for row in live]
    )
    _release(token, escalated_at=timezone.now())
    report.escalated += len(live)


def _split(rows, report: SweepReport) -> list:
    """Open rows of live archives; rows of voided archives are cancelled on the way."""
    void = {row.pk for row in rows if row.customer__voided_at is not None}
    if void:
        report.cancelled += cancel_follow_ups(
            FollowUp.objects.filter(pk__in=void),
            reason=str(_("The customer's archive was voided")),
            by=None,
        )
    return [row for row in rows if row.status == FollowUpStatus.OPEN and row.pk not in void]


class Messages:
    """Notifications of one batch, rendered in each recipient's language, saved in one INSERT
    (crm.notifications.notify sends one text to many; the sweep sends many texts)."""

    def __init__(self):
        self.rows: list[Notification] = []
        self._templates: dict[tuple[int, str], str] = {}
        self._url = reverse("visits:followup_detail", args=[0]).removesuffix("0/")

    def _text(self, lazy, language: str) -> str:
        key = (id(lazy), language)
        if key not in self._templates:
            with translation.override(language):
                self._templates[key] = str(lazy)
        return self._templates[key]

    def add(self, person: Person, title, body, row, params, level=NotificationLevel.INFO):
        language = person.language or settings.LANGUAGE_CODE
        english = language.startswith("en")
        question = (row.question_en if english and row.question_en else row.question_zh) or ""
        values = {**params, "question": question}
        self.rows.append(
            Notification(
                recipient_id=person.pk,
                title=(self._text(title, language) % values)[:200],
                body=self._text(body, language) % values,
                url=f"{self._url}{row.pk}/",
                level=level,
            )
        )

    def save(self) -> None:
        Notification.objects.bulk_create(self.rows, batch_size=1000)


class _Managers:
    """The people an overdue call goes to, looked up once per department per batch."""

    def __init__(self):
        self._by_department: dict[int | None, list[Person]] = {}
        self._general: list[Person] | None = None

    def of(self, caller_id: int, department_id: int | None) -> list[Person]:
        if department_id not in self._by_department:
            heads = User.objects.working().filter(
                Q(headed_departments__id=department_id)
                | Q(department_id=department_id, groups__name=Role.SALES_MANAGER)
            )
            self._by_department[department_id] = _people(heads.distinct()) if department_id else []
        found = [m for m in self._by_department[department_id] if m.pk != caller_id]
        return found or [m for m in self._general_managers() if m.pk != caller_id]

    def _general_managers(self) -> list[Person]:
        if self._general is None:
            self._general = _people(User.objects.working().with_role(Role.GENERAL_MANAGER))
        return self._general


def _people(users) -> list[Person]:
    return [
        Person(pk, language, name or username)
        for pk, language, name, username in users.values_list("pk", "language", "name", "username")
    ]
