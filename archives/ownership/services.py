"""The registration desk and the decisions it makes (R-ARC-08, §6 3.1), 撞单 disputes and
their rulings, manager assignments, and important customers (R-ARC-11, §4).

At the desk the earliest registration decides whom a customer belongs to. For a new mobile:
a visitor who names the consultant they spoke to goes to that consultant; a customer brought
by an old customer goes to the old customer's consultant if asked for, else to the one on duty;
an unnamed visitor goes to the consultant on duty (archives.ownership.rotation); a consultant
who takes a call or develops a customer registers them as their own. A known mobile never
opens a second archive: it counts as contact, stays with its owner, and a second consultant
registering it opens a dispute that the sales manager rules. Every decision is an
OwnershipEvent naming its rule.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archives import services as archive_services
from archives.models import (
    Channel,
    Customer,
    Dispute,
    Outcome,
    OwnerPeriod,
    OwnershipChange,
    OwnershipRule,
    PhoneKind,
    Registration,
    Source,
    Status,
)
from archives.ownership import core, pool, referrals, rotation, sheets
from crm.models import NotificationLevel, User
from crm.notifications import notify
from crm.phones import normalize_phone
from crm.roles import Role

logger = logging.getLogger(__name__)
MIN_CONTACTS = 2  # §4: important customers have two or more staff in contact


@dataclass
class Visit:
    """What the desk was told: who registers, how the customer came, whom they named."""

    by: User
    channel: str
    project: object = None
    named: User | None = None
    referrer: Customer | None = None
    asks_for_referrer_consultant: bool = False
    agent_name: str = ""
    is_intent: bool = False
    notes: str = ""
    when: dt.datetime | None = None

    @property
    def day(self) -> dt.date:
        return timezone.localtime(self.when).date()

    @property
    def source(self) -> str:
        if self.referrer is not None:
            return Source.REFERRAL
        if self.agent_name:
            return Source.AGENT
        return {Channel.CALL: Source.CALL, Channel.SELF: Source.SELF_DEVELOPED}.get(
            self.channel, Source.WALK_IN
        )


@dataclass
class DeskResult:
    registration: Registration
    customer: Customer
    dispute: Dispute | None = None

    @property
    def outcome(self) -> str:
        return self.registration.outcome

    @property
    def consultant(self) -> User | None:
        return self.registration.consultant


DEADLOCK_RETRIES = 5


def register_at_desk(**kwargs) -> DeskResult:
    """Register a call or walk-in by mobile and decide whom the customer belongs to.

    Desks registering at the same moment contend for the rotation, the archive number and the
    foreign keys of the same project; PostgreSQL may then end one transaction as a deadlock
    victim. Nothing of it was saved, so the registration is simply run again (only when this
    is the outermost transaction — inside another one the caller decides)."""
    for attempt in range(DEADLOCK_RETRIES):
        try:
            return _register_at_desk(**kwargs)
        except OperationalError as error:
            retry = _is_deadlock(error) and not transaction.get_connection().in_atomic_block
            if not retry or attempt == DEADLOCK_RETRIES - 1:
                raise
            logger.info("desk registration was a deadlock victim; retrying")
            time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))  # step out of lockstep
    raise AssertionError("unreachable")


def _is_deadlock(error: OperationalError) -> bool:
    code = getattr(getattr(error, "__cause__", None), "sqlstate", None)
    return code in {"40P01", "40001"}  # deadlock detected, serialization failure


@transaction.atomic
def _register_at_desk(
    *,
    by,
    mobile: str,
    channel: str,
    name: str = "",
    gender: str = "",
    project=None,
    named_consultant=None,
    referrer: Customer | None = None,
    asks_for_referrer_consultant: bool = False,
    agent_name: str = "",
    is_intent: bool = False,
    notes: str = "",
    when: dt.datetime | None = None,
) -> DeskResult:
    number = normalize_phone(mobile, mobile_only=True)
    if channel == Channel.SELF and not core.is_consultant(by):
        raise ValidationError(
            {"channel": _("Only a consultant registers a self-developed customer.")}
        )
    if asks_for_referrer_consultant and referrer is None:
        raise ValidationError(
            {"referrer_mobile": _("Give the old customer's mobile to ask for their consultant.")}
        )
    visit = Visit(
        by=by,
        channel=channel,
        project=project,
        named=named_consultant,
        referrer=referrer,
        asks_for_referrer_consultant=asks_for_referrer_consultant,
        agent_name=agent_name.strip(),
        is_intent=is_intent,
        notes=notes.strip()[:200],
        when=when or timezone.now(),
    )
    company = archive_services.default_company(by, project)
    existing = archive_services.find_by_mobile(company, number)
    if existing is None:
        if not name.strip():
            raise ValidationError({"name": _("A new customer's archive needs a name.")})
        try:
            with transaction.atomic():
                return _register_new(visit, number, name.strip(), gender)
        except archive_services.DuplicateCustomer as duplicate:
            existing = duplicate.existing  # another desk registered this mobile a moment ago
    return _register_known(visit, existing)


def _receiver_for_new(visit: Visit) -> tuple[User, str]:
    if visit.named is not None:
        return visit.named, OwnershipRule.NAMED_CONSULTANT
    if visit.referrer is not None:
        owner = visit.referrer.owner
        if visit.asks_for_referrer_consultant and owner and core.can_take_customers(owner):
            return owner, OwnershipRule.REFERRER_CONSULTANT
        return _on_duty(visit), OwnershipRule.REFERRAL_ON_DUTY
    if core.is_consultant(visit.by) and visit.channel in (Channel.CALL, Channel.SELF):
        return visit.by, OwnershipRule.FIRST_REGISTRATION
    return _on_duty(visit), OwnershipRule.ON_DUTY


def _on_duty(visit: Visit) -> User:
    return rotation.next_on_duty(project=visit.project, day=visit.day, when=visit.when)


def _registration(visit: Visit, customer, consultant, rule, outcome, opened=False):
    registration = Registration.objects.create(
        customer=customer,
        project=visit.project or customer.project,
        channel=visit.channel,
        registered_at=visit.when,
        registered_by=visit.by,
        consultant=consultant,
        named_consultant=visit.named,
        referrer=visit.referrer,
        asked_for_referrer_consultant=visit.asks_for_referrer_consultant,
        agent_name=visit.agent_name,
        is_intent=visit.is_intent,
        opened_archive=opened,
        outcome=outcome,
        rule=rule,
        notes=visit.notes,
    )
    if consultant is not None:
        sheets.ensure_sheet(consultant, registration.day)
    return registration


def _register_new(visit: Visit, number: str, name: str, gender: str) -> DeskResult:
    consultant, rule = _receiver_for_new(visit)
    customer = archive_services.register_customer(
        by=visit.by,
        name=name,
        source=visit.source,
        phones=[(PhoneKind.MOBILE, number)],
        owner=consultant,
        project=visit.project,
        agent_name=visit.agent_name,
        gender=gender,
        created_at=visit.when,
    )
    registration = _registration(visit, customer, consultant, rule, Outcome.NEW, opened=True)
    OwnerPeriod.objects.create(
        customer=customer, owner=consultant, started_at=visit.when, start_rule=rule
    )
    core.record(
        customer=customer,
        change=OwnershipChange.ASSIGNED,
        rule=rule,
        by=visit.by,
        when=visit.when,
        to_owner=consultant,
        registration=registration,
    )
    _after_contact(visit, customer, registration)
    if consultant.pk != visit.by.pk:
        _tell_consultant(consultant, customer, registration)
    return DeskResult(registration, customer)


def _after_contact(visit: Visit, customer, registration) -> None:
    archive_services.touch_contact(customer=customer, when=visit.when)
    if visit.referrer is not None:
        referrals.record_referral(
            referrer=visit.referrer,
            referee=customer,
            by=visit.by,
            registration=registration,
            at=visit.when,
        )
    if visit.is_intent and Status.INTENT in customer.allowed_statuses():
        archive_services.change_status(
            customer=customer,
            to=Status.INTENT,
            reason=_("Registered at the desk with contact details and intent"),
            by=visit.by,
            when=visit.when,
        )


def _tell_consultant(consultant, customer, registration) -> None:
    notify(
        [consultant],
        gettext_lazy("%(channel)s for you: %(name)s"),
        body=gettext_lazy("Registered by %(by)s (%(rule)s)."),
        params={
            "channel": registration.get_channel_display(),
            "name": customer.name,
            "by": registration.registered_by.get_full_name(),
            "rule": registration.get_rule_display(),
        },
        url=reverse("archives:ownership_detail", args=[customer.pk]),
        level=(
            NotificationLevel.URGENT
            if registration.channel == Channel.WALK_IN
            else NotificationLevel.INFO
        ),
    )


def _register_known(visit: Visit, found: Customer) -> DeskResult:
    customer = core.lock_customer(found.pk)
    if customer.is_voided:
        raise ValidationError(
            {
                "mobile": _(
                    "This mobile belongs to void archive %(number)s: ask the archive keeper."
                )
                % {"number": customer.number}
            }
        )
    if customer.owner_id is None:
        result = _from_pool(visit, customer)
    else:
        result = _known_owned(visit, customer)
    _after_contact(visit, customer, result.registration)
    return result


def _from_pool(visit: Visit, customer) -> DeskResult:
    """A customer of the public pool comes back: the visitor rules decide anew; a consultant
    registering them for themselves claims them, within the pool's limits."""
    change = OwnershipChange.ASSIGNED
    if visit.named is not None or visit.referrer is not None:
        consultant, rule = _receiver_for_new(visit)
    elif core.is_consultant(visit.by) and visit.channel in (Channel.CALL, Channel.SELF):
        pool.check_claim(user=visit.by, customer=customer, now=visit.when)
        consultant, rule, change = visit.by, OwnershipRule.POOL_CLAIM, OwnershipChange.CLAIMED
    else:
        consultant, rule = _on_duty(visit), OwnershipRule.ON_DUTY
    registration = _registration(visit, customer, consultant, rule, Outcome.FROM_POOL)
    core.change_owner(
        customer=customer,
        to=consultant,
        rule=rule,
        change=change,
        by=visit.by,
        when=visit.when,
        registration=registration,
    )
    if consultant.pk != visit.by.pk:
        _tell_consultant(consultant, customer, registration)
    return DeskResult(registration, customer)


