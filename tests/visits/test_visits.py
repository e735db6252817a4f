"""Visit plans and logs with commitments (R-VIS-01, R-VIS-02), follow-up results and the
next step (R-VIS-03), handover of open work (R-ARC-12)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from archives import timeline
from archives.models import Customer, CustomerEvent, EventKind
from crm import handover
from visits import followups, services
from visits.models import (
    Commitment,
    CommitmentStatus,
    FollowUp,
    FollowUpPlan,
    FollowUpRecord,
    FollowUpStatus,
    PlanStatus,
    VisitLog,
    VisitPlan,
)

pytestmark = pytest.mark.django_db


def _log(customer, by, **fields):
    fields.setdefault("kind", "outbound_visit")
    fields.setdefault("needs", "希望了解车位价格")
    return services.log_visit(customer=customer, by=by, **fields)


def test_a_visit_log_keeps_needs_objections_the_three_aspects_and_commitments(
    freeze, customer, owner
):
    """R-VIS-01: the log records needs, suggestions, objections, the customer, brand and market
    aspects of §2 第10条, and commitments with their due dates."""
    freeze(2026, 4, 10, 16)
    log = _log(
        customer,
        owner,
        suggestions="建议增加儿童游乐设施",
        objections="物业费偏高",
        responses="对比了周边项目收费",
        customer_aspect="对交房质量满意",
        brand_aspect="认可品牌",
        market_aspect="周边新盘涨价5%",
        commitments=[("三日内提供车位价格表", dt.date(2026, 4, 13), None)],
    )
    log.refresh_from_db()
    assert (log.objections, log.brand_aspect, log.market_aspect) == (
        "物业费偏高",
        "认可品牌",
        "周边新盘涨价5%",
    )
    commitment = log.commitments.get()
    assert (commitment.due_on, commitment.responsible, commitment.status) == (
        dt.date(2026, 4, 13),
        owner,
        CommitmentStatus.OPEN,
    )
    assert log.history.first().history_user == owner


def test_logging_a_visit_counts_as_contact(freeze, customer, owner):
    """R-VIS-01 with §6: a logged visit restarts the protection period."""
    moment = freeze(2026, 4, 10, 16)
    _log(customer, owner)
    assert Customer.objects.get(pk=customer.pk).last_contact_at == moment


def test_a_log_with_nothing_in_it_is_refused_and_nothing_is_saved(freeze, customer, owner):
    """Bad input gets a clear message and nothing is saved half-way."""
    freeze(2026, 4, 10)
    with pytest.raises(ValidationError) as caught:
        services.log_visit(
            customer=customer,
            by=owner,
            kind="walk_in",
            commitments=[("提供资料", dt.date(2026, 4, 1), None)],
        )
    assert set(caught.value.message_dict) == {"needs", "commitments"}
    assert not VisitLog.objects.exists() and not Commitment.objects.exists()


def test_a_planned_visit_is_done_once_logged(freeze, customer, owner):
    """R-VIS-01: a plan has purpose, target and materials; logging against it closes it."""
    freeze(2026, 4, 9)
    plan = services.plan_visit(
        customer=customer,
        visitor=owner,
        by=owner,
        planned_on=dt.date(2026, 4, 10),
        purpose="讲解按揭方案",
        target="确定首付比例",
        materials=["brochures", "sales_policy"],
        materials_note="按揭计算表",
    )
    assert plan.material_labels == ["企业宣传资料", "销售政策与促销活动", "按揭计算表"]
    freeze(2026, 4, 10, 15)
    log = _log(customer, owner, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DONE and log.plan == plan
    with pytest.raises(ValidationError):
        _log(customer, owner, plan=plan)


def test_a_plan_needs_purpose_target_and_a_future_date(freeze, customer, owner):
    freeze(2026, 4, 10)
    with pytest.raises(ValidationError) as caught:
        services.plan_visit(
            customer=customer,
            visitor=owner,
            by=owner,
            planned_on=dt.date(2026, 4, 9),
            purpose=" ",
            target="",
        )
    assert set(caught.value.message_dict) == {"purpose", "target", "planned_on"}


def test_a_commitment_is_fulfilled_once(freeze, customer, owner):
    """R-VIS-02: one fulfilment, one return visit."""
    freeze(2026, 4, 10, 15)
    log = _log(customer, owner, commitments=[("送车位价格表", dt.date(2026, 4, 12), None)])
    commitment = log.commitments.get()
    services.fulfil_commitment(commitment=commitment, by=owner)
    with pytest.raises(ValidationError):
        services.fulfil_commitment(commitment=commitment, by=owner)
    assert FollowUp.objects.count() == 1
    assert CustomerEvent.objects.get().kind == EventKind.COMMITMENT_FULFILLED


def test_an_in_person_visit_starts_the_visit_plan_only_when_it_is_switched_on(
    freeze, customer, owner
):
    """R-VIS-03: the visit plan is data; seeded off, it starts calls once switched on — for
    walk-ins and visits, never for a logged call (no chain of calls)."""
    freeze(2026, 4, 10, 15)
    _log(customer, owner, kind="walk_in")
    assert not FollowUp.objects.exists()
    FollowUpPlan.objects.filter(trigger=EventKind.VISIT).update(is_active=True)
    _log(customer, owner, kind="follow_up_call")
    assert not FollowUp.objects.exists()
    _log(customer, owner, kind="walk_in", visited_at=dt.datetime(2026, 4, 10, 7, tzinfo=dt.UTC))
    call = FollowUp.objects.get()
    assert call.due_on == dt.date(2026, 4, 11)


def test_visits_calls_and_fulfilled_commitments_appear_on_the_customers_timeline(
    freeze, customer, owner, make_follow_up
):
    """R-VIS-01 / R-ARC-14: one timeline per customer shows the visits app's entries."""
    freeze(2026, 4, 10, 15)
    log = _log(customer, owner, commitments=[("送资料", dt.date(2026, 4, 11), None)])
    services.fulfil_commitment(commitment=log.commitments.get(), by=owner, note="已送达")
    call = FollowUp.objects.get()
    followups.record_result(follow_up=call, outcome="reached", by=owner, satisfaction=5)
    titles = [entry.title for entry in timeline.for_customer(customer, owner)]
    assert "拜访记录：上门拜访" in titles
    assert "承诺已兑现：送资料" in titles
    assert "回访电话：已接通，满意度5/5" in titles


