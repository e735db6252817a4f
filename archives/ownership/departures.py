"""Staff departure (R-ARC-12, §4 六/八, §13 12): a manager starts the handover of a leaving
employee; everything they own or hold open — archives and the open work every app registers
with crm.handover — passes to successors, in bulk by rule or one by one; the departure
completes only when nothing is left, and then the leaver loses all access.

This module also holds the archives' own handover sources: archives owned, archives co-owned,
places on duty rotations, and calls still to make to tell customers their new consultant.
Each customer whose consultant changes is told "your new consultant is …" by text message, or
by a call task for the new consultant (important customers, and those without a mobile).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import cycle

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from archives import services as archive_services
from archives.models import (
    ConsultantNotice,
    Customer,
    Departure,
    DutySlot,
    HandoverRecord,
    OwnershipChange,
    OwnershipRule,
    PhoneKind,
)
from archives.ownership import core
from crm import handover
from crm.handover import HandoverItem
from crm.models import EmploymentStatus, User
from crm.notifications import notify, send_sms
from crm.phones import national
from crm.roles import Role, has_role

# --- Who may run a departure ----------------------------------------------------------------


def may_manage(by, leaver) -> bool:
    if by.is_superuser or has_role(by, Role.GENERAL_MANAGER):
        return True
    return has_role(by, Role.SALES_MANAGER) and bool(
        by.department_id and by.department_id == leaver.department_id
    )


def successors_for(leaver):
    """Working staff of the leaver's department who may take the work."""
    people = User.objects.working().filter(employment_status=EmploymentStatus.ACTIVE)
    if leaver.department_id:
        people = people.filter(department_id=leaver.department_id)
    return people.exclude(pk=leaver.pk).exclude(username=core.SYSTEM_USERNAME).order_by("name")


def _check_successor(departure: Departure, successor) -> None:
    if successor.pk == departure.leaver_id or not core.can_take_customers(successor):
        raise ValidationError(
            _("%(name)s cannot take over: choose a working colleague.") % {"name": successor}
        )


# --- The workflow ---------------------------------------------------------------------------


@transaction.atomic
def start_departure(*, leaver, by, last_day=None, note: str = "") -> Departure:
    if not may_manage(by, leaver):
        raise PermissionDenied
    if leaver.pk == by.pk:
        raise ValidationError(_("Someone else starts your own handover."))
    leaver = User.objects.select_for_update().get(pk=leaver.pk)
    if leaver.employment_status == EmploymentStatus.LEFT or not leaver.is_active:
        raise ValidationError(_("%(name)s has already left.") % {"name": leaver})
    if Departure.objects.filter(leaver=leaver, status=Departure.Status.IN_PROGRESS).exists():
        raise ValidationError(
            _("A handover of %(name)s is already in progress.") % {"name": leaver}
        )
    leaver.employment_status = EmploymentStatus.LEAVING
    leaver.save(update_fields=["employment_status"])
    departure = Departure.objects.create(
        leaver=leaver, started_by=by, last_day=last_day, note=note.strip()[:300]
    )
    notify(
        [leaver],
        gettext_lazy("Your handover has started"),
        body=gettext_lazy("Your customers and open work pass to colleagues before you leave."),
    )
    return departure


def round_robin(items: list[HandoverItem], successors: list) -> dict[tuple[str, int], object]:
    """Bulk rule: items dealt in turn to the chosen successors."""
    if not successors:
        raise ValidationError({"successors": _("Choose at least one successor.")})
    dealer = cycle(successors)
    return {(item.source, item.pk): next(dealer) for item in items}


@transaction.atomic
def hand_over(*, departure: Departure, assignments: dict[tuple[str, int], object], by) -> int:
    """Pass each (source, item) to its successor through the source's own transfer."""
    departure = Departure.objects.select_for_update().select_related("leaver").get(pk=departure.pk)
    if not may_manage(by, departure.leaver):
        raise PermissionDenied
    if not departure.in_progress:
        raise ValidationError(_("This departure is closed."))
    grouped: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for (source_key, item_pk), successor in assignments.items():
        _check_successor(departure, successor)
        grouped[source_key][successor.pk].append(item_pk)
    moved = 0
    people = {s.pk: s for s in assignments.values()}
    for source_key, by_successor in grouped.items():
        source = handover.source(source_key)
        current = {item.pk: item for item in source.open_items(departure.leaver)}
        for successor_pk, pks in by_successor.items():
            items = [current[pk] for pk in pks if pk in current]
            if len(items) != len(pks):
                raise ValidationError(
                    _("Some of the work was handed over meanwhile; reload the page.")
                )
            moved += source.transfer(items, people[successor_pk], by)
            HandoverRecord.objects.bulk_create(
                HandoverRecord(
                    departure=departure,
                    source=source_key,
                    item_pk=item.pk,
                    label=item.label[:200],
                    successor=people[successor_pk],
                    by=by,
                )
                for item in items
            )
    return moved


