"""Follow-up plans turn archive events into dated follow-ups (R-VIS-02, R-VIS-03)."""

import datetime as dt
from decimal import Decimal

import pytest

from archives import events, services
from archives.models import EventKind, OccupancyRole
from tests.factories import UnitFactory
from visits.followups import due_date, plan_for
from visits.models import (
    CallerAssignment,
    CallerKind,
    FollowUp,
    FollowUpKind,
    FollowUpPlan,
    FollowUpStatus,
    FollowUpStep,
)

pytestmark = pytest.mark.django_db


def _deal(customer, by, signed_on):
    return services.record_deal(
        customer=customer, by=by, amount=Decimal("1380000.00"), signed_on=signed_on
    )


def _schedule(customer):
    return list(
        FollowUp.objects.filter(customer=customer)
        .order_by("due_on", "caller_kind")
        .values_list("due_on", "caller_kind", "channel")
    )


def test_a_deal_schedules_the_buyers_calls_at_3_30_60_and_15_30_60(
    freeze, customer, owner, service
):
    """R-VIS-03: buyers are called at 3, 30 and 60 days by their consultant and at 15, 30 and
    60 days by the specialist — customer service when the project names nobody (§13);
    31 January + 30 days is 2 March, not a clipped 28 February."""
    freeze(2026, 1, 31)
    _deal(customer, owner, dt.date(2026, 1, 31))
    assert _schedule(customer) == [
        (dt.date(2026, 2, 3), "owner", "phone"),
        (dt.date(2026, 2, 15), "specialist", "phone"),
        (dt.date(2026, 3, 2), "owner", "phone"),
        (dt.date(2026, 3, 2), "specialist", "phone"),
        (dt.date(2026, 4, 1), "owner", "visit"),
        (dt.date(2026, 4, 1), "specialist", "phone"),
    ]
    callers = set(FollowUp.objects.values_list("caller__username", flat=True))
    assert callers == {"zhangwei", "wufang"}


def test_recording_the_same_event_twice_creates_each_follow_up_once(freeze, customer, owner):
    """R-VIS-03: each follow-up is created once, even when its event is recorded again."""
    freeze(2026, 3, 1)
    for _ in range(2):
        events.record_event(
            customer=customer,
            kind=EventKind.DEAL_WON,
            occurred_on=dt.date(2026, 3, 1),
            source_key="archives.deal:999",
            by=owner,
        )
    assert FollowUp.objects.count() == 6


def test_the_unique_key_refuses_a_second_follow_up_for_the_same_event_and_step(
    freeze, customer, owner
):
    """R-VIS-03: a database constraint, not a read-then-write, keeps (event, step) unique."""
    from django.db import IntegrityError, transaction

    freeze(2026, 3, 1)
    _deal(customer, owner, dt.date(2026, 3, 1))
    first = FollowUp.objects.order_by("pk").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(
            customer=customer,
            caller=owner,
            event=first.event,
            step=first.step,
            question_zh="重复",
            due_on=first.due_on,
            call_on=first.call_on,
            escalate_on=first.escalate_on,
        )


def test_guests_who_did_not_buy_are_called_at_3_and_15_days(freeze, customer, owner):
    """R-VIS-03: non-buyers at 3 and 15 days (§13), by their consultant."""
    freeze(2026, 5, 20)
    events.record_event(
        customer=customer,
        kind=EventKind.EVENT_NOT_BOUGHT,
        occurred_on=dt.date(2026, 5, 20),
        source_key="test:1",
        by=owner,
    )
    assert _schedule(customer) == [
        (dt.date(2026, 5, 23), "owner", "phone"),
        (dt.date(2026, 6, 4), "owner", "phone"),
    ]


def test_new_residents_get_a_customer_service_call_within_a_month(freeze, customer, owner, service):
    """R-VIS-03 / §15 4.4: customer service calls within a month of moving in; the call is on
    the list from the fifth day and due on the thirtieth."""
    freeze(2026, 6, 1)
    services.move_in(
        customer=customer,
        unit=UnitFactory(floor__building__project=customer.project),
        role=OccupancyRole.OWNER,
        moved_in=dt.date(2026, 6, 1),
        by=owner,
    )
    call = FollowUp.objects.get()
    assert call.caller == service
    assert call.due_on == dt.date(2026, 7, 1)
    assert call.call_on == dt.date(2026, 6, 6)


def test_a_closed_complaint_gets_a_return_visit_by_the_owner_after_3_days(
    freeze, make_customer, customer, owner, service
):
    """R-VIS-03: complaint closed → 回访 after 3 days by the owner, or by customer service when
    the customer has no consultant."""
    freeze(2026, 8, 10)
    orphan = make_customer(owner=None, by=owner, name="李四")
    for who, key in ((customer, "complaints.complaint:1"), (orphan, "complaints.complaint:2")):
        events.record_event(
            customer=who,
            kind=EventKind.COMPLAINT_CLOSED,
            occurred_on=dt.date(2026, 8, 10),
            source_key=key,
            by=service,
        )
    mine, theirs = (FollowUp.objects.get(customer=c) for c in (customer, orphan))
    assert (mine.caller, mine.due_on, mine.kind) == (
        owner,
        dt.date(2026, 8, 13),
        FollowUpKind.RETURN_VISIT,
    )
    assert (theirs.caller, theirs.caller_kind) == (service, CallerKind.CUSTOMER_SERVICE)


