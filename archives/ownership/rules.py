"""Access rules of the ownership models, registered with crm.permissions (the one door).

- ownership events and owner periods are parts of an archive: whoever may open the archive;
  an open period in the public pool is also listed to sales staff (the pool screen shows it
  with the name masked until someone claims it);
- registrations: who registered them and whose sheet they are on, the sales manager of that
  consultant's department, and the company-wide roles;
- disputes: both consultants may look; their sales manager and the general manager rule;
- duty rotations: everyone at the desk sees them, managers change them;
- referrals follow the archives of the two customers; managers decide rewards;
- daily sheets: the consultant, their sales manager, the archive keeper (综合服务部 keeps them,
  §6 3.1.7) and the general manager;
- departures: the leaver's sales manager and the general manager.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from archives.models import (
    ConsultantNotice,
    DailySheet,
    Departure,
    Dispute,
    DutyRoster,
    DutySlot,
    HandoverRecord,
    OwnerPeriod,
    OwnershipEvent,
    Referral,
    Registration,
)
from archives.rules import on_visible_archive
from crm import permissions
from crm.roles import SALES_ROLES, Role, roles_of

DESK = frozenset({Role.FRONT_DESK, Role.SALES_CONSULTANT, Role.SALES_MANAGER, Role.GENERAL_MANAGER})
COMPANY_WIDE = frozenset({Role.GENERAL_MANAGER, Role.ARCHIVE_KEEPER})
NOTHING = Q(pk__in=[])


def _everything(user) -> bool:
    return bool(user.is_superuser or roles_of(user) & COMPANY_WIDE)


def _rules_everything(user) -> bool:
    """Company-wide deciders: the general manager (the archive keeper only keeps records)."""
    return bool(user.is_superuser or Role.GENERAL_MANAGER in roles_of(user))


def _department(user, field: str) -> Q:
    if Role.SALES_MANAGER in roles_of(user) and user.department_id:
        return Q(**{f"{field}__department_id": user.department_id})
    return NOTHING


@permissions.rule(OwnershipEvent)
def _events(user, action, queryset: QuerySet) -> QuerySet:
    if action != permissions.VIEW:
        return queryset.none()
    return queryset.filter(on_visible_archive(user, action))


@permissions.rule(OwnerPeriod)
def _periods(user, action, queryset: QuerySet) -> QuerySet:
    if action != permissions.VIEW:
        return queryset.none()
    condition = on_visible_archive(user, action)
    if roles_of(user) & SALES_ROLES:
        condition |= Q(owner__isnull=True, ended_at__isnull=True)
    return queryset.filter(condition)


@permissions.rule(Registration)
def _registrations(user, action, queryset: QuerySet) -> QuerySet:
    if action != permissions.VIEW:
        return queryset.none()
    if _everything(user):
        return queryset
    return queryset.filter(
        Q(registered_by=user) | Q(consultant=user) | _department(user, "consultant")
    )


@permissions.rule(Dispute)
def _disputes(user, action, queryset: QuerySet) -> QuerySet:
    if _rules_everything(user):
        return queryset
    deciders = _department(user, "incumbent") | _department(user, "claimant")
    if action == permissions.VIEW:
        return queryset.filter(Q(incumbent=user) | Q(claimant=user) | deciders)
    return queryset.filter(deciders)


@permissions.rule(DutyRoster)
@permissions.rule(DutySlot)
def _rotation(user, action, queryset: QuerySet) -> QuerySet:
    roles = roles_of(user)
    if action == permissions.VIEW:
        return queryset if (user.is_superuser or roles & DESK) else queryset.none()
    managers = user.is_superuser or roles & {Role.SALES_MANAGER, Role.GENERAL_MANAGER}
    return queryset if managers else queryset.none()


@permissions.rule(Referral)
def _referrals(user, action, queryset: QuerySet) -> QuerySet:
    if action == permissions.VIEW:
        referrer = on_visible_archive(user, action, "referrer")
        return queryset.filter(referrer | on_visible_archive(user, action, "referee"))
    if _rules_everything(user):
        return queryset
    return queryset.filter(_department(user, "referee__owner") | _department(user, "consultant"))


@permissions.rule(DailySheet)
def _sheets(user, action, queryset: QuerySet) -> QuerySet:
    if action == permissions.VIEW and _everything(user):
        return queryset
    if action == permissions.VIEW:
        return queryset.filter(Q(consultant=user) | _department(user, "consultant"))
    return queryset.filter(consultant=user)


@permissions.rule(Departure)
@permissions.rule(HandoverRecord)
def _departures(user, action, queryset: QuerySet) -> QuerySet:
    if _rules_everything(user):
        return queryset
    field = "leaver" if queryset.model is Departure else "departure__leaver"
    return queryset.filter(_department(user, field))


@permissions.rule(ConsultantNotice)
def _notices(user, action, queryset: QuerySet) -> QuerySet:
    if action == permissions.VIEW and _rules_everything(user):
        return queryset
    if action == permissions.VIEW:
        return queryset.filter(Q(successor=user) | _department(user, "successor"))
    return queryset.filter(successor=user)