def _known_owned(visit: Visit, customer) -> DeskResult:
    staff = {customer.owner_id, *customer.co_owners.values_list("pk", flat=True)}
    claimant = None
    if visit.named is not None and visit.named.pk not in staff:
        claimant = visit.named
    elif visit.named is None and core.is_consultant(visit.by) and visit.by.pk not in staff:
        claimant = visit.by
    if claimant is not None:
        registration = _registration(
            visit, customer, claimant, OwnershipRule.FIRST_REGISTRATION, Outcome.CLASH
        )
        dispute = open_dispute(customer=customer, claimant=claimant, registration=registration)
        core.record(
            customer=customer,
            change=OwnershipChange.CLASH,
            rule=OwnershipRule.FIRST_REGISTRATION,
            by=visit.by,
            when=visit.when,
            from_owner=customer.owner,
            to_owner=customer.owner,
            registration=registration,
            dispute=dispute,
        )
        return DeskResult(registration, customer, dispute)
    receiver = visit.named or customer.owner
    rule = OwnershipRule.NAMED_CONSULTANT if visit.named else OwnershipRule.FIRST_REGISTRATION
    registration = _registration(visit, customer, receiver, rule, Outcome.KNOWN)
    core.record(
        customer=customer,
        change=OwnershipChange.CONFIRMED,
        rule=rule,
        by=visit.by,
        when=visit.when,
        from_owner=customer.owner,
        to_owner=customer.owner,
        registration=registration,
    )
    if receiver.pk != visit.by.pk:
        _tell_consultant(receiver, customer, registration)
    return DeskResult(registration, customer)


