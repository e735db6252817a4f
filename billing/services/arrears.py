"""The arrears ladder (§7 7–8, R-BIL-05).

    due date passes unpaid      → overdue: the reader reminds by phone or in writing
    3 working days after that   → arrears notice (催缴通知单, CJ-…), SMS, delivered on paper
    3 working days after that   → suspension request to the general manager
    approved                    → suspension work order (TQ-…); done: supply stopped
    paid                        → the ladder stops; a suspended account gets reconnected

`sweep_ladder` (Celery beat) takes each statement one step at a time. Each step claims its
rows with a conditional UPDATE that re-checks "still unpaid, still on this step" inside the
transaction that does the step's work, so a payment that lands first stops the step, and two
sweeps at once never do a step twice. On PostgreSQL the rows are also locked with
SKIP LOCKED, so concurrent sweeps share the work instead of queueing behind each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archives.models import CustomerPhone, PhoneKind
from archives.services import touch_contact
from billing.models import (
    AccountStatus,
    ArrearsNotice,
    BillingPolicy,
    GasAccount,
    GasWorkOrder,
    LadderStep,
    PaymentReminder,
    Statement,
    SuspensionRequest,
    SuspensionStatus,
    WorkOrderKind,
    WorkOrderStatus,
)
from billing.models.statements import UNPAID
from billing.services.common import ladder_actor, moment, people_with, readers_of, stamp, today
from crm import workcalendar
from crm.models import NotificationLevel
from crm.notifications import notify, send_sms
from crm.numbering import FormKind, next_number
from crm.roles import Role

BATCH = 200


class _NotYet(Exception):
    """A step that must wait (another request for the account is being decided)."""


# --- The reader's reminder (§7 7) -----------------------------------------------------------


@transaction.atomic
def record_reminder(
    *, statement: Statement, by, method: str, note: str = "", made_at: dt.datetime | None = None
) -> PaymentReminder:
    """Record the phone call or written notice: who, how, when. The first one starts the three
    working days before the arrears notice."""
    made_at = made_at or timezone.now()
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.status not in UNPAID:
        raise ValidationError(_("This statement is paid."))
    made_on = timezone.localdate(made_at)
    if made_on <= statement.due_on:
        raise ValidationError(
            _("The statement is not overdue yet: it may be paid until %(date)s.")
            % {"date": statement.due_on.isoformat()}
        )
    reminder = PaymentReminder.objects.create(
        statement=statement, method=method, made_by=by, made_at=made_at, note=note.strip()
    )
    if statement.ladder_step in (LadderStep.CURRENT, LadderStep.OVERDUE):
        fields = ["ladder_step", "notified_on"]
        if statement.overdue_on is None:
            statement.overdue_on = statement.due_on + dt.timedelta(days=1)
            fields.append("overdue_on")
        statement.ladder_step = LadderStep.NOTIFIED
        statement.notified_on = made_on
        stamp(statement, by, reminder.get_method_display())
        statement.save(update_fields=fields)
    touch_contact(customer=statement.account.customer, when=made_at)
    return reminder


# --- The sweep ------------------------------------------------------------------------------


def _batched(items: Iterable[int], size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _advance(
    candidates, from_step: str, to_step: str, handler: Callable, *, on: dt.date, policy
) -> int:
    """Move the candidates one step, each once, re-checking inside the step's transaction."""
    done = 0
    pks = list(candidates.filter(ladder_step=from_step).unpaid().values_list("pk", flat=True))
    for chunk in _batched(pks, BATCH):
        with transaction.atomic():
            rows = Statement.objects.filter(
                pk__in=chunk, ladder_step=from_step, status__in=UNPAID
            ).select_related("account__customer", "account__reader")
            if connection.vendor == "postgresql":
                rows = rows.select_for_update(skip_locked=True, of=("self",))
            for statement in rows:
                try:
                    with transaction.atomic():
                        claimed = Statement.objects.filter(
                            pk=statement.pk, ladder_step=from_step, status__in=UNPAID
                        ).update(ladder_step=to_step)
                        if claimed != 1:
                            continue
                        statement.ladder_step = to_step
                        handler(statement, on=on, policy=policy)
                        done += 1
                except _NotYet:
                    statement.ladder_step = from_step
    return done


def sweep_ladder(*, on: dt.date | None = None, statements=None) -> dict[str, int]:
    """Beat: move every unpaid statement whose time has come one step up the ladder.

    `statements` narrows the sweep (the demo replays its own accounts' history with it)."""
    on = on or today()
    policy = BillingPolicy.current()
    statements = Statement.objects.all() if statements is None else statements
    counts = {
        LadderStep.OVERDUE: _advance(
            statements.filter(due_on__lt=on),
            LadderStep.CURRENT,
            LadderStep.OVERDUE,
            _overdue,
            on=on,
            policy=policy,
        )
    }
    notified_dates = set(
        statements.filter(ladder_step=LadderStep.NOTIFIED)
        .unpaid()
        .values_list("notified_on", flat=True)
        .distinct()
    )
    ripe = [
        day
        for day in notified_dates
        if day and workcalendar.add_workdays(day, policy.notice_workdays) <= on
    ]
    counts[LadderStep.ARREARS_NOTICE] = _advance(
        statements.filter(notified_on__in=ripe),
        LadderStep.NOTIFIED,
        LadderStep.ARREARS_NOTICE,
        _arrears_notice,
        on=on,
        policy=policy,
    )
    counts[LadderStep.SUSPENSION_REQUESTED] = _advance(
        statements.filter(arrears_notice__pay_by__lt=on),
        LadderStep.ARREARS_NOTICE,
        LadderStep.SUSPENSION_REQUESTED,
        _suspension_request,
        on=on,
        policy=policy,
    )
    return {str(step): n for step, n in counts.items()}


