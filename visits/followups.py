"""Follow-ups from plans (R-VIS-03) and every write to a follow-up: the event handler, the call
result, manual scheduling, reassignment and cancellation.

`schedule_from_event` is registered with archives.events, so the service that records a deal,
a move-in, a closed complaint or a fulfilled commitment creates the follow-ups in its own
transaction. The unique key (event, step) and archives' own (kind, source) key make each
follow-up exist once, however often the event is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import Customer, CustomerEvent, EventKind
from crm import workcalendar
from crm.models import EmploymentStatus, User
from crm.roles import Role
from visits.models import (
    CallerAssignment,
    CallerKind,
    Channel,
    FollowUp,
    FollowUpKind,
    FollowUpPlan,
    FollowUpRecord,
    FollowUpStatus,
    FollowUpStep,
    Outcome,
    RecordAction,
)

DEFAULT_ESCALATION_DAYS = 3
RETURN_VISIT_EVENTS = {EventKind.COMPLAINT_CLOSED, EventKind.COMMITMENT_FULFILLED}


# --- Which plan, which dates, which caller --------------------------------------------------


def plan_for(trigger: str, project) -> FollowUpPlan | None:
    """The project's own plan for the event if it has one (even switched off), else the
    company default; None when the plan in force is switched off or missing."""
    plans = FollowUpPlan.objects.filter(trigger=trigger).filter(
        Q(project=project) | Q(project__isnull=True)
    )
    chosen = None
    for plan in plans:
        if plan.project_id is not None or chosen is None:
            chosen = plan
    return chosen if chosen and chosen.is_active else None


def due_date(start: dt.date, step: FollowUpStep) -> dt.date:
    """`offset_days` after the event — calendar days, or working days when the step says so
    (weekends, statutory holidays and 调休 from the work calendar)."""
    if step.working_days:
        return workcalendar.add_workdays(start, step.offset_days)
    return start + dt.timedelta(days=step.offset_days)


@dataclass(frozen=True)
class Dates:
    due_on: dt.date
    call_on: dt.date
    escalate_on: dt.date


def dates_for(start: dt.date, step: FollowUpStep, escalate_after: int, today: dt.date) -> Dates:
    due = due_date(start, step)
    call_on = max(start, due - dt.timedelta(days=step.window_days))
    # An event recorded late must not escalate the moment it is saved: the caller gets the
    # same grace from today as from the deadline.
    escalate_on = max(due, today) + dt.timedelta(days=escalate_after)
    return Dates(due_on=due, call_on=call_on, escalate_on=escalate_on)


def _available(users):
    return users.filter(is_active=True, employment_status=EmploymentStatus.ACTIVE)


class CallerPicker:
    """Resolves "owner / customer service / specialist" to a person, once per kind per call."""

    def __init__(self, customer: Customer, project, fallback):
        self.customer = customer
        self.project = project
        self.fallback = fallback
        self._cache: dict[str, User | None] = {}

    def pick(self, kind: str) -> tuple[User, str]:
        if kind == CallerKind.OWNER:
            owner = self.customer.owner
            if owner is not None and owner.is_active and owner.employment_status == "active":
                return owner, CallerKind.OWNER
            kind = CallerKind.CUSTOMER_SERVICE  # 无归属顾问时由客服回访
        if kind not in self._cache:
            self._cache[kind] = self._assigned(kind) or self._least_busy()
        person = self._cache[kind] or self.customer.owner or self.fallback
        return person, kind

    def _assigned(self, kind: str) -> User | None:
        kinds = [kind, CallerKind.CUSTOMER_SERVICE]
        rows = CallerAssignment.objects.filter(project=self.project, caller_kind__in=kinds)
        by_kind = {
            row.caller_kind: row.user
            for row in rows.select_related("user")
            if row.user.is_active and row.user.employment_status == EmploymentStatus.ACTIVE
        }
        return by_kind.get(kind) or by_kind.get(CallerKind.CUSTOMER_SERVICE)

    def _least_busy(self) -> User | None:
        staff = _available(User.objects.with_role(Role.CUSTOMER_SERVICE))
        busy = Count("follow_ups", filter=Q(follow_ups__status=FollowUpStatus.OPEN))
        return staff.annotate(open_calls=busy).order_by("open_calls", "pk").first()


# --- The handler: an archive event becomes follow-ups ---------------------------------------


def schedule_from_event(event: CustomerEvent) -> list[FollowUp]:
    """Registered with archives.events: runs inside the transaction that records the event."""
    project = event.project or event.customer.project
    if event.kind == EventKind.DEAL_WON:
        _cancel_superseded(event)
    plan = plan_for(event.kind, project)
    if plan is None:
        return []
    customer = Customer.objects.select_related("owner").get(pk=event.customer_id)
    picker = CallerPicker(customer, project, fallback=event.recorded_by)
    today = timezone.localdate()
    kind = (
        FollowUpKind.RETURN_VISIT if event.kind in RETURN_VISIT_EVENTS else FollowUpKind.FOLLOW_UP
    )
    rows = []
    for step in plan.steps.all():
        caller, caller_kind = picker.pick(step.caller)
        dates = dates_for(event.occurred_on, step, plan.escalate_after_days, today)
        rows.append(
            FollowUp(
                customer=customer,
                project=project,
                event=event,
                step=step,
                kind=kind,
                caller=caller,
                caller_kind=caller_kind,
                channel=step.channel,
                question_zh=step.question_zh,
                question_en=step.question_en,
                due_on=dates.due_on,
                call_on=dates.call_on,
                escalate_on=dates.escalate_on,
                created_by=event.recorded_by,
            )
        )
    # Existing (event, step) pairs are skipped by the database, not by a read-then-write.
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)
    return list(FollowUp.objects.filter(event=event).order_by("due_on", "pk"))


def _cancel_superseded(event: CustomerEvent) -> int:
    """A customer who buys after an event no longer gets the non-buyers' calls (§13): the
    buyers' plan takes over."""
    superseded = FollowUp.objects.open().filter(
        customer_id=event.customer_id, event__kind=EventKind.EVENT_NOT_BOUGHT
    )
    return cancel_follow_ups(
        superseded, reason=_("Bought: the buyers' follow-ups replace these"), by=event.recorded_by
    )


