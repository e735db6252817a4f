"""SLA clocks (R-REP-06): each limit of §8 starts and stops on recorded events, shows its
colour and minutes while it runs, is warned about before it breaks and reported when broken.
Every clock is tested with frozen time: on time, warned, broken."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from crm.models import Notification, NotificationLevel
from repairs import reports, services, sla
from repairs.models import Clock, ClockKind, ClockLimit, ClockState, Urgency
from repairs.tasks import sweep_clocks

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
MIN = dt.timedelta(minutes=1)

# kind: (due after T0, warned this long before due)
RUNNING = {
    ClockKind.ONSITE_URGENT: (10 * MIN, 3 * MIN),
    ClockKind.ONSITE_APPOINTMENT: (55 * MIN, 15 * MIN),
    ClockKind.QUOTE: (15 * MIN, 5 * MIN),
    ClockKind.PUBLIC_ONSITE: (15 * MIN, 5 * MIN),
    ClockKind.RETURN: (7 * 60 * MIN, 60 * MIN),
}


@pytest.fixture
def story(make_order, make_public_order, appointment_order, supervisor, technician, signature):
    """Start the clock of `kind` at T0 and return (order, a function that stops it)."""

    def start(kind):
        def dispatch_and_arrive(order):
            def stop():
                services.dispatch_order(order=order, by=supervisor, technicians=[technician])
                services.record_arrival(order=order, by=technician)

            return stop

        if kind == ClockKind.ONSITE_URGENT:
            order = make_order(received_at=T0 - MIN)
            return order, dispatch_and_arrive(order)
        if kind == ClockKind.ONSITE_APPOINTMENT:
            order = appointment_order(T0 + 60 * MIN)
            return order, dispatch_and_arrive(order)
        if kind == ClockKind.PUBLIC_ONSITE:
            order = make_public_order(received_at=T0 - MIN)
            return order, dispatch_and_arrive(order)
        if kind == ClockKind.QUOTE:
            order = make_order(items=[])
            return order, lambda: services.record_quote(
                order=order,
                by=supervisor,
                feasible=True,
                note="可以修补",
                lines=[_line()],
            )
        order = make_order(received_at=T0 - MIN)
        services.dispatch_order(order=order, by=supervisor, technicians=[technician])
        services.record_arrival(order=order, by=technician)
        services.confirm_lines(order=order, by=technician, quantities={})
        services.record_decision(order=order, by=technician, agreed=True)
        services.complete_order(
            order=order,
            by=technician,
            work_done="已修好",
            customer_checked=True,
            signature_png=signature,
        )
        return order, lambda: services.confirm_return(orders=[order], by=supervisor)

    return start


def _line():
    from decimal import Decimal

    return {
        "name": "石膏线修补",
        "unit": "米",
        "quantity": Decimal("1.5"),
        "labour_price": Decimal("80.00"),
        "material_price": Decimal("20.00"),
    }


def _clock(order, kind) -> Clock:
    return order.clocks.get(kind=kind)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(RUNNING))
def test_a_clock_stopped_in_time_is_met(story, kind):
    """R-REP-06: stopped before its limit, the clock is met and nobody is warned."""
    due_after, warn_before = RUNNING[kind]
    with time_machine.travel(T0, tick=False) as traveller:
        order, stop = story(kind)
        assert _clock(order, kind).due_at == T0 + due_after
        traveller.move_to(T0 + due_after - warn_before - MIN)
        assert sla.sweep() == (0, 0)
        stop()
    clock = _clock(order, kind)
    assert clock.state == ClockState.MET and clock.breached_at is None and clock.warned_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(RUNNING))
def test_the_sweep_warns_once_before_a_clock_breaks(story, kind):
    """R-REP-06: a warning before the limit, to whoever must act; a second sweep adds none."""
    due_after, warn_before = RUNNING[kind]
    with time_machine.travel(T0, tick=False) as traveller:
        order, _stop = story(kind)
        before = Notification.objects.filter(level=NotificationLevel.WARNING).count()
        traveller.move_to(T0 + due_after - warn_before + MIN / 2)
        clock = _clock(order, kind)
        assert clock.display_state() == "warn"
        assert sla.sweep() == (1, 0)
        assert sla.sweep() == (0, 0)
    warnings = Notification.objects.filter(level=NotificationLevel.WARNING)
    assert warnings.count() - before >= 1
    assert all(order.number in n.title for n in warnings[: warnings.count() - before])
    assert _clock(order, kind).warned_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(RUNNING))
def test_a_broken_clock_is_reported_and_counted(story, kind, supervisor):
    """R-REP-06: past its limit the clock is reported to the supervisors, stays broken when
    it finally stops, and appears in the breach report."""
    due_after, _warn = RUNNING[kind]
    with time_machine.travel(T0, tick=False) as traveller:
        order, stop = story(kind)
        traveller.move_to(T0 + due_after + 2 * MIN)
        assert _clock(order, kind).display_state() == "late"
        _warned, reported = sla.sweep()
        assert reported == 1
        assert sla.sweep() == (0, 0)
        traveller.move_to(T0 + due_after + 5 * MIN)
        stop()
    clock = _clock(order, kind)
    assert clock.state == ClockState.BROKEN and clock.breached_at == T0 + due_after
    urgent = Notification.objects.filter(recipient=supervisor, level=NotificationLevel.URGENT)
    assert urgent.filter(title__contains=order.number).exists()
    assert clock in reports.breaches(T0.year)
    by_kind = {bar.label: bar for bar in reports.by_kind(T0.year).bars}
    assert by_kind[str(kind.label)].value == 1
    assert by_kind[str(kind.label)].text == "1 / 1 (100%)"
    by_month = {bar.label: bar.value for bar in reports.by_month(T0.year).bars}
    assert by_month["11"] == 1 and sum(by_month.values()) == 1
    first = reports.by_person(T0.year).bars[0]  # the most broken first
    assert first.label == clock.responsible.name and first.value == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "late", "minutes_before_save"),
    [
        (ClockKind.WRITE, False, 1.5),
        (ClockKind.WRITE, True, 3),
        (ClockKind.NOTIFY, False, 4),
        (ClockKind.NOTIFY, True, 6),
    ],
)
def test_writing_and_notifying_are_measured_from_the_call(
    make_order, kind, late, minutes_before_save
):
    """R-REP-01 / R-REP-06: 2 minutes to write the order, 5 to tell engineering, from the call."""
    with time_machine.travel(T0, tick=False):
        order = make_order(received_at=T0 - minutes_before_save * MIN)
    clock = _clock(order, kind)
    assert clock.stopped_at == T0
    assert clock.state == (ClockState.BROKEN if late else ClockState.MET)
    assert (clock.breached_at is not None) == late


@pytest.mark.django_db
@pytest.mark.parametrize(("minutes_before_save", "late"), [(9, False), (11, True)])
def test_public_areas_have_ten_minutes_to_tell_engineering(
    make_public_order, minutes_before_save, late
):
    """R-REP-05: engineering is told within 10 minutes of a public-area report."""
    with time_machine.travel(T0, tick=False):
        order = make_public_order(received_at=T0 - minutes_before_save * MIN)
    assert _clock(order, ClockKind.PUBLIC_NOTIFY).state == (
        ClockState.BROKEN if late else ClockState.MET
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [ClockKind.WRITE, ClockKind.NOTIFY, *RUNNING])
def test_a_running_clock_shows_green_amber_then_red(make_order, kind):
    """R-REP-06: visible while it runs — green, amber from its warning time, red once late."""
    with time_machine.travel(T0, tick=False) as traveller:
        order = make_order(items=[], urgency=Urgency.APPOINTMENT, appointment_at=T0 + 2 * 60 * MIN)
        order.clocks.filter(kind=kind).delete()
        clock = sla.start(order, kind, at=T0)
        assert clock.display_state() == "ok" and clock.minutes_left() >= 0
        traveller.move_to(clock.warn_at)
        assert clock.display_state() == "warn"
        traveller.move_to(clock.due_at + MIN)
        assert clock.display_state() == "late" and clock.minutes_left() < 0


@pytest.mark.django_db
def test_the_limits_are_data_an_administrator_changes(make_order):
    """R-REP-06: a new limit applies to new clocks; clocks already running keep theirs."""
    with time_machine.travel(T0, tick=False):
        before = make_order()
        ClockLimit.objects.filter(kind=ClockKind.ONSITE_URGENT).update(minutes=20)
        after = make_order()
    assert _clock(before, ClockKind.ONSITE_URGENT).due_at == T0 + 10 * MIN
    assert _clock(after, ClockKind.ONSITE_URGENT).due_at == T0 + 20 * MIN
    assert _clock(after, ClockKind.ONSITE_URGENT).limit_minutes == 20


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("finished", "due"),
    [
        (
            dt.datetime(2026, 11, 20, 14, 0, tzinfo=SHANGHAI),
            dt.datetime(2026, 11, 20, 17, 0, tzinfo=SHANGHAI),
        ),
        (
            dt.datetime(2026, 11, 20, 18, 30, tzinfo=SHANGHAI),
            dt.datetime(2026, 11, 21, 17, 0, tzinfo=SHANGHAI),
        ),
    ],
)
def test_orders_go_back_by_five_and_work_finished_later_by_five_next_day(
    working, technician, signature, finished, due
):
    """R-REP-04: copies two and three are back with the supervisor by 17:00."""
    with time_machine.travel(finished, tick=False):
        services.complete_order(
            order=working,
            by=technician,
            work_done="已修好",
            customer_checked=True,
            signature_png=signature,
        )
    assert _clock(working, ClockKind.RETURN).due_at == due


@pytest.mark.django_db
def test_a_sweep_that_did_not_run_for_an_hour_loses_nothing(make_order, make_public_order):
    """Broker down for an hour: the clocks are still due and all reported on the next sweep."""
    with time_machine.travel(T0, tick=False) as traveller:
        make_order()
        make_public_order()
        traveller.move_to(T0 + 60 * MIN)
        assert sla.sweep() == (0, 2)


@pytest.mark.django_db
def test_the_beat_task_runs_the_sweep(make_order):
    with time_machine.travel(T0, tick=False) as traveller:
        make_order()
        traveller.move_to(T0 + 8 * MIN)
        assert tuple(sweep_clocks.delay().get()) == (1, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_warn_only_once(make_order):
    """On PostgreSQL two beat sweeps at once: SKIP LOCKED plus the conditional claim."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(5):
            make_order()
        traveller.move_to(T0 + 8 * MIN)
        results = []

        def run():
            results.append(sla.sweep())
            connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sum(warned for warned, _r in results) == 5
    assert Clock.objects.filter(warned_at__isnull=False).count() == 5