# --- Disputes (撞单) ------------------------------------------------------------------------


def _managers_of(*people) -> list[User]:
    departments = {p.department_id for p in people if p.department_id}
    managers = User.objects.working().with_role(Role.SALES_MANAGER, Role.GENERAL_MANAGER)
    mine = [m for m in managers if m.department_id in departments]
    return mine or list(managers)


def open_dispute(*, customer, claimant, registration) -> Dispute:
    """Called with the customer locked. One open dispute per customer and claimant."""
    existing = Dispute.objects.filter(
        customer=customer, claimant=claimant, status=Dispute.Status.OPEN
    ).first()
    if existing is not None:
        return existing
    incumbent = customer.owner
    first = (
        Registration.objects.filter(customer=customer, consultant=incumbent)
        .exclude(outcome=Outcome.CLASH)
        .order_by("registered_at", "pk")
        .first()
    )
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                customer=customer,
                incumbent=incumbent,
                incumbent_registered_at=first.registered_at if first else customer.created_at,
                incumbent_registration=first,
                claimant=claimant,
                claimant_registration=registration,
                opened_at=registration.registered_at,
            )
    except IntegrityError:
        return Dispute.objects.get(customer=customer, claimant=claimant, status="open")
    url = reverse("archives:dispute_detail", args=[dispute.pk])
    params = {
        "name": customer.name,
        "claimant": claimant.get_full_name(),
        "owner": incumbent.get_full_name(),
    }
    notify(
        [incumbent, claimant],
        gettext_lazy("Ownership clash over %(name)s"),
        body=gettext_lazy("%(claimant)s registered a customer of %(owner)s; the manager rules."),
        params=params,
        url=url,
        level=NotificationLevel.WARNING,
    )
    notify(
        _managers_of(incumbent, claimant),
        gettext_lazy("A clash to rule: %(name)s"),
        body=gettext_lazy("%(claimant)s registered a customer of %(owner)s."),
        params=params,
        url=url,
        level=NotificationLevel.URGENT,
    )
    return dispute


