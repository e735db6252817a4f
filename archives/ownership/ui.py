"""Menu entries, dashboard panels, timeline entries and handover sources of the ownership
rules (R-ARC-08 … R-ARC-12). Imported by ArchivesConfig.ready()."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, F, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives import timeline
from archives.models import (
    ConsultantNotice,
    Customer,
    DailySheet,
    Departure,
    Dispute,
    DutyRoster,
    Outcome,
    OwnershipChange,
    OwnershipEvent,
    Punctuality,
    Referral,
    Registration,
    RewardStatus,
)
from archives.ownership import core, departures, pool, rotation
from archives.ownership.rules import DESK
from archives.ownership.services import MIN_CONTACTS
from crm import dashboard, handover, navigation, permissions
from crm.navigation import NavItem
from crm.roles import SALES_ROLES, Role

CONSULTANT = frozenset({Role.SALES_CONSULTANT})
MANAGERS = frozenset({Role.SALES_MANAGER, Role.GENERAL_MANAGER})

navigation.register(
    NavItem("desk", _("Registration desk"), "archives:desk", roles=DESK, order=12),
    NavItem(
        "pool",
        _("Public pool"),
        "archives:pool",
        roles=SALES_ROLES | {Role.GENERAL_MANAGER},
        order=14,
    ),
    NavItem(
        "referrals",
        _("Referrals"),
        "archives:referral_list",
        roles=SALES_ROLES | {Role.GENERAL_MANAGER},
        order=16,
    ),
    NavItem(
        "sheets",
        _("Registration sheets"),
        "archives:sheet_list",
        roles=SALES_ROLES | {Role.GENERAL_MANAGER, Role.ARCHIVE_KEEPER},
        order=17,
    ),
    NavItem("departures", _("Departures"), "archives:departure_list", roles=MANAGERS, order=19),
)

for _source in departures.SOURCES:
    handover.register(_source)


# --- Dashboard panels -----------------------------------------------------------------------


def _rosters_today(request):
    rosters = permissions.visible(
        request.user,
        permissions.VIEW,
        DutyRoster.objects.filter(day=timezone.localdate()).select_related("project"),
    )
    result = []
    for roster in rosters.order_by("project__name"):
        slots = rotation.slots_of(roster)
        result.append({"roster": roster, "slots": slots, "next": rotation.next_in_line(slots)})
    return result


def _desk(request):
    today = timezone.localdate()
    mine = Registration.objects.filter(day=today, registered_by=request.user)
    return {
        "rosters": _rosters_today(request),
        "registered_today": mine.count(),
        "open_disputes": mine.filter(outcome=Outcome.CLASH).count(),
    }


def _roster(request):
    rosters = _rosters_today(request)
    return {"rosters": rosters, "can_edit": core.is_manager(request.user)}


def _protection(request):
    warnings = pool.warnings_for(request.user)
    return {"warnings": warnings[:6], "total": len(warnings)}


def _my_sheet(request):
    user, today = request.user, timezone.localdate()
    registrations = (
        Registration.objects.filter(consultant=user, day=today)
        .select_related("customer")
        .order_by("-registered_at")
    )
    by_channel = dict(registrations.values_list("channel").annotate(n=Count("pk")).order_by())
    yesterday = DailySheet.objects.filter(
        consultant=user,
        day=today - dt.timedelta(days=1),
        status=DailySheet.Status.OPEN,
    ).first()
    return {
        "registrations": registrations[:5],
        "count": sum(by_channel.values()),
        "calls": by_channel.get("call", 0),
        "walk_ins": by_channel.get("walk_in", 0),
        "sheet": DailySheet.objects.filter(consultant=user, day=today).first(),
        "yesterday": yesterday if yesterday and timezone.now() < yesterday.deadline else None,
    }


def _calls(request):
    notices = (
        ConsultantNotice.objects.filter(
            successor=request.user, status=ConsultantNotice.Status.TO_CALL
        )
        .select_related("customer", "previous")
        .order_by("created_at")
    )
    found = list(notices[:8])
    return {"notices": found} if found else None


def _disputes(request):
    open_disputes = permissions.visible(
        request.user, permissions.VIEW, Dispute.objects.filter(status=Dispute.Status.OPEN)
    ).select_related("customer", "incumbent", "claimant")
    found = list(open_disputes.order_by("opened_at")[:6])
    if not found and not core.is_manager(request.user):
        return None
    return {"disputes": found, "total": open_disputes.count()}


def _sheets(request):
    today = timezone.localdate()
    week = permissions.visible(
        request.user,
        permissions.VIEW,
        DailySheet.objects.filter(day__gte=today - dt.timedelta(days=7), day__lt=today),
    )
    trouble = (
        week.filter(Q(status=DailySheet.Status.MISSING) | Q(punctuality=Punctuality.LATE))
        .select_related("consultant")
        .order_by("-day", "consultant__name")
    )
    return {"trouble": trouble[:10]}


def _attention(request):
    rewards = permissions.visible(
        request.user,
        permissions.CHANGE,
        Referral.objects.filter(reward_status=RewardStatus.PENDING),
    ).count()
    thin = (
        permissions.visible(
            request.user, permissions.VIEW, Customer.objects.active().filter(is_important=True)
        )
        .annotate(
            others=Count("co_owners", filter=Q(co_owners__is_active=True), distinct=True),
            staff=F("others") + Case(When(owner__isnull=False, then=1), default=0),
        )
        .filter(staff__lt=MIN_CONTACTS)
    )
    leaving = permissions.visible(
        request.user,
        permissions.VIEW,
        Departure.objects.filter(status=Departure.Status.IN_PROGRESS),
    ).select_related("leaver")
    context = {
        "rewards": rewards,
        "thin": list(thin.select_related("owner")[:6]),
        "leaving": list(leaving[:6]),
    }
    return context if any(context.values()) else None


PANELS = [
    ("desk", _("Registration desk"), "desk", _desk, frozenset({Role.FRONT_DESK}), 5),
    ("my_sheet", _("Today's registrations"), "my_sheet", _my_sheet, CONSULTANT, 6),
    ("protection", _("Protection period"), "protection", _protection, CONSULTANT, 7),
    ("calls", _("Calls to make: new consultant"), "calls", _calls, frozenset(), 8),
    ("disputes", _("Disputes to rule"), "disputes", _disputes, SALES_ROLES | MANAGERS, 9),
    ("sheets", _("Registration sheets"), "sheets", _sheets, MANAGERS | {Role.ARCHIVE_KEEPER}, 10),
    ("roster", _("Today's duty rotation"), "roster", _roster, SALES_ROLES, 11),
    ("attention", _("For the manager"), "attention", _attention, MANAGERS, 12),
]
for _key, _title, _template, _context, _roles, _order in PANELS:
    dashboard.register(
        dashboard.Panel(
            f"ownership.{_key}",
            _title,
            f"archives/ownership/panels/{_template}.html",
            _context,
            roles=_roles,
            order=_order,
        )
    )


# --- Timeline -------------------------------------------------------------------------------

BADGE = _("Ownership")
TITLES = {
    OwnershipChange.ASSIGNED: _("Owner: %(to)s"),
    OwnershipChange.CONFIRMED: _("Registered again; stays with %(to)s"),
    OwnershipChange.CLASH: _("Ownership clash; stays with %(to)s until the ruling"),
    OwnershipChange.RULED: _("Ruling: goes to %(to)s"),
    OwnershipChange.RECALLED: _("Returned to the public pool from %(from)s"),
    OwnershipChange.RELEASED: _("Released to the public pool by %(from)s"),
    OwnershipChange.CLAIMED: _("Claimed from the public pool by %(to)s"),
    OwnershipChange.TRANSFERRED: _("Transferred from %(from)s to %(to)s"),
}


def _ownership_entries(customer, user):
    events = OwnershipEvent.objects.filter(customer=customer).select_related(
        "from_owner", "to_owner", "by", "registration"
    )
    url = reverse("archives:ownership_detail", args=[customer.pk])
    for event in events:
        names = {
            "to": str(event.to_owner or _("Public pool")),
            "from": str(event.from_owner or _("Public pool")),
        }
        detail = event.get_rule_display()
        if event.registration_id:
            detail = f"{event.registration.get_channel_display()} · {detail}"
        if event.note:
            detail = f"{detail} · {event.note}"
        yield timeline.Entry(
            when=event.at,
            kind=f"ownership-{event.change}",
            title=str(TITLES[event.change]) % names,
            detail=detail,
            url=url,
            actor=str(event.by),
            badge=str(BADGE),
        )


timeline.register_customer_source(_ownership_entries)