def _overdue(statement: Statement, *, on: dt.date, policy) -> None:
    account = statement.account
    statement.overdue_on = on
    stamp(statement, ladder_actor(account), _("Overdue"))
    statement.save(update_fields=["ladder_step", "overdue_on"])
    notify(
        readers_of(account),
        gettext_lazy("Remind %(name)s to pay %(number)s"),
        body=gettext_lazy(
            "Statement %(number)s of %(account)s was due on %(due)s. Phone the customer or "
            "leave a written notice, and record it."
        ),
        params={
            "name": account.customer.name,
            "number": statement.number,
            "account": account.number,
            "due": statement.due_on.isoformat(),
        },
        url=reverse("billing:statement_detail", args=[statement.pk]),
        level=NotificationLevel.WARNING,
    )


def customer_mobile(customer) -> str:
    phone = (
        CustomerPhone.objects.filter(customer=customer, kind=PhoneKind.MOBILE)
        .order_by("-is_primary", "pk")
        .values_list("number", flat=True)
        .first()
    )
    return phone or ""


def arrears_sms_text(notice: ArrearsNotice, company: str) -> str:
    """The text the customer receives: always Chinese, whoever's screen issued it."""
    with translation.override("zh-hans"):
        return _(
            "[%(company)s] Dear %(name)s, gas account %(account)s owes ¥%(amount)s "
            "(statement %(statement)s). Please pay at the service hall by %(pay_by)s, or the "
            "gas supply will be suspended. Arrears notice %(number)s."
        ) % {
            "company": company,
            "name": notice.account.customer.name,
            "account": notice.account.number,
            "amount": f"{notice.amount_due:,.2f}",
            "statement": notice.statement.number,
            "pay_by": notice.pay_by.isoformat(),
            "number": notice.number,
        }


def _arrears_notice(statement: Statement, *, on: dt.date, policy) -> None:
    from crm.models import Company

    account = statement.account
    actor = ladder_actor(account)
    notice = ArrearsNotice(
        number=next_number(FormKind.ARREARS_NOTICE),
        filled_by=actor,
        filled_at=moment(on),
        statement=statement,
        account=account,
        amount_due=statement.outstanding,
        issued_on=on,
        pay_by=workcalendar.add_workdays(on, policy.suspension_workdays),
    )
    stamp(notice, actor)
    notice.save()
    mobile = customer_mobile(account.customer)
    if mobile:
        company = Company.objects.order_by("pk").values_list("short_name", flat=True).first()
        notice.sms = send_sms(
            mobile,
            arrears_sms_text(notice, company or ""),
            purpose="billing.arrears_notice",
            created_by=actor,
        )
        notice.save(update_fields=["sms"])
    stamp(statement, actor, notice.number)
    statement.save(update_fields=["ladder_step"])
    notify(
        readers_of(account),
        gettext_lazy("Deliver arrears notice %(number)s"),
        body=gettext_lazy("%(name)s (%(account)s) owes ¥%(amount)s. Print and deliver it."),
        params={
            "number": notice.number,
            "name": account.customer.name,
            "account": account.number,
            "amount": f"{notice.amount_due:,.2f}",
        },
        url=reverse("billing:notice_print", args=[notice.pk]),
        level=NotificationLevel.WARNING,
    )


def _suspension_request(statement: Statement, *, on: dt.date, policy) -> None:
    account = statement.account
    actor = ladder_actor(account)
    if account.status == AccountStatus.SUSPENDED:
        # The supply is already stopped for another statement: nothing more to ask.
        statement.ladder_step = LadderStep.SUSPENDED
        stamp(statement, actor, _("Supply suspended"))
        statement.save(update_fields=["ladder_step"])
        return
    deciding = SuspensionRequest.objects.filter(account=account, status=SuspensionStatus.PENDING)
    stopping = GasWorkOrder.objects.filter(
        account=account, kind=WorkOrderKind.SUSPEND, status=WorkOrderStatus.OPEN
    )
    if deciding.exists() or stopping.exists():
        raise _NotYet  # one decision per account at a time; this one waits its turn
    stamp(statement, actor, _("Suspension requested"))
    statement.save(update_fields=["ladder_step"])
    request = SuspensionRequest(
        account=account,
        statement=statement,
        notice=getattr(statement, "arrears_notice", None),
        amount_due=statement.outstanding,
        requested_on=on,
        requested_by=actor,
    )
    stamp(request, actor)
    request.save()
    notify(
        people_with(Role.GENERAL_MANAGER),
        gettext_lazy("Approve suspending the gas of %(name)s?"),
        body=gettext_lazy(
            "%(account)s owes ¥%(amount)s; the arrears notice expired on %(pay_by)s."
        ),
        params={
            "name": account.customer.name,
            "account": account.number,
            "amount": f"{request.amount_due:,.2f}",
            "pay_by": request.notice.pay_by.isoformat() if request.notice else "",
        },
        url=reverse("billing:suspension_list"),
        level=NotificationLevel.URGENT,
    )


