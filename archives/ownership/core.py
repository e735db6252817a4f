"""The one place a customer's owner changes, and the small helpers every ownership module uses.

change_owner() closes the open OwnerPeriod, opens the next (owner None = the public pool),
saves the archive with history naming the user, and records an OwnershipEvent naming the rule.
Callers lock the customer first with lock_customer() inside their transaction.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archives import services as archive_services
from archives.models import (
    Customer,
    OwnerPeriod,
    OwnershipChange,
    OwnershipEvent,
    OwnershipRule,
)
from crm.models import EmploymentStatus, User
from crm.roles import MANAGER_ROLES, Role, has_role

SYSTEM_USERNAME = "system"


def system_user() -> User:
    """The account that sweeps act as, so history names a user. It cannot log in."""
    user, _created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"name": "系统", "is_active": False, "password": make_password(None)},
    )
    return user


def mask_name(name: str) -> str:
    """张伟 → 张*, 欧阳娜娜 → 欧***: enough to recognise, not to identify (R-ACC-06)."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def is_consultant(user) -> bool:
    return has_role(user, Role.SALES_CONSULTANT)


def is_manager(user) -> bool:
    return bool(user.is_superuser or has_role(user, *MANAGER_ROLES))


def can_take_customers(user) -> bool:
    """Working staff who are not on their way out."""
    return bool(user.is_active and user.employment_status == EmploymentStatus.ACTIVE)


def stamp(instance, by, reason: str = "") -> None:
    instance._history_user = by
    if reason:
        instance._change_reason = str(reason)[:100]


def lock_customer(pk) -> Customer:
    """The customer row, locked until the transaction ends (PostgreSQL; SQLite's IMMEDIATE
    transactions already serialise writers)."""
    return Customer.objects.select_for_update(of=("self",)).select_related("owner").get(pk=pk)


def open_period(customer) -> OwnerPeriod | None:
    return OwnerPeriod.objects.open().filter(customer=customer).first()


def owner_since(customer) -> dt.datetime:
    period = open_period(customer)
    return period.started_at if period else customer.created_at


def record(
    *,
    customer,
    change: str,
    rule: str,
    by,
    when: dt.datetime,
    from_owner=None,
    to_owner=None,
    registration=None,
    dispute=None,
    note: str = "",
) -> OwnershipEvent:
    return OwnershipEvent.objects.create(
        customer=customer,
        at=when,
        change=change,
        rule=rule,
        from_owner=from_owner,
        to_owner=to_owner,
        registration=registration,
        dispute=dispute,
        by=by,
        note=str(note)[:300],
    )


def _close_open_period(customer, previous, when, rule, *, claim: bool) -> bool:
    """End the open period. With `claim`, only if it still belongs to `previous` (a portable
    claim: two sweeps never both move the same customer)."""
    closed = OwnerPeriod.objects.filter(
        customer=customer, ended_at__isnull=True, owner=previous
    ).update(ended_at=when, end_rule=rule)
    if closed or claim:
        return bool(closed)
    # An archive opened outside the desk has no period yet (or one out of step with the
    # archive): end what is open and keep the owner's time as a period of its own.
    OwnerPeriod.objects.filter(customer=customer, ended_at__isnull=True).update(
        ended_at=when, end_rule=rule
    )
    OwnerPeriod.objects.create(
        customer=customer,
        owner=previous,
        started_at=min(customer.created_at, when),
        start_rule=OwnershipRule.RECORDED,
        ended_at=when,
        end_rule=rule,
    )
    return True


@transaction.atomic
def change_owner(
    *,
    customer: Customer,
    to,
    rule: str,
    change: str,
    by,
    when: dt.datetime | None = None,
    registration=None,
    dispute=None,
    note: str = "",
    claim: bool = False,
) -> OwnershipEvent | None:
    """Move `customer` (locked by the caller) to `to` (None: the public pool).

    With `claim`, nothing happens and None is returned if someone else moved the customer
    since the caller read it."""
    when = when or timezone.now()
    previous = customer.owner
    if not _close_open_period(customer, previous, when, rule, claim=claim):
        return None
    OwnerPeriod.objects.create(customer=customer, owner=to, started_at=when, start_rule=rule)
    customer.owner = to
    stamp(customer, by, _("Owner: %(rule)s") % {"rule": OwnershipRule(rule).label})
    customer.save(update_fields=["owner"])
    if to is not None and customer.co_owners.filter(pk=to.pk).exists():
        archive_services.set_co_owners(
            customer=customer,
            co_owners=list(customer.co_owners.exclude(pk=to.pk)),
            by=by,
            reason=_("The co-owner became the owner"),
        )
    return record(
        customer=customer,
        change=change,
        rule=rule,
        by=by,
        when=when,
        from_owner=previous,
        to_owner=to,
        registration=registration,
        dispute=dispute,
        note=note,
    )


def sync_periods(*, batch: int = 1000) -> int:
    """Give every archive an open period (archives opened outside the desk have none), and
    re-align periods with an owner set elsewhere. Safe to run twice at once: the unique
    "one open period" index drops the second insert."""
    from django.db.models import Exists, OuterRef

    created = 0
    open_periods = OwnerPeriod.objects.open().filter(customer=OuterRef("pk"))
    while True:
        missing = list(
            Customer.objects.filter(~Exists(open_periods)).values_list(
                "pk", "owner_id", "created_at"
            )[:batch]
        )
        if not missing:
            break
        rows = [
            OwnerPeriod(
                customer_id=pk,
                owner_id=owner_id,
                started_at=created_at,
                start_rule=OwnershipRule.RECORDED,
            )
            for pk, owner_id, created_at in missing
        ]
        created += len(OwnerPeriod.objects.bulk_create(rows, ignore_conflicts=True))
        if len(missing) < batch:
            break
    return created + _realign_periods()


def _realign_periods() -> int:
    """An owner changed outside these services (a shell, a data fix): end the stale period."""
    from django.db.models import F, Q

    stale = OwnerPeriod.objects.open().filter(
        Q(owner__isnull=True, customer__owner__isnull=False)
        | Q(owner__isnull=False, customer__owner__isnull=True)
        | (Q(owner__isnull=False, customer__owner__isnull=False) & ~Q(owner=F("customer__owner")))
    )
    now = timezone.now()
    moved = 0
    for pk, customer_id, owner_id in stale.values_list("pk", "customer_id", "customer__owner_id"):
        with transaction.atomic():
            if OwnerPeriod.objects.filter(pk=pk, ended_at__isnull=True).update(
                ended_at=now, end_rule=OwnershipRule.RECORDED
            ):
                OwnerPeriod.objects.create(
                    customer_id=customer_id,
                    owner_id=owner_id,
                    started_at=now,
                    start_rule=OwnershipRule.RECORDED,
                )
                moved += 1
    return moved


CHANGE_TO_POOL = (OwnershipChange.RECALLED, OwnershipChange.RELEASED)