@transaction.atomic
def rule_dispute(*, dispute: Dispute, winner, ruling: str, by) -> Dispute:
    """The sales manager's ruling, recorded and told to both consultants."""
    if not core.is_manager(by):
        raise PermissionDenied
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if not dispute.is_open:
        raise ValidationError(_("This dispute has been ruled already."))
    if winner is None or winner.pk not in (dispute.incumbent_id, dispute.claimant_id):
        raise ValidationError({"winner": _("The customer goes to one of the two consultants.")})
    if not ruling.strip():
        raise ValidationError({"ruling": _("Write the ruling and its reason.")})
    if not core.can_take_customers(winner):
        raise ValidationError({"winner": _("%(name)s is leaving or has left.") % {"name": winner}})
    customer = core.lock_customer(dispute.customer_id)
    now = timezone.now()
    if customer.owner_id != winner.pk:
        core.change_owner(
            customer=customer,
            to=winner,
            rule=OwnershipRule.MANAGER_RULING,
            change=OwnershipChange.RULED,
            by=by,
            when=now,
            dispute=dispute,
            note=ruling.strip(),
        )
    else:
        core.record(
            customer=customer,
            change=OwnershipChange.RULED,
            rule=OwnershipRule.MANAGER_RULING,
            by=by,
            when=now,
            from_owner=customer.owner,
            to_owner=winner,
            dispute=dispute,
            note=ruling.strip(),
        )
    dispute.status = Dispute.Status.RULED
    dispute.winner = winner
    dispute.ruling = ruling.strip()
    dispute.ruled_by = by
    dispute.ruled_at = now
    dispute.save()
    notify(
        [dispute.incumbent, dispute.claimant],
        gettext_lazy("Ruling on %(name)s: the customer goes to %(winner)s"),
        body=gettext_lazy("%(ruling)s (%(manager)s)"),
        params={
            "name": customer.name,
            "winner": winner.get_full_name(),
            "ruling": ruling.strip(),
            "manager": by.get_full_name(),
        },
        url=reverse("archives:dispute_detail", args=[dispute.pk]),
    )
    return dispute