def test_working_day_steps_skip_the_national_day_holiday_and_count_the_make_up_saturday(
    freeze, customer, owner
):
    """R-VIS-03: a step counted in working days skips 1–7 October 2026 and counts Saturday
    10 October, an official make-up workday (调休)."""
    freeze(2026, 9, 30)
    plan = FollowUpPlan.objects.create(
        project=customer.project, trigger=EventKind.DEAL_WON, name_zh="工作日回访"
    )
    FollowUpStep.objects.create(
        plan=plan, offset_days=3, working_days=True, caller="owner", question_zh="三个工作日内"
    )
    FollowUpStep.objects.create(
        plan=plan, offset_days=5, working_days=True, caller="owner", question_zh="五个工作日内"
    )
    _deal(customer, owner, dt.date(2026, 9, 30))
    assert [due for due, _c, _ch in _schedule(customer)] == [
        dt.date(2026, 10, 10),
        dt.date(2026, 10, 13),
    ]


def test_working_days_also_skip_the_spring_festival():
    """R-VIS-03: two working days after Friday 13 Feb 2026 are Saturday 14 Feb (调休) and
    Tuesday 24 Feb, after the Spring Festival holiday."""
    step = FollowUpStep(offset_days=2, working_days=True)
    assert due_date(dt.date(2026, 2, 13), step) == dt.date(2026, 2, 24)
    assert due_date(dt.date(2026, 2, 13), FollowUpStep(offset_days=2)) == dt.date(2026, 2, 15)


def test_a_projects_own_plan_replaces_the_default_and_can_switch_it_off(project, make_customer):
    """R-VIS-03: the schedule is data, per project."""
    default = plan_for(EventKind.DEAL_WON, project)
    assert default.project is None
    own = FollowUpPlan.objects.create(
        project=project, trigger=EventKind.DEAL_WON, name_zh="本项目", is_active=True
    )
    assert plan_for(EventKind.DEAL_WON, project) == own
    own.is_active = False
    own.save()
    assert plan_for(EventKind.DEAL_WON, project) is None
    assert plan_for(EventKind.DEAL_WON, None) == default


def test_a_caller_assignment_names_who_calls_for_customer_service(
    freeze, customer, owner, service, make_user
):
    """R-VIS-03: the project may name its customer-service caller; else the least busy one."""
    from crm.roles import Role

    freeze(2026, 3, 1)
    specialist = make_user(Role.CUSTOMER_SERVICE, username="zhengqiang", name="郑强")
    CallerAssignment.objects.create(
        project=customer.project, caller_kind=CallerKind.SPECIALIST, user=specialist
    )
    _deal(customer, owner, dt.date(2026, 3, 1))
    assert set(
        FollowUp.objects.filter(caller_kind=CallerKind.SPECIALIST).values_list(
            "caller__username", flat=True
        )
    ) == {"zhengqiang"}


def test_fulfilling_a_commitment_makes_a_return_visit_due_the_next_day(freeze, customer, owner):
    """R-VIS-02: after a commitment is fulfilled, a return visit falls due (§2 第16条)."""
    from visits import services as visit_services

    freeze(2026, 4, 30, 15)
    log = visit_services.log_visit(
        customer=customer,
        by=owner,
        kind="outbound_visit",
        needs="车位价格",
        commitments=[("三日内提供车位价格表", dt.date(2026, 5, 3), None)],
    )
    commitment = log.commitments.get()
    assert not FollowUp.objects.exists()
    visit_services.fulfil_commitment(commitment=commitment, by=owner)
    call = FollowUp.objects.get()
    assert (call.kind, call.caller, call.due_on) == (
        FollowUpKind.RETURN_VISIT,
        owner,
        dt.date(2026, 5, 1),
    )
    assert call.event.kind == EventKind.COMMITMENT_FULFILLED


def test_buying_after_an_event_cancels_the_non_buyers_calls(freeze, customer, owner):
    """R-VIS-06 with §13: the buyers' plan replaces the non-buyers' calls."""
    freeze(2026, 5, 1)
    events.record_event(
        customer=customer,
        kind=EventKind.EVENT_NOT_BOUGHT,
        occurred_on=dt.date(2026, 5, 1),
        source_key="visits.invitation:1",
        by=owner,
    )
    freeze(2026, 5, 6)
    _deal(customer, owner, dt.date(2026, 5, 6))
    not_bought = FollowUp.objects.filter(event__kind=EventKind.EVENT_NOT_BOUGHT)
    assert set(not_bought.values_list("status", flat=True)) == {FollowUpStatus.CANCELLED}
    assert FollowUp.objects.filter(event__kind=EventKind.DEAL_WON).count() == 6


def test_a_deal_recorded_late_gives_the_caller_time_before_escalating(freeze, customer, owner):
    """R-VIS-07: overdue the day it is recorded, but escalated only after the grace period."""
    freeze(2026, 6, 30)
    _deal(customer, owner, dt.date(2026, 5, 1))
    first = FollowUp.objects.order_by("due_on").first()
    assert first.due_on == dt.date(2026, 5, 4)
    assert first.escalate_on == dt.date(2026, 7, 3)