def test_a_reached_call_is_done_and_the_next_step_follows(freeze, customer, owner, service):
    """R-VIS-03: the result is recorded on the follow-up, with satisfaction; the next step of
    the plan is what comes next."""
    from decimal import Decimal

    from archives import services as archive_services

    freeze(2026, 3, 1)
    archive_services.record_deal(
        customer=customer, by=owner, amount=Decimal("1.00"), signed_on=dt.date(2026, 3, 1)
    )
    first = FollowUp.objects.order_by("due_on").first()
    freeze(2026, 3, 4, 10)
    done = followups.record_result(
        follow_up=first, outcome="reached", by=owner, notes="手续顺利", satisfaction=4
    )
    assert (done.status, done.completed_on, done.satisfaction, done.on_time) == (
        FollowUpStatus.DONE,
        dt.date(2026, 3, 4),
        4,
        True,
    )
    following = followups.next_step(done)
    assert following.due_on == dt.date(2026, 3, 16)
    assert following.question.startswith("客服专员第一次回访")


def test_a_call_not_reached_comes_back_tomorrow_and_a_rescheduled_one_on_its_day(
    freeze, customer, owner, make_follow_up
):
    freeze(2026, 3, 4, 10)
    call = make_follow_up(customer, owner, dt.date(2026, 3, 4))
    followups.record_result(follow_up=call, outcome="not_reached", by=owner)
    call.refresh_from_db()
    assert (call.status, call.call_on, call.attempts) == ("open", dt.date(2026, 3, 5), 1)
    with pytest.raises(ValidationError) as caught:
        followups.record_result(follow_up=call, outcome="rescheduled", by=owner)
    assert "call_again_on" in caught.value.message_dict
    followups.record_result(
        follow_up=call, outcome="rescheduled", by=owner, call_again_on=dt.date(2026, 3, 9)
    )
    call.refresh_from_db()
    assert (call.call_on, call.due_on, call.attempts) == (
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 4),
        2,
    )
    assert FollowUpRecord.objects.filter(follow_up=call).count() == 2


def test_a_closed_call_takes_no_second_result(freeze, customer, owner, make_follow_up):
    freeze(2026, 3, 4)
    call = make_follow_up(customer, owner, dt.date(2026, 3, 4))
    followups.record_result(follow_up=call, outcome="reached", by=owner)
    with pytest.raises(ValidationError):
        followups.record_result(follow_up=call, outcome="reached", by=owner)


def test_a_leaving_callers_open_work_hands_over_in_full(
    freeze, customer, owner, colleague, make_follow_up
):
    """R-ARC-12: open follow-ups, planned visits and commitments pass to the successor."""
    freeze(2026, 3, 4, 10)
    make_follow_up(customer, owner, dt.date(2026, 3, 10))
    done = make_follow_up(customer, owner, dt.date(2026, 3, 1))
    followups.record_result(follow_up=done, outcome="reached", by=owner)
    services.plan_visit(
        customer=customer,
        visitor=owner,
        by=owner,
        planned_on=dt.date(2026, 3, 6),
        purpose="送合同",
        target="签字",
    )
    _log(customer, owner, commitments=[("送资料", dt.date(2026, 3, 8), None)])
    work = {src.key: items for src, items in handover.open_work(owner) if src.key.startswith("v")}
    assert {key: len(items) for key, items in work.items()} == {
        "visits.followups": 1,
        "visits.plans": 1,
        "visits.commitments": 1,
    }
    for key, items in work.items():
        assert handover.source(key).transfer(items, colleague, owner) == 1
    assert all(not items for src, items in handover.open_work(owner) if src.key.startswith("v"))
    assert FollowUp.objects.get(status="open").caller == colleague
    assert VisitPlan.objects.get().visitor == colleague
    assert Commitment.objects.get().responsible == colleague
    assert FollowUpRecord.objects.filter(action="reassigned").count() == 1
