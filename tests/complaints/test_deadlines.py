"""Reply deadlines on working days, and the sweep that warns and escalates (R-CMP-03)."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from complaints import deadlines, services
from complaints.models import ComplaintLog, LogAction, ReplyDeadline, ReplyMethod, Severity
from complaints.tasks import sweep_reply_deadlines
from crm.models import Notification, NotificationLevel
from tests.complaints.helpers import take_through

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_a_deadline_skips_the_golden_week_and_lands_on_the_make_up_saturday(make_complaint):
    """R-CMP-03: received Wed 30 Sep 2026, 3 working days: 8 Oct, 9 Oct, and Saturday 10 Oct
    (调休 make-up workday) — due at the close of that day."""
    with time_machine.travel(at(2026, 9, 30, 10, 15), tick=False):
        complaint = make_complaint()
    assert complaint.reply_due_at == at(2026, 10, 10, 17, 30)
    assert complaint.warn_at == at(2026, 10, 10, 13, 30)


@pytest.mark.django_db
def test_a_major_complaint_has_one_working_day(make_complaint):
    """R-CMP-03: major: one working day — after National Day that is Thursday 8 Oct."""
    with time_machine.travel(at(2026, 9, 30, 16, 0), tick=False):
        complaint = make_complaint(severity=Severity.MAJOR)
    assert complaint.reply_due_at == at(2026, 10, 8, 17, 30)


@pytest.mark.django_db
def test_a_complaint_on_a_holiday_counts_from_the_next_working_day(make_complaint):
    """R-CMP-03: received on 3 Oct (holiday): 8, 9 and 10 Oct are the three working days."""
    with time_machine.travel(at(2026, 10, 3, 9, 0), tick=False):
        complaint = make_complaint()
    assert complaint.reply_due_at == at(2026, 10, 10, 17, 30)


@pytest.mark.django_db
def test_deadlines_are_configured_per_severity(make_complaint):
    """R-CMP-03: an administrator sets the working days per severity."""
    ReplyDeadline.objects.filter(severity=Severity.GENERAL).update(workdays=5, warn_hours=8)
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):  # a Monday
        complaint = make_complaint()
    assert complaint.reply_due_at == at(2026, 11, 30, 17, 30)
    assert complaint.warn_at == at(2026, 11, 30, 9, 30)


@pytest.mark.django_db
def test_the_sweep_warns_once_before_and_escalates_once_after(
    make_complaint, service_agent, service_head, finance, finance_head
):
    """R-CMP-03: warned before the deadline, escalated after it — each once, however often
    the sweep runs."""
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):
        complaint = make_complaint(by=service_agent, department=finance)  # due Thu 26 17:30
    Notification.objects.all().delete()
    with time_machine.travel(at(2026, 11, 26, 12, 0), tick=False):
        assert deadlines.sweep() == {"escalated": 0, "warned": 0}
    with time_machine.travel(at(2026, 11, 26, 14, 0), tick=False):
        assert deadlines.sweep() == {"escalated": 0, "warned": 1}
        assert deadlines.sweep() == {"escalated": 0, "warned": 0}
    warnings = Notification.objects.filter(level=NotificationLevel.WARNING)
    assert [n.recipient for n in warnings] == [service_agent]
    with time_machine.travel(at(2026, 11, 27, 9, 0), tick=False):
        assert sweep_reply_deadlines.delay().get() == {"escalated": 1, "warned": 0}
        assert deadlines.sweep() == {"escalated": 0, "warned": 0}
    urgent = Notification.objects.filter(level=NotificationLevel.URGENT)
    assert {n.recipient for n in urgent} == {finance_head, service_agent}
    log = ComplaintLog.objects.filter(complaint=complaint)
    assert log.filter(action=LogAction.WARNED).count() == 1
    assert log.filter(action=LogAction.ESCALATED, by__isnull=True).count() == 1


@pytest.mark.django_db
def test_an_overdue_major_complaint_reaches_the_general_manager(make_complaint, gm, front_desk):
    """R-CMP-03: escalated after the deadline; a major one also to the general manager.
    A sweep that missed the warning window escalates without warning first."""
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):
        complaint = make_complaint(severity=Severity.MAJOR)
    Notification.objects.all().delete()
    with time_machine.travel(at(2026, 11, 25, 9, 0), tick=False):
        assert deadlines.sweep() == {"escalated": 1, "warned": 0}
    assert Notification.objects.filter(recipient=gm, title__contains=complaint.number).exists()


@pytest.mark.django_db
def test_a_replied_complaint_is_not_chased(make_complaint, service_agent):
    """R-CMP-03: the clock stops at the reply."""
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):
        complaint = make_complaint(by=service_agent)
        take_through(complaint, service_agent)
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        assert deadlines.sweep() == {"escalated": 0, "warned": 0}


@pytest.mark.django_db
def test_a_reopened_complaint_is_watched_on_its_new_deadline(make_complaint, service_agent):
    """R-CMP-03, R-CMP-04: reopening sets a fresh deadline, and the sweep acts on it again."""
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        complaint = make_complaint(by=service_agent)
    with time_machine.travel(at(2026, 11, 9, 9, 0), tick=False):
        assert deadlines.sweep()["escalated"] == 1
        take_through(complaint, service_agent)
        services.close_complaint(
            complaint=complaint,
            by=service_agent,
            outcome="已处理",
            opinion="satisfied",
            confirmation="phone",
            note="电话确认",
        )
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):
        services.reopen_complaint(complaint=complaint, by=service_agent, reason="仍未解决")
        complaint.refresh_from_db()
        assert complaint.reply_due_at == at(2026, 11, 26, 17, 30)
    with time_machine.travel(at(2026, 11, 27, 9, 0), tick=False):
        assert deadlines.sweep()["escalated"] == 1
    escalations = ComplaintLog.objects.filter(action=LogAction.ESCALATED)
    assert escalations.count() == 2


@pytest.mark.django_db
def test_a_promised_reply_time_is_the_deadline_the_sweep_watches(
    make_complaint, service_agent, finance, finance_head
):
    """R-CMP-03: referred to the head with a promised time: warned and escalated on that."""
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):
        complaint = make_complaint(by=service_agent, department=finance)
        take_through(complaint, service_agent, until="asked")
        services.follow_up_complaint(
            complaint=complaint,
            by=service_agent,
            text="超出权限，转主管",
            refer_to_head=True,
            promised_reply_at=at(2026, 12, 4, 12, 0),
            told_via=ReplyMethod.PHONE,
        )
    with time_machine.travel(at(2026, 11, 27, 9, 0), tick=False):
        assert deadlines.sweep() == {"escalated": 0, "warned": 0}  # the old deadline is gone
    with time_machine.travel(at(2026, 12, 4, 13, 0), tick=False):
        assert deadlines.sweep() == {"escalated": 1, "warned": 0}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_escalate_once(make_complaint):
    """R-CMP-03: two beat workers running together claim each complaint once (PostgreSQL:
    SKIP LOCKED plus the conditional update)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        for index in range(12):
            make_complaint(subject=f"投诉{index}")
    results, barrier = [], threading.Barrier(2)

    def run():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(deadlines.escalate_overdue(at(2026, 11, 27, 9, 0)))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 12
    assert ComplaintLog.objects.filter(action=LogAction.ESCALATED).count() == 12


def test_the_sweep_is_on_the_beat_schedule(settings):
    """R-CMP-03: beat runs the sweep every few minutes, by task name."""
    from crm.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["complaints-reply-deadlines"]
    assert entry["task"] == "complaints.tasks.sweep_reply_deadlines"
    assert entry["task"] in app.tasks
    assert entry["schedule"] <= dt.timedelta(minutes=10)


@pytest.mark.django_db
def test_an_administrator_sets_the_deadlines_in_the_admin(admin_client):
    """R-CMP-03: deadlines configurable per severity in the admin."""
    response = admin_client.get("/admin/complaints/replydeadline/")
    assert response.status_code == 200
    rows = {row.severity: row for row in ReplyDeadline.objects.all()}
    assert (rows["general"].workdays, rows["major"].workdays) == (3, 1)
