"""Reply deadlines on the work calendar, and the beat sweep that watches them (R-CMP-03).

A reply is due by the close of the n-th working day after the complaint was received
(weekends, statutory holidays and 调休 make-up days from crm.workcalendar; n per severity in
ReplyDeadline). The sweep warns before the deadline and escalates after it. Each step is
claimed with a conditional UPDATE on the row (portable; on PostgreSQL the batch is also
locked with SKIP LOCKED), so two sweeps running at once act once, and a sweep that did not
run for hours finds the rows still due.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import recipients
from complaints.models import OFFICE_CLOSES, Complaint, ComplaintLog, LogAction, ReplyDeadline
from crm import workcalendar
from crm.models import NotificationLevel
from crm.notifications import notify

BATCH = 100


def deadline_for(received_at: dt.datetime, severity: str) -> tuple[dt.datetime, dt.datetime]:
    """(reply due, warn from) for a complaint received at `received_at`."""
    workdays, warn_hours = ReplyDeadline.rule_for(severity)
    day = workcalendar.add_workdays(timezone.localtime(received_at).date(), workdays)
    due = timezone.make_aware(dt.datetime.combine(day, OFFICE_CLOSES))
    return due, max(due - dt.timedelta(hours=warn_hours), min(received_at, due))


def warn_for_promise(promised_at: dt.datetime, severity: str, now: dt.datetime) -> dt.datetime:
    _workdays, warn_hours = ReplyDeadline.rule_for(severity)
    return max(promised_at - dt.timedelta(hours=warn_hours), min(now, promised_at))


def _due(queryset, now: dt.datetime) -> list[int]:
    """The next batch of due rows; on PostgreSQL locked, skipping rows another sweep holds."""
    if connection.vendor == "postgresql":
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(queryset.order_by("reply_due_at").values_list("pk", flat=True)[:BATCH])


def _sweep(due_filter: Q, claim: dict, act, now: dt.datetime) -> int:
    done = 0
    while True:
        with transaction.atomic():
            pks = _due(Complaint.objects.awaiting_reply().filter(due_filter), now)
            for pk in pks:
                # The claim: only the sweep whose UPDATE changes the row acts on it.
                claimed = Complaint.objects.filter(due_filter, pk=pk).update(**claim)
                if claimed == 1:
                    act(Complaint.objects.select_related("department__head", "handler").get(pk=pk))
                    done += 1
        if len(pks) < BATCH:
            return done


def warn_before_deadlines(now: dt.datetime | None = None) -> int:
    """Tell the handler (or customer service) that a reply falls due soon; once per deadline."""
    now = now or timezone.now()
    due = Q(
        warned_at__isnull=True, escalated_at__isnull=True, warn_at__lte=now, reply_due_at__gt=now
    )
    return _sweep(due, {"warned_at": now}, lambda complaint: _warn(complaint, now), now)


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """A passed deadline goes to the department head (and the general manager for a major
    complaint); once per deadline."""
    now = now or timezone.now()
    due = Q(escalated_at__isnull=True, reply_due_at__lte=now)
    claim = {"escalated_at": now, "warned_at": Coalesce(F("warned_at"), now)}
    return _sweep(due, claim, lambda complaint: _escalate(complaint, now), now)


def _warn(complaint: Complaint, now: dt.datetime) -> None:
    values = recipients.params(complaint, due=recipients.stamp(complaint.reply_due_at))
    notify(
        recipients.watchers(complaint),
        _("Complaint %(number)s: reply due %(due)s"),
        body=_("%(subject)s — the customer must have an answer by then."),
        params=values,
        url=complaint.get_absolute_url(),
        level=NotificationLevel.WARNING,
    )
    ComplaintLog.objects.create(
        complaint=complaint, action=LogAction.WARNED, text=values["due"], at=now
    )


def _escalate(complaint: Complaint, now: dt.datetime) -> None:
    people = [*recipients.supervisors(complaint), *recipients.watchers(complaint)]
    if complaint.is_major:
        people += recipients.general_managers()
    values = recipients.params(complaint, due=recipients.stamp(complaint.reply_due_at))
    notify(
        people,
        _("Complaint %(number)s is overdue: the reply was due %(due)s"),
        body=_("%(subject)s (%(who)s) has had no answer yet."),
        params=values,
        url=complaint.get_absolute_url(),
        level=NotificationLevel.URGENT,
    )
    ComplaintLog.objects.create(
        complaint=complaint, action=LogAction.ESCALATED, text=values["due"], at=now
    )


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {"escalated": escalate_overdue(now), "warned": warn_before_deadlines(now)}
