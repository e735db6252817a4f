"""The protection period and the public pool (公海).

A customer without recorded contact for N days (per project and grade; won and moved-out
customers exempt) returns from the owner's private pool to the public pool; the owner is warned
X days before. The clock runs from the latest of the last contact (else the archive's opening)
and the start of the current owner's period, so a customer just claimed or handed over gets a
full period. The previous owner may not reclaim for M days; a consultant claims at most K a day
and owns at most C private customers (库容).

The sweep claims each customer portably — the open OwnerPeriod is ended only if it is still
open and still the same owner's — and on PostgreSQL also skips rows another sweep holds, so two
sweeps at once move nobody twice; a sweep that did not run leaves the customers due.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archives.models import (
    Category,
    Customer,
    OwnerPeriod,
    OwnershipChange,
    OwnershipEvent,
    OwnershipRule,
    PoolPolicy,
    ProtectionRule,
    Status,
)
from archives.ownership import core
from crm.models import NotificationLevel
from crm.notifications import notify
from crm.roles import Role, has_role

EXEMPT = (Status.WON, Status.MOVED_OUT)
# The pools are for sales customers; suppliers, banks, lawyers and other partners (§4) are not
# recalled.
SALES_CATEGORIES = (Category.BUYER, Category.TENANT, Category.MERCHANT)


# --- Which rule applies ---------------------------------------------------------------------


class Rules:
    """The protection rules, read once; the most specific rule for (project, grade) wins."""

    def __init__(self):
        self.by_key = {(r.project_id, r.grade_id): r for r in ProtectionRule.objects.all()}

    def for_ids(self, project_id, grade_id) -> ProtectionRule | None:
        for key in ((project_id, grade_id), (project_id, None), (None, grade_id), (None, None)):
            if key in self.by_key:
                return self.by_key[key]
        return None

    def for_customer(self, customer) -> ProtectionRule | None:
        return self.for_ids(customer.project_id, customer.grade_id)


def in_sales_pool(prefix: str = "") -> Q:
    """Customers the public pool offers: open sales customers (not partners, not won)."""
    return Q(**{f"{prefix}category__in": SALES_CATEGORIES}) & ~Q(**{f"{prefix}status__in": EXEMPT})


def with_activity(queryset):
    """Annotate `activity`: when the protection clock last restarted."""
    period_start = OwnerPeriod.objects.open().filter(customer=OuterRef("pk")).values("started_at")
    return queryset.annotate(
        period_start=Subquery(period_start[:1]),
        activity=ExpressionWrapper(
            Greatest(
                Coalesce("last_contact_at", "created_at"),
                Coalesce(Subquery(period_start[:1]), "created_at"),
            ),
            output_field=DateTimeField(),
        ),
    )


def private_customers(user=None):
    """Customers in a consultant's private pool: sales customers owned, open, not won (won and
    moved-out customers are exempt)."""
    queryset = (
        Customer.objects.active()
        .filter(owner__isnull=False, category__in=SALES_CATEGORIES)
        .exclude(status__in=EXEMPT)
    )
    return queryset if user is None else queryset.filter(owner=user)


def _condition(rules: Rules, pairs, cutoff) -> Q:
    """OR over the (project, grade) pairs present: activity older than that pair's cutoff."""
    condition = Q(pk__in=[])
    for project_id, grade_id in pairs:
        rule = rules.for_ids(project_id, grade_id)
        if rule is None:
            continue
        limit = cutoff(rule)
        if limit is None:
            continue
        condition |= Q(
            Q(project_id=project_id) if project_id else Q(project__isnull=True),
            Q(grade_id=grade_id) if grade_id else Q(grade__isnull=True),
            **limit,
        )
    return condition


def due_for_recall(now: dt.datetime, rules: Rules | None = None):
    rules = rules or Rules()
    candidates = with_activity(private_customers())
    pairs = set(candidates.values_list("project_id", "grade_id").distinct())
    return candidates.filter(
        _condition(rules, pairs, lambda r: {"activity__lte": now - dt.timedelta(days=r.days)})
    )