# --- Decisions and work orders --------------------------------------------------------------


@transaction.atomic
def decide_suspension(*, request: SuspensionRequest, by, approve: bool, note: str = "", when=None):
    """The general manager approves (a suspension order goes to the reader) or rejects."""
    when = when or timezone.now()
    request = (
        SuspensionRequest.objects.select_for_update().select_related("account").get(pk=request.pk)
    )
    if request.status != SuspensionStatus.PENDING:
        raise ValidationError(_("This request has been decided already."))
    statement = Statement.objects.get(pk=request.statement_id)
    if approve and statement.status not in UNPAID:
        raise ValidationError(_("The statement has been paid meanwhile."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Give the reason for rejecting.")})
    request.status = SuspensionStatus.APPROVED if approve else SuspensionStatus.REJECTED
    request.decided_by = by
    request.decided_at = when
    request.decision_note = note.strip()
    stamp(request, by, note)
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if not approve:
        return None
    account = request.account
    order = GasWorkOrder(
        number=next_number(FormKind.GAS_WORK_ORDER),
        filled_by=by,
        filled_at=when,
        signed_off_by=by,
        signed_off_at=when,
        account=account,
        kind=WorkOrderKind.SUSPEND,
        request=request,
        assigned_to=account.reader,
        planned_on=workcalendar.add_workdays(timezone.localdate(when), 1),
    )
    stamp(order, by)
    order.save()
    notify(
        readers_of(account),
        gettext_lazy("Suspend the gas of %(account)s"),
        body=gettext_lazy("Approved by %(by)s. Work order %(number)s, planned for %(date)s."),
        params={
            "account": account.number,
            "by": str(by),
            "number": order.number,
            "date": order.planned_on.isoformat(),
        },
        url=reverse("billing:work_order_detail", args=[order.pk]),
        level=NotificationLevel.WARNING,
    )
    return order


@transaction.atomic
def complete_work_order(
    *, order: GasWorkOrder, by, done_on: dt.date, meter_value=None, note: str = ""
) -> GasWorkOrder:
    """The supply was stopped or restored on site: dated, with the meter's reading."""
    order = GasWorkOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != WorkOrderStatus.OPEN:
        raise ValidationError(_("This work order is not open."))
    if done_on > today():
        raise ValidationError({"done_on": _("The date lies in the future.")})
    if done_on < timezone.localdate(order.filled_at):
        raise ValidationError({"done_on": _("The date is before the order was made.")})
    account = GasAccount.objects.select_for_update().get(pk=order.account_id)
    order.status = WorkOrderStatus.DONE
    order.done_on = done_on
    order.done_by = by
    order.meter_value = meter_value
    order.note = note.strip()
    stamp(order, by, note)
    order.save(update_fields=["status", "done_on", "done_by", "meter_value", "note"])
    if order.kind == WorkOrderKind.SUSPEND:
        account.status = AccountStatus.SUSPENDED
        if order.request_id:
            statement = Statement.objects.get(pk=order.request.statement_id)
            if statement.status in UNPAID:
                statement.ladder_step = LadderStep.SUSPENDED
                stamp(statement, by, order.number)
                statement.save(update_fields=["ladder_step"])
    else:
        account.status = AccountStatus.ACTIVE
    stamp(account, by, order.number)
    account.save(update_fields=["status"])
    if order.kind == WorkOrderKind.SUSPEND:
        from billing.services.payments import reconnect_if_settled

        # Paid while the order was on its way: reconnect straight away.
        reconnect_if_settled(account, by, on=done_on)
    return order


@transaction.atomic
def deliver_notice(*, notice: ArrearsNotice, by, delivered_on: dt.date) -> ArrearsNotice:
    notice = ArrearsNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.delivered_on:
        raise ValidationError(_("The notice has been delivered already."))
    if delivered_on > today() or delivered_on < notice.issued_on:
        raise ValidationError({"delivered_on": _("Enter a date between issue and today.")})
    notice.delivered_on = delivered_on
    notice.delivered_by = by
    stamp(notice, by)
    notice.save(update_fields=["delivered_on", "delivered_by"])
    return notice


@transaction.atomic
def transfer_work_orders(orders, to_user, by) -> int:
    moved = 0
    for order in GasWorkOrder.objects.select_for_update().filter(
        pk__in=[o.pk for o in orders], status=WorkOrderStatus.OPEN
    ):
        order.assigned_to = to_user
        stamp(order, by, _("Handed over"))
        order.save(update_fields=["assigned_to"])
        moved += 1
    return moved
