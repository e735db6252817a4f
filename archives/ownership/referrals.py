"""Referrals (老带新, R-ARC-09): who brought whom, the chain of introductions, key people
(核心人物) and their rewards, and the cross-cooperation list (交叉合作) of §1.

A referral counts — towards key people and a reward — only if the new customer had not been
registered before it. Rewards are approved by the sales manager once the new customer has
signed, then marked paid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import (
    CooperationPair,
    Customer,
    Referral,
    Registration,
    RewardStatus,
    Status,
)
from archives.ownership import core
from crm import permissions

KEY_PERSON_MIN = 2  # customers brought before someone counts as a key person (核心人物)
MAX_DEPTH = 8
SIGNED = (Status.WON, Status.MOVED_OUT)


@transaction.atomic
def record_referral(
    *, referrer: Customer, referee: Customer, by, registration=None, at=None
) -> Referral:
    """Who brought whom. Counts only if the referee was not registered before."""
    at = at or timezone.now()
    if referrer.pk == referee.pk:
        raise ValidationError(_("A customer cannot refer themselves."))
    earlier = Registration.objects.filter(customer=referee, registered_at__lt=at)
    if registration is not None:
        earlier = earlier.exclude(pk=registration.pk)
    reason = ""
    if referee.created_at < at or earlier.exists():
        reason = _("Already registered on %(date)s") % {
            "date": timezone.localtime(referee.created_at).strftime("%Y-%m-%d")
        }
    elif Referral.objects.filter(referee=referee, counts=True).exists():
        reason = _("Already counted for another referrer")
    counts = not reason
    referral = Referral(
        referrer=referrer,
        referee=referee,
        registration=registration,
        counts=counts,
        not_counted_reason=reason,
        consultant=referrer.owner,
        recorded_at=at,
        recorded_by=by,
        reward_status=RewardStatus.PENDING if counts else RewardStatus.NONE,
    )
    core.stamp(referral, by)
    referral.save()
    return referral


# --- The chain of introductions -------------------------------------------------------------


@dataclass
class Node:
    customer: Customer
    referral: Referral | None = None
    children: list[Node] = field(default_factory=list)
    visible: bool = True

    @property
    def label(self) -> str:
        return self.customer.name if self.visible else core.mask_name(self.customer.name)


def _counted():
    return Referral.objects.filter(counts=True).select_related("referee__owner", "referrer__owner")


def referral_tree(customer: Customer, user) -> tuple[list[Node], Node]:
    """The chain up to the first referrer, and the tree of everyone `customer` brought.
    One query per level; names of archives the user may not open are masked."""
    ancestors: list[Node] = []
    current = customer
    seen = {customer.pk}
    for _level in range(MAX_DEPTH):
        link = _counted().filter(referee=current).first()
        if link is None or link.referrer_id in seen:
            break
        ancestors.insert(0, Node(link.referrer, link))
        seen.add(link.referrer_id)
        current = link.referrer
    root = Node(customer)
    level = [root]
    for _level in range(MAX_DEPTH):
        by_referrer = {node.customer.pk: node for node in level}
        links = _counted().filter(referrer_id__in=by_referrer).order_by("recorded_at", "pk")
        next_level = []
        for link in links:
            if link.referee_id in seen:
                continue
            seen.add(link.referee_id)
            child = Node(link.referee, link)
            by_referrer[link.referrer_id].children.append(child)
            next_level.append(child)
        if not next_level:
            break
        level = next_level
    visible = set(
        permissions.visible(
            user, permissions.VIEW, Customer.objects.filter(pk__in=seen)
        ).values_list("pk", flat=True)
    )
    for node in [*ancestors, *_walk(root)]:
        node.visible = node.customer.pk in visible
    return ancestors, root


def _walk(node: Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def key_people(user, minimum: int = KEY_PERSON_MIN):
    """核心人物: customers who brought at least `minimum` new customers, with the deals those
    customers signed; only those the user may see."""
    counted = Q(referrals__counts=True)
    people = (
        Customer.objects.active()
        .annotate(
            brought=Count("referrals", filter=counted, distinct=True),
            deals_brought=Count(
                "referrals",
                filter=counted & Q(referrals__referee__status__in=SIGNED),
                distinct=True,
            ),
        )
        .filter(brought__gte=minimum)
        .select_related("owner", "project")
        .order_by("-brought", "-deals_brought", "pk")
    )
    return permissions.visible(user, permissions.VIEW, people)


# --- Rewards --------------------------------------------------------------------------------


def _require_manager(by) -> None:
    if not core.is_manager(by):
        raise PermissionDenied


@transaction.atomic
def approve_reward(*, referral: Referral, amount: Decimal, by, note: str = "") -> Referral:
    _require_manager(by)
    referral = Referral.objects.select_for_update().select_related("referee").get(pk=referral.pk)
    if not referral.counts:
        raise ValidationError(_("This referral does not count, so it earns no reward."))
    if referral.reward_status != RewardStatus.PENDING:
        raise ValidationError(_("This reward has already been decided."))
    if referral.referee.status not in SIGNED:
        raise ValidationError(
            _("The new customer has not signed yet: a referral reward is approved after the deal.")
        )
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("Enter the reward in yuan (0 or more).")})
    referral.reward_status = RewardStatus.APPROVED
    referral.reward_amount = Decimal(amount).quantize(Decimal("0.01"))
    referral.reward_note = note.strip()[:200]
    referral.approved_by = by
    referral.approved_at = timezone.now()
    core.stamp(referral, by, _("Referral reward approved"))
    referral.save()
    return referral


@transaction.atomic
def pay_reward(*, referral: Referral, by) -> Referral:
    _require_manager(by)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.reward_status != RewardStatus.APPROVED:
        raise ValidationError(_("Only an approved reward can be marked paid."))
    referral.reward_status = RewardStatus.PAID
    referral.paid_by = by
    referral.paid_at = timezone.now()
    core.stamp(referral, by, _("Referral reward paid"))
    referral.save()
    return referral


# --- Cross-cooperation (交叉合作) -----------------------------------------------------------


@dataclass(frozen=True)
class Match:
    pair: CooperationPair
    first: Customer
    second: Customer


def _matches(customer: Customer, industry_id, keywords: list[str]) -> bool:
    if industry_id and customer.industry_id == industry_id:
        return True
    text = f"{customer.occupation} {customer.employer}"
    return any(word in text for word in keywords)


def cooperation(user, *, limit: int = 100, scan: int = 500) -> list[Match]:
    """Pairs of the user's customers whose occupations or industries could do business
    together, by the admin-editable table of complementary industries (§1 交叉合作法)."""
    pairs = list(CooperationPair.objects.all())
    if not pairs:
        return []
    customers = list(
        permissions.visible(
            user,
            permissions.VIEW,
            Customer.objects.active()
            .filter(Q(industry__isnull=False) | ~Q(occupation="") | ~Q(employer=""))
            .select_related("industry", "owner"),
        ).order_by("-created_at", "-pk")[:scan]
    )
    found: list[Match] = []
    seen: set[tuple[int, int]] = set()
    for pair in pairs:
        side_a = [
            c for c in customers if _matches(c, pair.industry_a_id, pair.split(pair.keywords_a))
        ]
        side_b = [
            c for c in customers if _matches(c, pair.industry_b_id, pair.split(pair.keywords_b))
        ]
        for first in side_a:
            for second in side_b:
                key = tuple(sorted((first.pk, second.pk)))
                if first.pk == second.pk or key in seen:
                    continue
                seen.add(key)
                found.append(Match(pair, first, second))
                if len(found) >= limit:
                    return found
    return found
