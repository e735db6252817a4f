"""Who may see and change visits, follow-ups, greetings, surveys and events (crm.permissions).

Everything here hangs off a customer archive, so the archive's own rule (archives.rules) is
the start: who cares for customers (sales, customer service, the archive keeper) and may see
the customer may see their visits and follow-ups. On top of that:
- the person who does the work (caller, visitor, responsible, organizer) sees and changes it,
  even for a customer whose archive they cannot open — customer service makes the 15/30/60-day
  calls to buyers (§13) without owning them;
- a manager (head of a department, or a sales manager) covers the work of their department;
- the general manager and administrators cover everything.
Changing needs more than seeing: the worker, the customer's owner or co-owner, or a manager.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from archives.models import Customer
from archives.rules import on_visible_archive
from crm import permissions
from crm.models import Department
from crm.roles import Role, roles_of
from visits.models import (
    Commitment,
    Event,
    FollowUp,
    FollowUpRecord,
    Greeting,
    Invitation,
    Survey,
    VisitLog,
    VisitPlan,
)

EVENT_STAFF = frozenset(
    {Role.SALES_CONSULTANT, Role.SALES_MANAGER, Role.GENERAL_MANAGER, Role.CUSTOMER_SERVICE}
)
# Roles whose work is caring for customers. Front desk, engineering and billing staff see the
# archives of the residents they serve, but not the sales visits and calls about them.
CARE_ROLES = EVENT_STAFF | {Role.ARCHIVE_KEEPER}


def covers_everything(user) -> bool:
    return user.is_superuser or Role.GENERAL_MANAGER in roles_of(user)


def managed_departments(user) -> list[int]:
    """Departments whose work `user` oversees: those they head, and their own as sales
    manager. Read once per request."""
    cached = getattr(user, "_visits_managed", None)
    if cached is None:
        cached = set(Department.objects.filter(head=user).values_list("pk", flat=True))
        if Role.SALES_MANAGER in roles_of(user) and user.department_id:
            cached.add(user.department_id)
        cached = sorted(cached)
        user._visits_managed = cached
    return cached


def is_manager(user) -> bool:
    return covers_everything(user) or bool(managed_departments(user))


def _customer_visible(user, prefix: str = "customer") -> Q:
    if not roles_of(user) & CARE_ROLES and not user.is_superuser:
        return Q(pk__in=[])
    return on_visible_archive(user, permissions.VIEW, prefix)


def _customer_owned(user, prefix: str = "customer") -> Q:
    co_owned = Customer.co_owners.through.objects.filter(
        customer_id=OuterRef(f"{prefix}_id"), user=user
    )
    return Q(**{f"{prefix}__owner": user}) | Q(Exists(co_owned))


def _scoped(user, action: str, queryset: QuerySet, worker: str, prefix: str = "customer"):
    if covers_everything(user):
        return queryset
    mine = Q(**{worker: user})
    managed = Q(**{f"{worker}__department_id__in": managed_departments(user)})
    if action in (permissions.VIEW, permissions.EXPORT, permissions.DOWNLOAD):
        return queryset.filter(mine | managed | _customer_visible(user, prefix))
    return queryset.filter(mine | managed | _customer_owned(user, prefix))


@permissions.rule(FollowUp)
def _follow_ups(user, action, queryset):
    return _scoped(user, action, queryset, "caller")


@permissions.rule(FollowUpRecord)
def _follow_up_records(user, action, queryset):
    follow_ups = _follow_ups(user, permissions.VIEW, FollowUp.objects.all())
    return queryset.filter(follow_up__in=follow_ups.values("pk"))


@permissions.rule(VisitLog)
def _visit_logs(user, action, queryset):
    return _scoped(user, action, queryset, "visitor")


@permissions.rule(VisitPlan)
def _visit_plans(user, action, queryset):
    return _scoped(user, action, queryset, "visitor")


@permissions.rule(Commitment)
def _commitments(user, action, queryset):
    return _scoped(user, action, queryset, "responsible")


@permissions.rule(Survey)
def _surveys(user, action, queryset):
    return _scoped(user, action, queryset, "conducted_by")


@permissions.rule(Greeting)
def _greetings(user, action, queryset):
    if covers_everything(user):
        return queryset
    return queryset.filter(Q(follow_up__caller=user) | _customer_visible(user))


@permissions.rule(Event)
def _events(user, action, queryset):
    if covers_everything(user):
        return queryset
    if action == permissions.VIEW:
        return queryset if roles_of(user) & EVENT_STAFF else queryset.none()
    managed = Q(organizer__department_id__in=managed_departments(user))
    return queryset.filter(Q(organizer=user) | managed)


@permissions.rule(Invitation)
def _invitations(user, action, queryset):
    if covers_everything(user):
        return queryset
    events = _events(user, permissions.CHANGE, Event.objects.all())
    organizing = Q(event__in=events.values("pk"))
    if action == permissions.VIEW:
        if not roles_of(user) & EVENT_STAFF:
            return queryset.none()
        return queryset.filter(organizing | Q(invited_by=user) | _customer_visible(user))
    return queryset.filter(organizing | Q(invited_by=user) | _customer_owned(user))
