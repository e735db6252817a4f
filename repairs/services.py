"""Every change to a work order (§8): one function per step, each one transaction, each
leaving history with the person who made it. Views, the admin, commands and tasks call these.

The steps, in the policy's order: the front desk writes the order and engineering is told
(R-REP-01); an unlisted job gets the supervisor's feasibility and price and the customer's
consent (R-REP-02); the supervisor dispatches or a technician takes the job; on site the
technician confirms the items, the customer agrees or refuses, supplied materials are checked
(R-REP-03); the customer checks and signs, the order goes back by 17:00, to finance by the
25th, and only finance records payment (R-REP-04). Public-area orders (R-REP-05) skip charges
and consent and end with the clean-up. Each step starts or stops its SLA clock (R-REP-06).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from archives.services import touch_contact
from crm import numbering
from crm.models import NotificationLevel, User
from crm.notifications import notify, send_sms
from crm.roles import Role, has_role
from repairs import sla
from repairs.models import (
    Assignment,
    ClockKind,
    DutyShift,
    MaterialCheck,
    MaterialResult,
    OrderKind,
    OrderLine,
    OrderStatus,
    Outcome,
    Photo,
    PriceItem,
    Urgency,
    WorkOrder,
)
from repairs.models.orders import ZERO, LineStage

EARLY_CALL = dt.timedelta(hours=24)  # a call older than this is not a call being written up


def _stamp(instance, by, reason=""):
    """Name the user on the history row. A lazy reason is kept as its English msgid and
    translated when shown, so the record reads in each viewer's language."""
    instance._history_user = by
    if reason:
        if isinstance(reason, Promise):
            with translation.override("en"):
                reason = str(reason)
        instance._change_reason = str(reason)[:100]


def _require(by, *roles: str) -> None:
    if not (by.is_superuser or has_role(by, *roles)):
        raise PermissionDenied


def _require_on_job(order: WorkOrder, by) -> None:
    """The technicians on the job, or the supervisor, act on site."""
    if by.is_superuser or has_role(by, Role.ENGINEERING_SUPERVISOR):
        return
    if has_role(by, Role.TECHNICIAN) and order.assignments.filter(technician=by).exists():
        return
    raise PermissionDenied


def _require_status(order: WorkOrder, *statuses: str) -> None:
    if order.status not in statuses:
        raise ValidationError(
            _("This order is “%(status)s”; that step is not possible now.")
            % {"status": order.get_status_display()},
            code="wrong_status",
        )


def _require_consent(order: WorkOrder) -> None:
    """R-REP-02: no work on an unlisted job before the customer accepted the price."""
    if order.needs_quote and order.consent_at is None:
        raise ValidationError(
            _(
                "This job is not on the price list: the supervisor's price and the customer's "
                "consent must be recorded before anyone is sent or work starts."
            ),
            code="consent_required",
        )


def _save(order: WorkOrder, by, reason, fields: list[str] | None = None) -> None:
    _stamp(order, by, reason)
    order.save(update_fields=fields)


def supervisors():
    return sla.supervisors()


def front_desk():
    return User.objects.working().with_role(Role.FRONT_DESK)


def on_duty(at: dt.datetime | None = None):
    """The supervisor on duty now, from the roster the administrator keeps."""
    shift = DutyShift.objects.covering(at or timezone.now()).select_related("person").first()
    return shift.person if shift else None


def _team(order: WorkOrder) -> list:
    return [a.technician for a in order.assignments.select_related("technician")]


def recompute_total(order: WorkOrder) -> Decimal:
    total = sum((line.amount for line in order.lines.all()), ZERO)
    order.total_amount = total
    return total


# --- R-REP-01: writing the order ------------------------------------------------------------


