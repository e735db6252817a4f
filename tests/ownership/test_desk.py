"""The registration desk's rules of ownership (R-ARC-08, §6 3.1.3–3.1.6) and 撞单 rulings."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from archives import services as archive_services
from archives.models import (
    Channel,
    Customer,
    Dispute,
    Outcome,
    OwnerPeriod,
    OwnershipChange,
    OwnershipEvent,
    OwnershipRule,
    Source,
    Status,
)
from archives.ownership import rotation, services
from crm.models import Notification

pytestmark = pytest.mark.django_db


def walk_in(by, project, mobile="13800001111", **kwargs):
    kwargs.setdefault("name", "王小明")
    return services.register_at_desk(
        by=by, mobile=mobile, channel=Channel.WALK_IN, project=project, **kwargs
    )


def test_unnamed_walk_in_goes_to_the_consultant_on_duty_and_the_queue_moves(
    receptionist, project, roster, owner, colleague
):
    """R-ARC-08: an unnamed new visitor goes to the consultant on duty (当班), in turn."""
    first = walk_in(receptionist, project, "13800001111")
    second = walk_in(receptionist, project, "13800002222", name="李小红")
    assert first.customer.owner == owner
    assert first.registration.rule == OwnershipRule.ON_DUTY
    assert second.customer.owner == colleague
    assert [s.consultant for s in rotation.slots_of(roster)][-2:] == [owner, colleague]


def test_a_visitor_who_names_a_consultant_goes_to_them_without_using_a_turn(
    receptionist, project, roster, owner, third
):
    """R-ARC-08: a visitor who names the consultant they spoke to goes to that consultant."""
    result = walk_in(receptionist, project, named_consultant=third)
    assert result.customer.owner == third
    assert result.registration.rule == OwnershipRule.NAMED_CONSULTANT
    assert rotation.next_in_line(rotation.slots_of(roster)).consultant == owner


def test_a_referred_customer_who_asks_for_the_old_customers_consultant_goes_to_them(
    receptionist, project, roster, make_customer, third
):
    """R-ARC-08: brought by an old customer and asking for their consultant → that consultant."""
    old = make_customer(owner=third, name="王丽华", mobile="13900000001")
    result = walk_in(receptionist, project, referrer=old, asks_for_referrer_consultant=True)
    assert result.customer.owner == third
    assert result.registration.rule == OwnershipRule.REFERRER_CONSULTANT
    assert result.customer.source == Source.REFERRAL


def test_a_referred_customer_who_asks_for_nobody_goes_to_the_one_on_duty(
    receptionist, project, roster, make_customer, owner, third
):
    """R-ARC-08: brought by an old customer, not asking for anyone → the consultant on duty."""
    old = make_customer(owner=third, name="王丽华", mobile="13900000001")
    result = walk_in(receptionist, project, referrer=old)
    assert result.customer.owner == owner
    assert result.registration.rule == OwnershipRule.REFERRAL_ON_DUTY


def test_a_consultant_taking_a_call_registers_the_customer_as_their_own(project, colleague):
    """R-ARC-08: the earliest registration decides; a consultant's own call is theirs."""
    result = services.register_at_desk(
        by=colleague, mobile="13800003333", name="赵六", channel=Channel.CALL, project=project
    )
    assert result.customer.owner == colleague
    assert result.registration.rule == OwnershipRule.FIRST_REGISTRATION


def test_a_registration_through_an_agent_records_the_agent(receptionist, project, roster):
    """R-ARC-08 (§6 3.1.6): a registration through an agent (中介) records the agent."""
    result = walk_in(receptionist, project, agent_name="链家地产 王经纪")
    assert result.registration.agent_name == "链家地产 王经纪"
    assert result.customer.agent_name == "链家地产 王经纪"
    assert result.customer.source == Source.AGENT