def due_for_warning(now: dt.datetime, rules: Rules | None = None):
    rules = rules or Rules()
    candidates = with_activity(private_customers())
    pairs = set(candidates.values_list("project_id", "grade_id").distinct())
    open_period = OwnerPeriod.objects.open().filter(customer=OuterRef("pk"))

    def window(rule):
        return {
            "activity__lte": now - dt.timedelta(days=rule.days - rule.warn_days),
            "activity__gt": now - dt.timedelta(days=rule.days),
        }

    return (
        candidates.filter(_condition(rules, pairs, window))
        .annotate(
            period_pk=Subquery(open_period.values("pk")[:1]),
            warned_at=Subquery(open_period.values("warned_at")[:1]),
        )
        .filter(Q(warned_at__isnull=True) | Q(warned_at__lt=F("activity")))
    )


@dataclass
class Protection:
    customer: Customer
    deadline: dt.datetime
    days_left: int


def protection_of(customers, now: dt.datetime, rules: Rules | None = None) -> list[Protection]:
    """Deadlines of customers annotated by with_activity (display only)."""
    rules = rules or Rules()
    result = []
    for customer in customers:
        rule = rules.for_customer(customer)
        if rule is None or customer.status in EXEMPT or customer.category not in SALES_CATEGORIES:
            continue
        deadline = customer.activity + dt.timedelta(days=rule.days)
        result.append(Protection(customer, deadline, (deadline - now).days))
    return result


def warnings_for(user, now: dt.datetime | None = None, rules: Rules | None = None):
    """The user's customers inside the warning window, soonest first."""
    now = now or timezone.now()
    rules = rules or Rules()
    customers = with_activity(private_customers(user)).select_related("grade", "project")
    soon = []
    for item in protection_of(customers, now, rules):
        rule = rules.for_customer(item.customer)
        if item.deadline - dt.timedelta(days=rule.warn_days) <= now:
            soon.append(item)
    return sorted(soon, key=lambda item: item.deadline)


# --- The sweep ------------------------------------------------------------------------------


def sweep(*, now: dt.datetime | None = None, batch: int = 200) -> dict:
    """Beat: give every archive its period, recall what is due, warn what is near."""
    now = now or timezone.now()
    by = core.system_user()
    core.sync_periods()
    rules = Rules()
    return {
        "recalled": _recall_due(now, by, rules, batch),
        "warned": _warn_due(now, rules, batch),
    }