@transaction.atomic
def create_order(
    *,
    by,
    kind: str = OrderKind.CUSTOMER,
    customer=None,
    unit=None,
    location: str,
    contact_name: str,
    contact_phone: str = "",
    problem: str,
    urgency: str = Urgency.ASAP,
    appointment_at: dt.datetime | None = None,
    price_items=(),
    received_at: dt.datetime | None = None,
    photos=(),
) -> WorkOrder:
    """The front desk writes the order; engineering is told at once (in the app, and by SMS
    to the supervisor on duty). The write and notify clocks run from the call to this moment;
    the next clock starts now: the quote, the on-site limit or the appointment."""
    _require(by, Role.FRONT_DESK, Role.ENGINEERING_SUPERVISOR)
    now = timezone.now()
    received_at = _check_received(received_at or now, now)
    public = kind == OrderKind.PUBLIC
    _check_intake(kind, customer, unit, location, urgency, appointment_at, now)
    needs_quote = not public and not price_items
    order = WorkOrder(
        number=numbering.next_number(OrderKind(kind).form_kind, when=now),
        kind=kind,
        status=OrderStatus.QUOTE if needs_quote else OrderStatus.DISPATCH,
        customer=None if public else customer,
        unit=unit,
        location=location.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone,
        problem=problem.strip(),
        urgency=Urgency.ASAP if public else urgency,
        appointment_at=None if public or urgency == Urgency.ASAP else appointment_at,
        needs_quote=needs_quote,
        received_at=received_at,
        notified_at=now,
        filled_by=by,
        filled_at=now,
    )
    _save(order, by, gettext_lazy("Order written"))
    for item in price_items:
        _add_listed_line(order, item, Decimal(1), by, LineStage.REPORTED)
    if price_items:
        recompute_total(order)
        _save(order, by, gettext_lazy("Items reported"), ["total_amount"])
    for upload in photos:
        _store_photo(order, upload, by)
    sla.record(order, ClockKind.WRITE, started=received_at, stopped=now, by=by)
    notify_kind = ClockKind.PUBLIC_NOTIFY if public else ClockKind.NOTIFY
    sla.record(order, notify_kind, started=received_at, stopped=now, by=by)
    duty = on_duty(now)
    if needs_quote:
        sla.start(order, ClockKind.QUOTE, at=now, responsible=duty)
    else:
        _start_onsite_clock(order, now)
    _tell_engineering(order, by, duty)
    if customer is not None and not public:
        touch_contact(customer=customer, when=received_at)
    return order


def _check_received(received_at: dt.datetime, now: dt.datetime) -> dt.datetime:
    if received_at > now + dt.timedelta(minutes=1):
        raise ValidationError({"received_at": _("The call cannot come in after now.")})
    if received_at < now - EARLY_CALL:
        raise ValidationError(
            {"received_at": _("A call more than a day ago is not written up here.")}
        )
    return min(received_at, now)


def _check_intake(kind, customer, unit, location, urgency, appointment_at, now) -> None:
    errors = {}
    if kind == OrderKind.CUSTOMER and customer is None:
        errors["customer"] = _("Find the tenant by unit, name or phone.")
    if kind == OrderKind.PUBLIC and unit is not None and unit.use != "public":
        errors["unit"] = _("Choose a public area, or describe the location.")
    if not (location or "").strip():
        errors["location"] = _("Enter the address or location.")
    if kind == OrderKind.CUSTOMER and urgency == Urgency.APPOINTMENT:
        early = sla.limit_of(ClockKind.ONSITE_APPOINTMENT).minutes
        if appointment_at is None:
            errors["appointment_at"] = _("Enter the appointment time.")
        elif appointment_at < now + dt.timedelta(minutes=early):
            errors["appointment_at"] = _(
                "An appointment must be at least %(minutes)s minutes from now; "
                "otherwise choose “as soon as possible”."
            ) % {"minutes": early}
    if errors:
        raise ValidationError(errors)


def _start_onsite_clock(order: WorkOrder, at: dt.datetime) -> None:
    if order.is_public:
        kind = ClockKind.PUBLIC_ONSITE
    elif order.urgency == Urgency.APPOINTMENT:
        kind = ClockKind.ONSITE_APPOINTMENT
    else:
        kind = ClockKind.ONSITE_URGENT
    lead = order.assignments.filter(is_lead=True).select_related("technician").first()
    sla.start(order, kind, at=at, responsible=lead.technician if lead else None)


def _tell_engineering(order: WorkOrder, by, duty) -> None:
    level = NotificationLevel.URGENT if order.urgency == Urgency.ASAP else NotificationLevel.INFO
    params = {"number": order.number, "location": order.location, "problem": order.problem[:60]}
    notify(
        [*supervisors(), duty],
        gettext_lazy("New %(number)s: %(location)s"),
        body=gettext_lazy("%(problem)s"),
        params=params,
        url=order.get_absolute_url(),
        level=level,
    )
    phones = [duty] if duty is not None else list(supervisors())
    for person in phones:
        if not person.mobile:
            continue
        with translation.override(person.language or "zh-hans"):
            body = _("[Snowball] New repair %(number)s: %(location)s, %(problem)s") % params
        send_sms(person.mobile, body, purpose="repairs.new_order", created_by=by)


