"""The beat sweep: due calls notify their caller once, overdue ones escalate to the manager,
stuck rows are released, and a broker outage loses nothing (R-VIS-03, R-VIS-07)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.db.models import Q

from crm.models import Notification
from visits import followups
from visits.models import FollowUp, FollowUpRecord, FollowUpStatus, SweepState
from visits.sweep import claim, sweep
from visits.tasks import sweep_follow_ups

pytestmark = pytest.mark.django_db


def _titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_a_call_due_today_notifies_its_caller_once(freeze, customer, owner, make_follow_up):
    """R-VIS-03: each follow-up fires once — a second sweep the same day sends nothing."""
    freeze(2026, 3, 2, 8, 5)
    call = make_follow_up(customer, owner, dt.date(2026, 3, 2))
    make_follow_up(customer, owner, dt.date(2026, 3, 5))  # not yet on the list
    assert sweep().notified == 1
    assert sweep().notified == 0
    assert _titles(owner) == ["今日回访：王丽华"]
    notification = Notification.objects.get()
    assert notification.url == call.get_absolute_url()
    assert "了解入住感受" in notification.body


def test_notifications_are_written_in_the_callers_language(freeze, customer, owner, make_follow_up):
    freeze(2026, 3, 2)
    owner.language = "en"
    owner.save()
    make_follow_up(customer, owner, dt.date(2026, 3, 2), question_en="How is the new home?")
    sweep()
    notification = Notification.objects.get()
    assert notification.title == "Call due today: 王丽华"
    assert notification.body.startswith("How is the new home?")


def test_a_rescheduled_call_notifies_again_on_its_new_day(freeze, customer, owner, make_follow_up):
    """R-VIS-03: the caller is told again when the call comes back on the list."""
    freeze(2026, 3, 2)
    call = make_follow_up(customer, owner, dt.date(2026, 3, 4), call_on=dt.date(2026, 3, 2))
    sweep()
    followups.record_result(
        follow_up=call, outcome="rescheduled", by=owner, call_again_on=dt.date(2026, 3, 3)
    )
    assert sweep().notified == 0
    freeze(2026, 3, 3)
    assert sweep().notified == 1
    assert Notification.objects.filter(recipient=owner).count() == 2


def test_an_overdue_call_escalates_to_the_manager_after_the_configured_days(
    freeze, customer, owner, manager, make_follow_up
):
    """R-VIS-07: overdue follow-ups escalate to the manager — once, and not before the plan's
    number of days."""
    freeze(2026, 3, 2)
    call = make_follow_up(customer, owner, dt.date(2026, 3, 2))
    sweep()
    freeze(2026, 3, 4)
    assert sweep().escalated == 0
    freeze(2026, 3, 5)
    report = sweep()
    assert report.escalated == 1
    assert _titles(manager) == ["回访逾期：王丽华，回访人张伟"]
    assert "逾期3天" in Notification.objects.get(recipient=manager).body
    assert "已上报主管：王丽华" in _titles(owner)
    call.refresh_from_db()
    assert call.escalated_at is not None
    assert FollowUpRecord.objects.filter(follow_up=call, action="escalated").count() == 1
    freeze(2026, 3, 6)
    assert sweep().escalated == 0


def test_the_escalation_day_comes_from_the_plan(freeze, customer, owner, manager):
    """R-VIS-07: the number of days is configurable per plan (admin-editable data)."""
    from decimal import Decimal

    from archives import services
    from visits.models import FollowUpPlan

    FollowUpPlan.objects.filter(trigger="deal_won").update(escalate_after_days=7)
    freeze(2026, 3, 1)
    services.record_deal(
        customer=customer, by=owner, amount=Decimal("1000000"), signed_on=dt.date(2026, 3, 1)
    )
    first = FollowUp.objects.order_by("due_on").first()
    assert first.escalate_on == dt.date(2026, 3, 11)


def test_a_caller_who_heads_the_department_escalates_to_the_general_manager(
    freeze, customer, manager, general_manager, make_follow_up
):
    freeze(2026, 3, 1)
    make_follow_up(customer, manager, dt.date(2026, 2, 20), escalate_on=dt.date(2026, 3, 1))
    sweep()
    assert "回访逾期：王丽华，回访人刘洋" in _titles(general_manager)


def test_rows_left_processing_by_a_crashed_sweep_are_released_and_processed(
    freeze, customer, owner, make_follow_up
):
    """R-VIS-07: a worker that died mid-batch leaves rows 'processing'; the next sweep after
    the timeout takes them back, and they are notified once."""
    now = freeze(2026, 3, 2, 9)
    call = make_follow_up(customer, owner, dt.date(2026, 3, 2))
    assert claim(Q(status=FollowUpStatus.OPEN), token="dead", now=now, batch_size=10) == 1
    assert sweep().notified == 0  # still within the timeout: left alone
    freeze(2026, 3, 2, 9, 20)
    report = sweep()
    assert (report.released, report.notified) == (1, 1)
    call.refresh_from_db()
    assert (call.sweep_state, call.claim_token) == (SweepState.IDLE, "")


def test_calls_of_a_voided_archive_are_cancelled_not_notified(
    freeze, customer, owner, make_follow_up
):
    from archives import services

    freeze(2026, 3, 2)
    call = make_follow_up(customer, owner, dt.date(2026, 3, 2))
    services.void_customer(customer=customer, by=owner, reason="重复建档")
    report = sweep()
    assert (report.notified, report.cancelled) == (0, 1)
    call.refresh_from_db()
    assert call.status == FollowUpStatus.CANCELLED
    assert not Notification.objects.exists()


def test_a_broker_outage_loses_nothing(
    freeze, customer, owner, make_follow_up, monkeypatch, django_capture_on_commit_callbacks
):
    """R-VIS-07 / design: while Redis is down nothing reaches the worker — no sweep runs and
    queued tasks fail to publish — yet every due call is still due when the next sweep runs,
    and is notified exactly once."""
    from decimal import Decimal

    from archives import services
    from crm.celery import app

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    freeze(2026, 3, 1, 10)
    monkeypatch.setattr(app, "send_task", broker_down)
    app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.record_deal(
                customer=customer, by=owner, amount=Decimal("1.00"), signed_on=dt.date(2026, 3, 1)
            )
            make_follow_up(customer, owner, dt.date(2026, 3, 3))
    finally:
        app.conf.task_always_eager = True
    assert FollowUp.objects.count() == 7  # the deal's six calls were saved with the deal
    # The broker comes back four days later; the first sweep catches up on everything.
    freeze(2026, 3, 4, 11)
    report = sweep_follow_ups.delay().get()
    assert report["notified"] == 2  # the hand-made call and the deal's 3-day call
    assert sweep_follow_ups.delay().get()["notified"] == 0
    assert Notification.objects.filter(recipient=owner).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_running_at_once_notify_each_call_once(freeze, make_customer, owner):
    """R-VIS-03: two workers sweeping in parallel (PostgreSQL, real concurrency) never claim
    the same row: 300 due calls give exactly 300 notifications."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs this on PostgreSQL)")
    freeze(2026, 3, 2, 9)
    customer = make_customer(owner=owner, name="王丽华")
    FollowUp.objects.bulk_create(
        FollowUp(
            customer=customer,
            caller=owner,
            question_zh=f"第{n}次",
            due_on=dt.date(2026, 3, 2),
            call_on=dt.date(2026, 3, 2),
            escalate_on=dt.date(2026, 3, 5),
        )
        for n in range(300)
    )
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            barrier.wait()
            reports.append(sweep(batch_size=25))
        except Exception as exc:  # pragma: no cover - surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(report.notified for report in reports) == 300
    assert Notification.objects.count() == 300
    assert Notification.objects.values("url").distinct().count() == 300