# --- Writes from the screens ----------------------------------------------------------------


def cancel_follow_ups(queryset, *, reason: str, by) -> int:
    rows = list(queryset.filter(status=FollowUpStatus.OPEN).values_list("pk", flat=True))
    if not rows:
        return 0
    FollowUp.objects.filter(pk__in=rows, status=FollowUpStatus.OPEN).update(
        status=FollowUpStatus.CANCELLED, cancel_reason=reason[:200]
    )
    FollowUpRecord.objects.bulk_create(
        [
            FollowUpRecord(follow_up_id=pk, action=RecordAction.CANCELLED, notes=reason, by=by)
            for pk in rows
        ]
    )
    return len(rows)


@transaction.atomic
def record_result(
    *,
    follow_up: FollowUp,
    outcome: str,
    by,
    notes: str = "",
    satisfaction: int | None = None,
    call_again_on: dt.date | None = None,
) -> FollowUp:
    """Record one call (R-VIS-03, R-VIS-07). Reached closes the follow-up; not reached puts
    it back on tomorrow's list; rescheduled puts it on the day the customer asked for.
    Each attempt is kept in the follow-up's log and on the customer's timeline."""
    today = timezone.localdate()
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    _check_result(follow_up, outcome, satisfaction, call_again_on, today)
    follow_up.attempts += 1
    follow_up.outcome = outcome
    follow_up.notes = notes.strip()
    fields = ["attempts", "outcome", "notes"]
    if outcome == Outcome.REACHED:
        follow_up.status = FollowUpStatus.DONE
        follow_up.satisfaction = satisfaction
        follow_up.completed_on = today
        follow_up.completed_by = by
        fields += ["status", "satisfaction", "completed_on", "completed_by"]
    else:
        follow_up.call_on = call_again_on or today + dt.timedelta(days=1)
        fields.append("call_on")
    # Only these columns: the sweep may be writing its own on the same row.
    follow_up.save(update_fields=fields)
    FollowUpRecord.objects.create(
        follow_up=follow_up,
        action=RecordAction.RESULT,
        outcome=outcome,
        satisfaction=satisfaction if outcome == Outcome.REACHED else None,
        notes=follow_up.notes,
        rescheduled_to=None if outcome == Outcome.REACHED else follow_up.call_on,
        by=by,
    )
    if outcome == Outcome.REACHED:
        from archives.services import touch_contact

        touch_contact(customer=follow_up.customer, when=timezone.now())
    return follow_up


