"""The walk-in duty rotation (轮排): the day's queue of consultants on duty at a sales office.

An unnamed walk-in goes to the first consultant present in queue order, who then moves to the
end. A consultant who is away is passed over and keeps their place at the front, so they lose
no turn. The roster row is locked (select_for_update) while a turn is taken, so two receptionists
registering walk-ins at the same moment never give both to the same consultant.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import DutyRoster, DutySlot
from archives.ownership.core import can_take_customers, is_manager
from crm.models import User
from crm.roles import Role, has_role


def roster_for(project, day: dt.date) -> DutyRoster | None:
    return DutyRoster.objects.filter(project=project, day=day).first()


def slots_of(roster: DutyRoster | None) -> list[DutySlot]:
    if roster is None:
        return []
    return list(roster.slots.select_related("consultant").order_by("position", "pk"))


def next_in_line(slots: list[DutySlot]) -> DutySlot | None:
    """Who gets the next unnamed walk-in (read-only, for display)."""
    return next((s for s in slots if not s.is_away and can_take_customers(s.consultant)), None)


@transaction.atomic
def next_on_duty(*, project, day: dt.date, when: dt.datetime | None = None) -> User:
    """Give the next unnamed walk-in to the consultant whose turn it is, and move them to the
    end of the queue. Raises ValidationError when nobody can take it."""
    if project is None:
        raise ValidationError({"project": _("Choose the project whose sales office this is.")})
    roster = DutyRoster.objects.select_for_update().filter(project=project, day=day).first()
    if roster is None:
        raise ValidationError(
            _(
                "There is no duty rotation for %(project)s on %(day)s: the sales manager sets "
                "it up, or choose the consultant the visitor named."
            )
            % {"project": project.name, "day": day.isoformat()}
        )
    slots = slots_of(roster)
    slot = next_in_line(slots)
    if slot is None:
        raise ValidationError(
            _(
                "Every consultant on today's rotation is away: mark one back, or choose the "
                "consultant the visitor named."
            )
        )
    slot.position = max(s.position for s in slots) + 1
    slot.received += 1
    slot.last_received_at = when or timezone.now()
    slot.save(update_fields=["position", "received", "last_received_at"])
    return slot.consultant


def _require_manager(by) -> None:
    if not is_manager(by):
        raise PermissionDenied


def _check_consultant(person) -> None:
    if not has_role(person, Role.SALES_CONSULTANT) or not can_take_customers(person):
        raise ValidationError(_("%(name)s is not a working sales consultant.") % {"name": person})


@transaction.atomic
def create_roster(*, project, day: dt.date, by, consultants=None) -> DutyRoster:
    """The day's rotation; without a list, in the order of the last rotation of the project."""
    _require_manager(by)
    if DutyRoster.objects.filter(project=project, day=day).exists():
        raise ValidationError(_("This day already has a rotation."))
    if consultants is None:
        last = DutyRoster.objects.filter(project=project, day__lt=day).order_by("-day").first()
        consultants = [s.consultant for s in slots_of(last) if can_take_customers(s.consultant)]
    roster = DutyRoster.objects.create(project=project, day=day, created_by=by)
    for position, consultant in enumerate(consultants, start=1):
        _check_consultant(consultant)
        DutySlot.objects.create(roster=roster, consultant=consultant, position=position)
    return roster


@transaction.atomic
def add_to_roster(*, roster: DutyRoster, consultant, by) -> DutySlot:
    _require_manager(by)
    _check_consultant(consultant)
    roster = DutyRoster.objects.select_for_update().get(pk=roster.pk)
    if roster.slots.filter(consultant=consultant).exists():
        raise ValidationError(_("%(name)s is already on this rotation.") % {"name": consultant})
    last = roster.slots.aggregate(last=Max("position"))["last"] or 0
    return DutySlot.objects.create(roster=roster, consultant=consultant, position=last + 1)


@transaction.atomic
def remove_from_roster(*, slot: DutySlot, by) -> None:
    _require_manager(by)
    DutyRoster.objects.select_for_update().get(pk=slot.roster_id)
    slot.delete()


@transaction.atomic
def move_slot(*, slot: DutySlot, up: bool, by) -> None:
    """Swap the consultant with the one before (up) or after them in the queue."""
    _require_manager(by)
    DutyRoster.objects.select_for_update().get(pk=slot.roster_id)
    slots = list(DutySlot.objects.filter(roster_id=slot.roster_id).order_by("position", "pk"))
    index = next(i for i, s in enumerate(slots) if s.pk == slot.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(slots):
        return
    # Renumber the whole queue so equal positions can never hide an order.
    slots[index], slots[other] = slots[other], slots[index]
    for position, each in enumerate(slots, start=1):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])


def may_mark_away(user, slot: DutySlot) -> bool:
    return is_manager(user) or has_role(user, Role.FRONT_DESK) or slot.consultant_id == user.pk


@transaction.atomic
def set_away(*, slot: DutySlot, away: bool, by) -> DutySlot:
    """Away: passed over without losing the turn. Back: takes the place they kept."""
    if not may_mark_away(by, slot):
        raise PermissionDenied
    DutyRoster.objects.select_for_update().get(pk=slot.roster_id)
    slot = DutySlot.objects.get(pk=slot.pk)
    slot.is_away = away
    slot.away_since = timezone.now() if away else None
    slot.save(update_fields=["is_away", "away_since"])
    return slot