def _add_listed_line(order, item: PriceItem, quantity: Decimal, by, stage) -> OrderLine:
    line = OrderLine(
        order=order,
        price_item=item,
        code=item.code,
        name=item.name_zh,
        unit=item.unit_zh,
        quantity=quantity,
        labour_price=item.labour_price,
        material_price=item.material_price,
        stage=stage,
        added_by=by,
    )
    _stamp(line, by)
    line.save()
    return line


def _store_photo(order: WorkOrder, upload, by) -> Photo:
    photo = Photo(
        order=order,
        original_name=upload.name[-200:],
        content_type=getattr(upload, "detected_type", "application/octet-stream"),
        size=upload.size,
        uploaded_by=by,
    )
    photo.file.save(upload.name, upload, save=False)
    photo.save()
    return photo


@transaction.atomic
def add_photos(*, order: WorkOrder, by, photos) -> int:
    if not (has_role(by, Role.FRONT_DESK) or by.is_superuser):
        _require_on_job(order, by)
    for upload in photos:
        _store_photo(order, upload, by)
    return len(photos)


@transaction.atomic
def cancel_order(*, order: WorkOrder, by, reason: str) -> WorkOrder:
    _require(by, Role.FRONT_DESK, Role.ENGINEERING_SUPERVISOR)
    _require_status(
        order, OrderStatus.QUOTE, OrderStatus.CONSENT, OrderStatus.DISPATCH, OrderStatus.ASSIGNED
    )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    now = timezone.now()
    order.status, order.outcome = OrderStatus.CLOSED, Outcome.CANCELLED
    order.closed_at, order.close_note = now, reason.strip()
    _save(order, by, reason)
    sla.cancel(order, at=now)
    notify(
        [*_team(order), *supervisors()],
        gettext_lazy("%(number)s cancelled: %(reason)s"),
        params={"number": order.number, "reason": reason.strip()[:80]},
        url=order.get_absolute_url(),
    )
    return order


# --- R-REP-02: unlisted jobs: the supervisor's price, the customer's consent ------------------


@transaction.atomic
def record_quote(*, order: WorkOrder, by, feasible: bool, note: str, lines=()) -> WorkOrder:
    """Feasibility and price within the quote clock. `lines`: dicts of name, unit, quantity,
    labour_price, material_price (and price_item for a listed part of the job)."""
    _require(by, Role.ENGINEERING_SUPERVISOR)
    _require_status(order, OrderStatus.QUOTE)
    if not note.strip():
        raise ValidationError({"note": _("Write down the assessment.")})
    if feasible and not lines:
        raise ValidationError({"lines": _("Give at least one item with its price.")})
    now = timezone.now()
    for values in lines if feasible else ():
        line = OrderLine(order=order, stage=LineStage.QUOTED, added_by=by, **values)
        if line.price_item_id and not line.code:
            line.code = line.price_item.code
        _stamp(line, by)
        line.save()
    recompute_total(order)
    order.quoted_at, order.quoted_by, order.quote_note = now, by, note.strip()
    if feasible:
        order.status = OrderStatus.CONSENT
        message = gettext_lazy("%(number)s quoted at %(total)s: ask the customer to consent")
    else:
        order.status, order.outcome = OrderStatus.CLOSED, Outcome.INFEASIBLE
        order.closed_at, order.close_note = now, note.strip()
        message = gettext_lazy("%(number)s cannot be repaired: tell the customer")
    _save(order, by, gettext_lazy("Quote recorded"))
    sla.stop(order, ClockKind.QUOTE, at=now, by=by)
    notify(
        [order.filled_by, *front_desk()],
        message,
        params={"number": order.number, "total": f"¥{order.total_amount:,.2f}"},
        url=order.get_absolute_url(),
    )
    return order