def _check_result(follow_up, outcome, satisfaction, call_again_on, today) -> None:
    if not follow_up.is_open:
        raise ValidationError(_("This follow-up is already closed."))
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the result of the call.")})
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": _("Satisfaction is a score from 1 to 5.")})
    if outcome == Outcome.RESCHEDULED:
        if call_again_on is None:
            raise ValidationError({"call_again_on": _("Give the day to call again.")})
        if call_again_on < today:
            raise ValidationError({"call_again_on": _("The day to call again cannot be past.")})


def next_step(follow_up: FollowUp) -> FollowUp | None:
    """What comes next for this customer: the earliest open follow-up."""
    return (
        FollowUp.objects.open()
        .filter(customer_id=follow_up.customer_id)
        .exclude(pk=follow_up.pk)
        .select_related("caller", "event", "step")
        .order_by("call_on", "due_on", "pk")
        .first()
    )


@transaction.atomic
def schedule_follow_up(
    *,
    customer: Customer,
    caller,
    due_on: dt.date,
    question: str,
    by,
    channel: str = Channel.PHONE,
    kind: str = FollowUpKind.FOLLOW_UP,
    call_on: dt.date | None = None,
) -> FollowUp:
    """A follow-up agreed by hand (约定回访), outside any plan."""
    today = timezone.localdate()
    if due_on < today:
        raise ValidationError({"due_on": _("The due date cannot be past.")})
    if not question.strip():
        raise ValidationError({"question": _("Say what the call is about.")})
    return FollowUp.objects.create(
        customer=customer,
        project=customer.project,
        kind=kind,
        caller=caller,
        caller_kind=CallerKind.OWNER if caller.pk == customer.owner_id else "customer_service",
        channel=channel,
        question_zh=question.strip()[:300],
        due_on=due_on,
        call_on=min(call_on or due_on, due_on),
        escalate_on=due_on + dt.timedelta(days=DEFAULT_ESCALATION_DAYS),
        created_by=by,
    )


@transaction.atomic
def reassign_follow_ups(*, pks, to_user, by, reason: str = "") -> int:
    """Hand open follow-ups to another caller (staff handover, R-ARC-12)."""
    rows = list(
        FollowUp.objects.open()
        .filter(pk__in=list(pks))
        .exclude(caller=to_user)
        .values_list("pk", flat=True)
    )
    if not rows:
        return 0
    FollowUp.objects.filter(pk__in=rows, status=FollowUpStatus.OPEN).update(caller=to_user)
    note = reason or _("Handed over to %(name)s") % {"name": to_user}
    FollowUpRecord.objects.bulk_create(
        [
            FollowUpRecord(follow_up_id=pk, action=RecordAction.REASSIGNED, notes=note, by=by)
            for pk in rows
        ]
    )
    return len(rows)


def create_follow_up_once(**fields) -> FollowUp | None:
    """Create a follow-up inside a savepoint; None if its unique key already exists."""
    try:
        with transaction.atomic():
            return FollowUp.objects.create(**fields)
    except IntegrityError:
        return None