def _recall_due(now, by, rules, batch) -> int:
    recalled, last_pk = 0, 0
    while True:
        pks = list(
            due_for_recall(now, rules)
            .filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        for pk in pks:
            recalled += recall_customer(pk, now=now, by=by, rules=rules)
        if len(pks) < batch:
            return recalled
        last_pk = pks[-1]


@transaction.atomic
def recall_customer(pk, *, now, by, rules: Rules | None = None) -> bool:
    rules = rules or Rules()
    customers = Customer.objects.filter(pk=pk)
    if connection.features.has_select_for_update_skip_locked:
        customers = customers.select_for_update(skip_locked=True, of=("self",))
    customer = customers.select_related("owner").first()
    if customer is None:  # another sweep holds it
        return False
    # Re-check inside the lock: a contact may have been recorded since the list was read.
    if not due_for_recall(now, rules).filter(pk=pk).exists():
        return False
    previous = customer.owner
    rule = rules.for_customer(customer)
    event = core.change_owner(
        customer=customer,
        to=None,
        rule=OwnershipRule.PROTECTION_EXPIRED,
        change=OwnershipChange.RECALLED,
        by=by,
        when=now,
        note=_company_language(
            gettext_lazy("No recorded contact for %(days)s days"), {"days": rule.days}
        ),
        claim=True,
    )
    if event is None:
        return False
    notify(
        [previous],
        gettext_lazy("%(name)s returned to the public pool"),
        body=gettext_lazy("No recorded contact for %(days)s days (%(number)s)."),
        params={"name": customer.name, "days": rule.days, "number": customer.number},
        url=reverse("archives:pool"),
        level=NotificationLevel.WARNING,
    )
    return True


def _company_language(text, params) -> str:
    """What a sweep writes into a record, it writes in the company's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % params


def _warn_due(now, rules, batch) -> int:
    warned: dict[int, list] = defaultdict(list)
    rows = due_for_warning(now, rules).values_list("pk", "owner_id", "period_pk", "activity")
    for _pk, owner_id, period_pk, activity in rows[: batch * 10]:
        claimed = (
            OwnerPeriod.objects.filter(pk=period_pk, ended_at__isnull=True)
            .filter(Q(warned_at__isnull=True) | Q(warned_at__lt=activity))
            .update(warned_at=now)
        )
        if claimed:
            warned[owner_id].append(period_pk)
    owners = {u.pk: u for u in core.User.objects.filter(pk__in=warned)}
    for owner_id, periods in warned.items():
        notify(
            [owners[owner_id]],
            gettext_lazy("Customers about to return to the public pool: %(n)s"),
            body=gettext_lazy("Record a contact to keep them in your private pool."),
            params={"n": len(periods)},
            url=reverse("archives:pool") + "#warnings",
            level=NotificationLevel.WARNING,
        )
    return sum(len(p) for p in warned.values())


# --- Claims, releases -----------------------------------------------------------------------


def reclaim_lock_until(user, customer, policy: PoolPolicy) -> dt.datetime | None:
    """Until when `user`, who lost `customer` to the pool, may not take them back."""
    if not policy.reclaim_lock_days:
        return None
    lost = (
        OwnerPeriod.objects.filter(
            customer=customer,
            owner=user,
            end_rule__in=[OwnershipRule.PROTECTION_EXPIRED, OwnershipRule.RELEASED],
        )
        .order_by("-ended_at")
        .values_list("ended_at", flat=True)
        .first()
    )
    return lost + dt.timedelta(days=policy.reclaim_lock_days) if lost else None


def claims_today(user, now: dt.datetime) -> int:
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return OwnershipEvent.objects.filter(
        change=OwnershipChange.CLAIMED, to_owner=user, at__gte=start
    ).count()


def check_claim(*, user, customer, now: dt.datetime) -> None:
    """The limits of the public pool; raises ValidationError with the reason in plain words."""
    if not has_role(user, Role.SALES_CONSULTANT):
        raise ValidationError(_("Only sales consultants claim customers from the public pool."))
    if not core.can_take_customers(user):
        raise ValidationError(_("Staff who are leaving cannot take on customers."))
    policy = PoolPolicy.for_company(customer.company)
    until = reclaim_lock_until(user, customer, policy)
    if until and now < until:
        raise ValidationError(
            _(
                "This customer left your private pool less than %(days)s days ago; you may "
                "claim them again from %(until)s."
            )
            % {
                "days": policy.reclaim_lock_days,
                "until": timezone.localtime(until).strftime("%Y-%m-%d %H:%M"),
            }
        )
    claimed = claims_today(user, now)
    if claimed >= policy.daily_claim_limit:
        raise ValidationError(
            _("You have claimed %(n)s customers today; the daily limit is %(limit)s.")
            % {"n": claimed, "limit": policy.daily_claim_limit}
        )
    owned = private_customers(user).count()
    if owned >= policy.capacity:
        raise ValidationError(
            _(
                "Your private pool holds %(n)s customers, the limit (库容) is %(limit)s: "
                "follow up or release customers first."
            )
            % {"n": owned, "limit": policy.capacity}
        )


@transaction.atomic
def claim_customer(*, customer, by, when: dt.datetime | None = None):
    """A consultant takes a customer from the public pool."""
    when = when or timezone.now()
    # One claim at a time per consultant, so the daily limit and the capacity hold.
    core.User.objects.select_for_update().get(pk=by.pk)
    customer = core.lock_customer(customer.pk)
    if customer.is_voided:
        raise ValidationError(_("This archive is void."))
    eligible = Customer.objects.filter(in_sales_pool(), pk=customer.pk).exists()
    if customer.owner_id is not None or not eligible:
        raise ValidationError(_("This customer is no longer in the public pool."))
    check_claim(user=by, customer=customer, now=when)
    return core.change_owner(
        customer=customer,
        to=by,
        rule=OwnershipRule.POOL_CLAIM,
        change=OwnershipChange.CLAIMED,
        by=by,
        when=when,
    )


@transaction.atomic
def release_customer(*, customer, by, reason: str, when: dt.datetime | None = None):
    """The owner gives a customer up to the public pool (the reclaim lock applies)."""
    customer = core.lock_customer(customer.pk)
    if customer.owner_id != by.pk:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for releasing the customer.")})
    if customer.status in EXEMPT:
        raise ValidationError(_("A customer who signed stays with their consultant."))
    return core.change_owner(
        customer=customer,
        to=None,
        rule=OwnershipRule.RELEASED,
        change=OwnershipChange.RELEASED,
        by=by,
        when=when,
        note=reason.strip(),
    )