@transaction.atomic
def record_consent(*, order: WorkOrder, by, agreed: bool, note: str) -> WorkOrder:
    """The customer's answer to the price, recorded with how it was given. With consent the
    job goes to dispatch and its on-site clock starts (§8 ③ 再按上述时效)."""
    _require(by, Role.FRONT_DESK, Role.ENGINEERING_SUPERVISOR)
    _require_status(order, OrderStatus.CONSENT)
    if not note.strip():
        raise ValidationError({"note": _("Note how and with whom the answer was given.")})
    now = timezone.now()
    if agreed:
        order.consent_at, order.consent_recorded_by = now, by
        order.consent_note = note.strip()[:200]
        order.status = OrderStatus.DISPATCH
    else:
        order.status, order.outcome = OrderStatus.CLOSED, Outcome.DECLINED
        order.closed_at, order.close_note = now, note.strip()
    _save(order, by, gettext_lazy("Customer's answer to the quote"))
    if agreed:
        _start_onsite_clock(order, now)
        notify(
            supervisors(),
            gettext_lazy("%(number)s: the customer accepted the price; dispatch now"),
            params={"number": order.number},
            url=order.get_absolute_url(),
            level=NotificationLevel.URGENT,
        )
    touch_contact(customer=order.customer, when=now)
    return order


# --- Dispatch -------------------------------------------------------------------------------


def _check_technicians(technicians) -> list:
    team = list(dict.fromkeys(technicians))
    if not team:
        raise ValidationError({"technicians": _("Choose at least one technician.")})
    allowed = set(User.objects.working().with_role(Role.TECHNICIAN).values_list("pk", flat=True))
    if any(person.pk not in allowed for person in team):
        raise ValidationError({"technicians": _("Only working technicians can be sent.")})
    return team


@transaction.atomic
def dispatch_order(*, order: WorkOrder, by, technicians, lead=None) -> WorkOrder:
    """The supervisor sends one or more technicians; the first (or `lead`) leads the job."""
    _require(by, Role.ENGINEERING_SUPERVISOR)
    _require_consent(order)
    _require_status(order, OrderStatus.DISPATCH, OrderStatus.ASSIGNED)
    team = _check_technicians(technicians)
    lead = lead if lead in team else team[0]
    order.assignments.exclude(technician__in=team).delete()
    order.assignments.exclude(technician=lead).update(is_lead=False)
    for person in team:
        Assignment.objects.update_or_create(
            order=order,
            technician=person,
            defaults={"is_lead": person == lead, "assigned_by": by, "assigned_at": timezone.now()},
        )
    order.status = OrderStatus.ASSIGNED
    _save(order, by, gettext_lazy("Dispatched"), ["status"])
    sla.set_responsible(order, lead)
    notify(
        team,
        gettext_lazy("Job %(number)s: %(location)s"),
        body=gettext_lazy("%(problem)s"),
        params={"number": order.number, "location": order.location, "problem": order.problem},
        url=order.get_absolute_url(),
        level=NotificationLevel.URGENT if order.urgency == Urgency.ASAP else NotificationLevel.INFO,
    )
    return order


@transaction.atomic
def take_job(*, order: WorkOrder, by) -> WorkOrder:
    """A technician takes a job waiting in the queue; two taking at once: the second is told."""
    _require(by, Role.TECHNICIAN)
    _require_consent(order)
    locked = WorkOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status != OrderStatus.DISPATCH or locked.assignments.exists():
        raise ValidationError(_("Someone else has just taken this job."), code="taken")
    try:
        with transaction.atomic():
            Assignment.objects.create(
                order=order, technician=by, is_lead=True, taken_from_queue=True, assigned_by=by
            )
    except IntegrityError:
        raise ValidationError(_("Someone else has just taken this job."), code="taken") from None
    order.status = OrderStatus.ASSIGNED
    _save(order, by, gettext_lazy("Taken from the queue"), ["status"])
    sla.set_responsible(order, by)
    notify(
        supervisors(),
        gettext_lazy("%(name)s took %(number)s"),
        params={"name": str(by), "number": order.number},
        url=order.get_absolute_url(),
    )
    return order


# --- R-REP-03: on site ----------------------------------------------------------------------


@transaction.atomic
def record_arrival(*, order: WorkOrder, by) -> WorkOrder:
    _require_on_job(order, by)
    _require_consent(order)
    _require_status(order, OrderStatus.ASSIGNED)
    now = timezone.now()
    order.arrived_at = now
    order.status = OrderStatus.WORKING if order.is_public else OrderStatus.ON_SITE
    _save(order, by, gettext_lazy("Arrived on site"))
    sla.stop(order, sla.ONSITE_KINDS, at=now, by=by)
    return order