def test_a_known_mobile_opens_no_second_archive_and_counts_as_contact(
    receptionist, project, roster, customer, owner
):
    """R-ARC-08: a known mobile never opens a second archive; it counts as contact and the
    customer stays with the consultant who registered first."""
    before = Customer.objects.count()
    result = walk_in(receptionist, project, mobile="139-1234-5678", name="")
    customer.refresh_from_db()
    assert Customer.objects.count() == before
    assert result.customer == customer
    assert result.outcome == Outcome.KNOWN
    assert customer.owner == owner
    assert customer.last_contact_at == result.registration.registered_at
    assert rotation.next_in_line(rotation.slots_of(roster)).consultant == owner  # no turn used
    assert Notification.objects.filter(recipient=owner).exists()


def test_a_second_consultant_registering_a_known_customer_opens_a_dispute(
    project, customer, owner, colleague, manager
):
    """R-ARC-08: a clash (撞单) opens a dispute showing both registrations with their times;
    the customer stays with the earlier registration until the manager rules."""
    result = services.register_at_desk(
        by=colleague, mobile="13912345678", channel=Channel.CALL, project=project
    )
    dispute = result.dispute
    assert dispute is not None and dispute.is_open
    assert (dispute.incumbent, dispute.claimant) == (owner, colleague)
    assert dispute.incumbent_registered_at == customer.created_at
    assert dispute.claimant_registration.registered_at > dispute.incumbent_registered_at
    customer.refresh_from_db()
    assert customer.owner == owner
    assert Notification.objects.filter(recipient=manager).exists()
    again = services.register_at_desk(
        by=colleague, mobile="13912345678", channel=Channel.CALL, project=project
    )
    assert again.dispute == dispute  # one open dispute per claimant
    assert Dispute.objects.count() == 1


def test_a_receptionist_naming_another_consultant_for_a_known_customer_opens_a_dispute(
    receptionist, project, roster, customer, owner, third
):
    """R-ARC-08: the visitor names a consultant, but the archive was registered earlier by
    another: a clash for the manager, not a silent change of owner."""
    result = walk_in(receptionist, project, mobile="13912345678", named_consultant=third)
    assert result.dispute.claimant == third
    customer.refresh_from_db()
    assert customer.owner == owner


def test_the_manager_rules_and_both_consultants_are_told(
    project, customer, owner, colleague, manager
):
    """R-ARC-08: the ruling is recorded, moves the customer, and is notified to both."""
    dispute = services.register_at_desk(
        by=colleague, mobile="13912345678", channel=Channel.CALL, project=project
    ).dispute
    with pytest.raises(ValidationError):
        services.rule_dispute(dispute=dispute, winner=colleague, ruling=" ", by=manager)
    services.rule_dispute(
        dispute=dispute, winner=colleague, ruling="客户明确由李娜接待", by=manager
    )
    dispute.refresh_from_db()
    customer.refresh_from_db()
    assert dispute.status == Dispute.Status.RULED and dispute.winner == colleague
    assert customer.owner == colleague
    for person in (owner, colleague):
        assert Notification.objects.filter(recipient=person, title__contains="李娜").exists()
    ruled = OwnershipEvent.objects.get(customer=customer, change=OwnershipChange.RULED)
    assert ruled.rule == OwnershipRule.MANAGER_RULING and ruled.note == "客户明确由李娜接待"
    assert customer.history.first().history_user == manager
    with pytest.raises(ValidationError):
        services.rule_dispute(dispute=dispute, winner=owner, ruling="再议", by=manager)


def test_only_a_manager_rules_a_dispute(project, customer, owner, colleague):
    """R-ARC-08: the sales manager rules; a consultant cannot rule their own clash."""
    dispute = services.register_at_desk(
        by=colleague, mobile="13912345678", channel=Channel.CALL, project=project
    ).dispute
    with pytest.raises(PermissionDenied):
        services.rule_dispute(dispute=dispute, winner=colleague, ruling="我先接的", by=colleague)
    customer.refresh_from_db()
    assert customer.owner == owner