@transaction.atomic
def complete_departure(*, departure: Departure, by) -> Departure:
    """Only when nothing is left: then the leaver has left and can no longer sign in."""
    departure = Departure.objects.select_for_update().select_related("leaver").get(pk=departure.pk)
    if not may_manage(by, departure.leaver):
        raise PermissionDenied
    if not departure.in_progress:
        raise ValidationError(_("This departure is closed."))
    left = handover.open_count(departure.leaver)
    if left:
        raise ValidationError(
            ngettext(
                "%(n)s item is not handed over yet: the departure cannot complete.",
                "%(n)s items are not handed over yet: the departure cannot complete.",
                left,
            )
            % {"n": left}
        )
    leaver = departure.leaver
    leaver.employment_status = EmploymentStatus.LEFT
    leaver.is_active = False
    leaver.save(update_fields=["employment_status", "is_active"])
    departure.status = Departure.Status.COMPLETED
    departure.closed_by = by
    departure.closed_at = timezone.now()
    departure.save(update_fields=["status", "closed_by", "closed_at"])
    return departure


@transaction.atomic
def cancel_departure(*, departure: Departure, by, note: str = "") -> Departure:
    """The employee stays after all; what was handed over stays with the successors."""
    departure = Departure.objects.select_for_update().select_related("leaver").get(pk=departure.pk)
    if not may_manage(by, departure.leaver):
        raise PermissionDenied
    if not departure.in_progress:
        raise ValidationError(_("This departure is closed."))
    departure.status = Departure.Status.CANCELLED
    departure.closed_by = by
    departure.closed_at = timezone.now()
    if note.strip():
        departure.note = note.strip()[:300]
    departure.save(update_fields=["status", "closed_by", "closed_at", "note"])
    User.objects.filter(pk=departure.leaver_id).update(employment_status=EmploymentStatus.ACTIVE)
    return departure


# --- Telling the customer --------------------------------------------------------------------


def tell_customer(*, customer: Customer, previous, successor, by) -> ConsultantNotice:
    """ "Your new consultant is …": a text message, or a call for important customers (§1: by
    phone) and for those without a mobile."""
    mobile = customer.phones.filter(kind=PhoneKind.MOBILE).order_by("-is_primary", "pk").first()
    notice = ConsultantNotice(customer=customer, previous=previous, successor=successor)
    if customer.is_important or mobile is None:
        notice.method, notice.status = ConsultantNotice.Method.CALL, ConsultantNotice.Status.TO_CALL
        notice.save()
        return notice
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "Dear %(name)s, your new property consultant is %(consultant)s, phone %(phone)s. "
            "— %(company)s"
        ) % {
            "name": customer.name,
            "consultant": successor.get_full_name(),
            "phone": national(successor.mobile) or customer.company.phone,
            "company": customer.company.short_name or customer.company.name,
        }
    notice.method, notice.status = ConsultantNotice.Method.SMS, ConsultantNotice.Status.SENT
    notice.sms = send_sms(mobile.number, body, purpose="new_consultant", created_by=by)
    notice.save()
    return notice


@transaction.atomic
def mark_called(*, notice: ConsultantNotice, by, note: str = "") -> ConsultantNotice:
    notice = ConsultantNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.successor_id != by.pk:
        raise PermissionDenied
    if notice.status != ConsultantNotice.Status.TO_CALL:
        raise ValidationError(_("This call is done already."))
    notice.status = ConsultantNotice.Status.CALLED
    notice.done_at = timezone.now()
    notice.done_note = note.strip()[:200]
    notice.save(update_fields=["status", "done_at", "done_note"])
    return notice


# --- The archives' handover sources ---------------------------------------------------------


def owned_items(user) -> list[HandoverItem]:
    customers = Customer.objects.active().filter(owner=user).order_by("number")
    return [
        HandoverItem(
            source="archives.customers",
            pk=c.pk,
            label=f"{c.number} {c.name}",
            url=reverse("archives:ownership_detail", args=[c.pk]),
            detail=c.get_status_display(),
        )
        for c in customers.only("pk", "number", "name", "status")
    ]