@transaction.atomic
def confirm_lines(
    *, order: WorkOrder, by, quantities: dict[int, Decimal], additions=(), note: str = ""
) -> WorkOrder:
    """The technician compares the items with the price list and confirms or corrects them:
    `quantities` {line pk: new quantity, 0 removes}, `additions` [(PriceItem, quantity)].
    A correction says what differs from the report (§8 4.1 3)."""
    _require_on_job(order, by)
    _require_status(order, OrderStatus.ON_SITE)
    lines = {line.pk: line for line in order.lines.all()}
    if set(quantities) - set(lines):
        raise ValidationError(_("An item does not belong to this order."))
    changed = [pk for pk, qty in quantities.items() if qty != lines[pk].quantity]
    additions = [(item, qty) for item, qty in additions if item is not None and qty > 0]
    if any(qty < 0 for qty in quantities.values()):
        raise ValidationError(_("A quantity cannot be negative."))
    corrected = bool(changed or additions) and bool(lines)
    if corrected and not note.strip():
        raise ValidationError({"note": _("Say what differs from what was reported.")})
    for pk in changed:
        line = lines[pk]
        _stamp(line, by, note)
        if quantities[pk] == 0:
            line.delete()
        else:
            line.quantity = quantities[pk]
            line.save(update_fields=["quantity"])
    for item, quantity in additions:
        _add_listed_line(order, item, quantity, by, LineStage.ON_SITE)
    recompute_total(order)
    order.lines_confirmed_at = timezone.now()
    if note.strip():
        order.correction_note = "\n".join(filter(None, [order.correction_note, note.strip()]))
    reason = (
        gettext_lazy("Items corrected on site") if corrected else gettext_lazy("Items confirmed")
    )
    _save(order, by, reason)
    return order


@transaction.atomic
def record_decision(*, order: WorkOrder, by, agreed: bool, reason: str = "") -> WorkOrder:
    """The customer, shown the charges, agrees (work starts) or refuses (the order goes back
    to the supervisor, who co-signs the note)."""
    _require_on_job(order, by)
    _require_consent(order)
    _require_status(order, OrderStatus.ON_SITE)
    if order.lines_confirmed_at is None:
        raise ValidationError(
            _("Confirm the items and charges first: the customer agrees to them.")
        )
    now = timezone.now()
    if agreed:
        order.agreed_at, order.status = now, OrderStatus.WORKING
        _save(order, by, gettext_lazy("Customer agreed"))
    else:
        if not reason.strip():
            raise ValidationError({"reason": _("Write down why the customer refused.")})
        order.refused_at, order.refusal_reason = now, reason.strip()
        order.status = OrderStatus.REFUSED
        _save(order, by, gettext_lazy("Customer refused"))
        notify(
            supervisors(),
            gettext_lazy("%(number)s refused by the customer: co-sign the note"),
            body=gettext_lazy("%(reason)s"),
            params={"number": order.number, "reason": reason.strip()},
            url=order.get_absolute_url(),
            level=NotificationLevel.WARNING,
        )
    touch_contact(customer=order.customer, when=now)
    return order


@transaction.atomic
def cosign_refusal(*, order: WorkOrder, by, note: str = "") -> WorkOrder:
    """The supervisor and the technician note the reason and sign; the order goes back to the
    front desk to be filed (§8 4.1 4)."""
    _require(by, Role.ENGINEERING_SUPERVISOR)
    _require_status(order, OrderStatus.REFUSED)
    now = timezone.now()
    order.cosign_note = note.strip()
    order.signed_off_by, order.signed_off_at = by, now
    order.status, order.outcome = OrderStatus.CLOSED, Outcome.REFUSED
    order.closed_at, order.close_note = now, order.refusal_reason
    _save(order, by, gettext_lazy("Refusal co-signed"))
    notify(
        [order.filled_by],
        gettext_lazy("%(number)s: refusal co-signed; file the order"),
        params={"number": order.number},
        url=order.get_absolute_url(),
    )
    return order


@transaction.atomic
def check_material(
    *, order: WorkOrder, by, material: str, result: str, advice: str = ""
) -> MaterialCheck:
    """Materials the customer supplied: 合格 / 不合格 / 质量不佳, and the advice given."""
    _require_on_job(order, by)
    _require_status(order, OrderStatus.ON_SITE, OrderStatus.WORKING)
    if not material.strip():
        raise ValidationError({"material": _("Name the material.")})
    if result != MaterialResult.PASSED and not advice.strip():
        raise ValidationError(
            {"advice": _("Tell the customer what using this material may lead to, and note it.")}
        )
    check = MaterialCheck(
        order=order, material=material.strip(), result=result, advice=advice.strip(), checked_by=by
    )
    _stamp(check, by)
    check.save()
    return check