# --- Manager assignment ---------------------------------------------------------------------


@transaction.atomic
def assign_customer(*, customer: Customer, to, by, note: str = ""):
    """The sales manager gives a customer — from the public pool or from a colleague — to a
    consultant."""
    if not core.is_manager(by):
        raise PermissionDenied
    if not core.can_take_customers(to) or not core.is_consultant(to):
        raise ValidationError({"to": _("Choose a working sales consultant.")})
    customer = core.lock_customer(customer.pk)
    if customer.owner_id == to.pk:
        raise ValidationError({"to": _("%(name)s owns this customer already.") % {"name": to}})
    previous = customer.owner
    event = core.change_owner(
        customer=customer,
        to=to,
        rule=OwnershipRule.MANAGER_ASSIGNMENT,
        change=OwnershipChange.ASSIGNED if previous is None else OwnershipChange.TRANSFERRED,
        by=by,
        note=note.strip(),
    )
    notify(
        [to],
        gettext_lazy("%(name)s is now your customer"),
        body=gettext_lazy("Assigned by %(manager)s."),
        params={"name": customer.name, "manager": by.get_full_name()},
        url=customer.get_absolute_url(),
    )
    if previous is not None:
        notify(
            [previous],
            gettext_lazy("%(name)s was assigned to %(to)s"),
            params={"name": customer.name, "to": to.get_full_name()},
        )
    return event


# --- Important customers (R-ARC-11) ---------------------------------------------------------


def staff_in_contact(customer: Customer, co_owners=None) -> list[User]:
    """The owner and co-owners who still work here."""
    people = list(customer.co_owners.all() if co_owners is None else co_owners)
    if customer.owner_id:
        people.append(customer.owner)
    unique = {p.pk: p for p in people if p.is_active}
    return list(unique.values())


def _too_few(count: int) -> ValidationError:
    return ValidationError(
        _(
            "An important customer needs at least %(min)s staff in contact (§4); now there "
            "is %(n)s. Add a co-owner first."
        )
        % {"min": MIN_CONTACTS, "n": count}
    )


@transaction.atomic
def set_contacts(*, customer: Customer, co_owners, important: bool, by) -> Customer:
    """Co-owners and the important flag together: important needs two or more staff."""
    customer = core.lock_customer(customer.pk)
    co_owners = [p for p in co_owners if p.pk != customer.owner_id]
    people = staff_in_contact(customer, co_owners)
    if important and len(people) < MIN_CONTACTS:
        raise _too_few(len(people))
    current = set(customer.co_owners.values_list("pk", flat=True))
    if current != {p.pk for p in co_owners}:
        archive_services.set_co_owners(customer=customer, co_owners=co_owners, by=by)
    if customer.is_important != important:
        customer.is_important = important
        core.stamp(
            customer,
            by,
            _("Marked important") if important else _("No longer marked important"),
        )
        customer.save(update_fields=["is_important"])
    return customer


@transaction.atomic
def set_important(*, customer: Customer, important: bool, by) -> Customer:
    customer = core.lock_customer(customer.pk)
    return set_contacts(
        customer=customer, co_owners=list(customer.co_owners.all()), important=important, by=by
    )