def test_every_decision_is_an_ownership_event_naming_its_rule(
    receptionist, project, roster, customer, owner
):
    """R-ARC-08: every decision is recorded with the rule that applied, and the owner period
    starts with the registration."""
    new = walk_in(receptionist, project, "13800009999")
    walk_in(receptionist, project, mobile="13912345678", name="")
    events = OwnershipEvent.objects.order_by("pk")
    assert [(e.change, e.rule) for e in events] == [
        (OwnershipChange.ASSIGNED, OwnershipRule.ON_DUTY),
        (OwnershipChange.CONFIRMED, OwnershipRule.FIRST_REGISTRATION),
    ]
    period = OwnerPeriod.objects.get(customer=new.customer)
    assert (period.owner, period.start_rule, period.ended_at) == (
        owner,
        OwnershipRule.ON_DUTY,
        None,
    )


def test_a_public_pool_customer_at_the_desk_goes_by_the_visitor_rules(
    receptionist, project, roster, make_customer, owner
):
    """R-ARC-08: a customer of the public pool who walks in is received like a new visitor."""
    pooled = make_customer(owner=None, name="梁晨", mobile="13900000002", registrar=receptionist)
    result = walk_in(receptionist, project, mobile="13900000002", name="")
    pooled.refresh_from_db()
    assert result.outcome == Outcome.FROM_POOL
    assert pooled.owner == owner
    assert OwnerPeriod.objects.get(customer=pooled, ended_at__isnull=True).owner == owner


def test_the_desk_says_plainly_when_nobody_is_on_duty(receptionist, project, roster):
    """R-ARC-08: without a consultant present, the desk refuses with a reason, saving nothing."""
    for slot in rotation.slots_of(roster):
        rotation.set_away(slot=slot, away=True, by=receptionist)
    with pytest.raises(ValidationError) as caught:
        walk_in(receptionist, project)
    assert "away" in str(caught.value) or "暂离" in str(caught.value)
    assert not Customer.objects.exists()


def test_without_a_rotation_the_desk_asks_for_one(receptionist, project):
    with pytest.raises(ValidationError):
        walk_in(receptionist, project)
    assert not Customer.objects.exists()


def test_an_intent_customer_is_marked_intent(receptionist, project, roster):
    """§6 3.1.2: the sheet marks intent customers; the archive moves lead → intent."""
    result = walk_in(receptionist, project, is_intent=True)
    result.customer.refresh_from_db()
    assert result.customer.status == Status.INTENT
    assert result.registration.is_intent


def test_a_void_archive_is_not_registered_again(receptionist, project, roster, customer, owner):
    archive_services.void_customer(customer=customer, by=owner, reason="重复登记")
    with pytest.raises(ValidationError):
        walk_in(receptionist, project, mobile="13912345678", name="")


def test_a_new_customer_needs_a_name_and_a_receptionist_cannot_self_develop(
    receptionist, project, roster
):
    with pytest.raises(ValidationError) as caught:
        walk_in(receptionist, project, name="")
    assert "name" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.register_at_desk(
            by=receptionist, mobile="13800001111", name="王", channel=Channel.SELF, project=project
        )


class _Deadlock(Exception):
    sqlstate = "40P01"


@pytest.mark.django_db(transaction=True)
def test_a_registration_chosen_as_deadlock_victim_is_run_again(
    receptionist, project, roster, monkeypatch
):
    """Under contention PostgreSQL may end one registration as a deadlock victim; nothing of
    it was saved, so the desk runs it again instead of showing an error."""
    from django.db import OperationalError

    real, calls = services._register_at_desk, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("deadlock detected") from _Deadlock()
        return real(**kwargs)

    monkeypatch.setattr(services, "_register_at_desk", flaky)
    result = walk_in(receptionist, project)
    assert len(calls) == 2
    assert Customer.objects.get() == result.customer


def test_inside_a_callers_transaction_a_deadlock_is_the_callers_to_handle(
    receptionist, project, roster, monkeypatch
):
    from django.db import OperationalError

    def deadlock(**kwargs):
        raise OperationalError("deadlock detected") from _Deadlock()

    monkeypatch.setattr(services, "_register_at_desk", deadlock)
    with pytest.raises(OperationalError):
        walk_in(receptionist, project)