# --- R-REP-04 / R-REP-05: completion ---------------------------------------------------------


@transaction.atomic
def complete_order(
    *,
    order: WorkOrder,
    by,
    work_done: str,
    customer_checked: bool = False,
    signature_png: bytes | None = None,
    signed_on_paper: bool = False,
    cleanup_confirmed: bool = False,
    cleanup_note: str = "",
) -> WorkOrder:
    """The customer tries the work and signs (on the phone or on paper); a public area is
    cleaned up first. The order must then be back with the supervisor by 17:00."""
    _require_on_job(order, by)
    _require_consent(order)
    _require_status(order, OrderStatus.WORKING)
    _check_completion(order, work_done, customer_checked, signature_png, signed_on_paper)
    if order.is_public and not cleanup_confirmed:
        raise ValidationError({"cleanup_confirmed": _("Confirm the site has been cleaned up.")})
    now = timezone.now()
    order.work_done = work_done.strip()
    order.completed_at, order.completed_by = now, by
    if order.is_public:
        order.cleanup_confirmed_at, order.cleanup_note = now, cleanup_note.strip()[:200]
    else:
        order.customer_checked = True
        order.signed_on_paper = signed_on_paper and not signature_png
        if signature_png:
            order.signature.save(f"{order.number}.png", ContentFile(signature_png), save=False)
    order.status = OrderStatus.DONE
    _save(order, by, pgettext_lazy("repair order", "Completed"))
    lead = order.assignments.filter(is_lead=True).select_related("technician").first()
    sla.start(order, ClockKind.RETURN, at=now, responsible=lead.technician if lead else by)
    if order.customer_id:
        touch_contact(customer=order.customer, when=now)
    return order


def _check_completion(order, work_done, checked, signature_png, on_paper) -> None:
    errors = {}
    if not work_done.strip():
        errors["work_done"] = _("Describe the work done.")
    if not order.is_public:
        if order.lines_confirmed_at is None:
            errors["work_done"] = _("Confirm the items and charges first.")
        if not checked:
            errors["customer_checked"] = _("The customer tries or checks the work before signing.")
        if not signature_png and not on_paper:
            errors["signature"] = _("The customer signs on the screen, or tick “signed on paper”.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def confirm_return(*, orders, by) -> int:
    """The supervisor confirms copies two and three are back (by 17:00) and signs them off."""
    _require(by, Role.ENGINEERING_SUPERVISOR)
    now = timezone.now()
    confirmed = 0
    for order in orders:
        if order.status != OrderStatus.DONE or order.signed_off_at is not None:
            continue
        order.signed_off_by, order.signed_off_at = by, now
        _save(order, by, gettext_lazy("Returned to the supervisor"))
        sla.stop(order, ClockKind.RETURN, at=now, by=by)
        confirmed += 1
    return confirmed


# --- Staff handover (R-ARC-12) --------------------------------------------------------------


@transaction.atomic
def transfer_jobs(*, assignment_ids, to_user, by) -> int:
    """A leaving technician's open jobs go to a successor, who takes their place (and lead).
    Items are assignments, so the job is moved from exactly the person who held it."""
    assignment_ids = list(assignment_ids)
    if not assignment_ids:
        return 0  # a departure hands over every source; a reader has no jobs to move
    if not has_role(to_user, Role.TECHNICIAN):
        raise ValidationError(_("Jobs can only be handed to a technician."))
    moved = 0
    for mine in Assignment.objects.filter(pk__in=assignment_ids).select_related("order"):
        order, from_user_id = mine.order, mine.technician_id
        if from_user_id == to_user.pk:
            continue
        successor = order.assignments.filter(technician=to_user).first()
        if successor is not None:
            mine.delete()
            if mine.is_lead:
                successor.is_lead = True
                successor.save(update_fields=["is_lead"])
        else:
            mine.technician, mine.assigned_by = to_user, by
            mine.save(update_fields=["technician", "assigned_by"])
        order.clocks.filter(responsible_id=from_user_id, state="running").update(
            responsible=to_user
        )
        _save(order, by, gettext_lazy("Handed over"))  # the history names who moved it
        moved += 1
    return moved