@transaction.atomic
def transfer_owned(items, to_user, by) -> int:
    moved = 0
    for item in items:
        customer = core.lock_customer(item.pk)
        previous = customer.owner
        if previous is None or previous.pk == to_user.pk:
            continue
        core.change_owner(
            customer=customer,
            to=to_user,
            rule=OwnershipRule.STAFF_DEPARTURE,
            change=OwnershipChange.TRANSFERRED,
            by=by,
        )
        tell_customer(customer=customer, previous=previous, successor=to_user, by=by)
        notify(
            [to_user],
            gettext_lazy("%(name)s is now your customer"),
            body=gettext_lazy("Handed over from %(previous)s."),
            params={"name": customer.name, "previous": previous.get_full_name()},
            url=customer.get_absolute_url(),
        )
        moved += 1
    return moved


def co_owned_items(user) -> list[HandoverItem]:
    through = Customer.co_owners.through.objects.filter(
        user=user, customer__voided_at__isnull=True
    ).select_related("customer")
    return [
        HandoverItem(
            source="archives.co_owned",
            pk=row.pk,
            label=f"{row.customer.number} {row.customer.name}",
            url=reverse("archives:ownership_detail", args=[row.customer_id]),
            detail=str(_("co-owner")),
        )
        for row in through.order_by("customer__number")
    ]


@transaction.atomic
def transfer_co_owned(items, to_user, by) -> int:
    through = Customer.co_owners.through.objects.select_related("customer", "user")
    moved = 0
    for row in through.filter(pk__in=[item.pk for item in items]):
        customer = core.lock_customer(row.customer_id)
        keep = [p for p in customer.co_owners.all() if p.pk != row.user_id]
        if to_user.pk != customer.owner_id and all(p.pk != to_user.pk for p in keep):
            keep.append(to_user)
        archive_services.set_co_owners(
            customer=customer,
            co_owners=keep,
            by=by,
            reason=_("Staff departure: %(from)s → %(to)s") % {"from": row.user, "to": to_user},
        )
        moved += 1
    return moved


def duty_items(user) -> list[HandoverItem]:
    today = timezone.localdate()
    slots = DutySlot.objects.filter(consultant=user, roster__day__gte=today).select_related(
        "roster__project"
    )
    return [
        HandoverItem(
            source="archives.duty",
            pk=slot.pk,
            label=f"{slot.roster.day:%Y-%m-%d} {slot.roster.project.name}",
            url=reverse("archives:rotation")
            + f"?project={slot.roster.project_id}&day={slot.roster.day:%Y-%m-%d}",
        )
        for slot in slots.order_by("roster__day", "pk")
    ]


@transaction.atomic
def transfer_duty(items, to_user, by) -> int:
    moved = 0
    for slot in DutySlot.objects.filter(pk__in=[item.pk for item in items]):
        if DutySlot.objects.filter(roster_id=slot.roster_id, consultant=to_user).exists():
            slot.delete()  # the successor is on that day's rotation already
        else:
            slot.consultant = to_user
            slot.save(update_fields=["consultant"])
        moved += 1
    return moved


def call_items(user) -> list[HandoverItem]:
    notices = ConsultantNotice.objects.filter(
        successor=user, status=ConsultantNotice.Status.TO_CALL
    ).select_related("customer")
    return [
        HandoverItem(
            source="archives.calls",
            pk=notice.pk,
            label=f"{notice.customer.number} {notice.customer.name}",
            url=reverse("archives:ownership_detail", args=[notice.customer_id]),
        )
        for notice in notices.order_by("pk")
    ]


@transaction.atomic
def transfer_calls(items, to_user, by) -> int:
    return ConsultantNotice.objects.filter(
        pk__in=[item.pk for item in items], status=ConsultantNotice.Status.TO_CALL
    ).update(successor=to_user)


SOURCES = [
    handover.HandoverSource(
        "archives.customers",
        gettext_lazy("Customer archives owned"),
        owned_items,
        transfer_owned,
        order=10,
    ),
    handover.HandoverSource(
        "archives.co_owned",
        gettext_lazy("Customer archives co-owned"),
        co_owned_items,
        transfer_co_owned,
        order=11,
    ),
    handover.HandoverSource(
        "archives.duty",
        gettext_lazy("Places on duty rotations"),
        duty_items,
        transfer_duty,
        order=12,
    ),
    handover.HandoverSource(
        "archives.calls",
        gettext_lazy("Calls to tell customers their new consultant"),
        call_items,
        transfer_calls,
        order=13,
    ),
]
