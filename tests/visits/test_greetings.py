"""Birthday and festival greetings (R-VIS-04)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from lunar_python import LunarMonth

from archives import services
from crm.models import SmsMessage, SmsStatus
from crm.tasks import deliver_pending_sms
from visits import greetings
from visits.models import FollowUp, FollowUpKind, Greeting, GreetingRun, GreetingTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_daily(django_capture_on_commit_callbacks):
    """The beat task's work, with the SMS deliveries it queues after commit."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return greetings.run_daily()

    return run


@pytest.fixture
def buyer(make_customer, owner):
    """A customer who bought (业主), not important: greeted by text message."""
    return make_customer(
        owner=owner, name="王丽华", mobile="13912345678", gender="female", status="won"
    )


def test_a_lunar_birthday_lands_on_its_solar_date_this_year(run_daily, freeze, buyer, sms_outbox):
    """R-VIS-04: born on 农历八月十五 — in 2026 that is 25 September, and the text goes out
    that day, not on 15 August or any other day."""
    services.update_customer(
        customer=buyer,
        by=buyer.owner,
        changes={"birthday_is_lunar": True, "lunar_birth_month": 8, "lunar_birth_day": 15},
    )
    assert buyer.next_birthday(dt.date(2026, 1, 1)) == dt.date(2026, 9, 25)
    GreetingTemplate.objects.filter(occasion="mid_autumn").update(is_active=False)
    freeze(2026, 8, 15, 9)
    assert run_daily() == 0
    freeze(2026, 9, 24, 9)
    assert run_daily() == 0
    freeze(2026, 9, 25, 9)
    assert run_daily() == 1
    greeting = Greeting.objects.get()
    assert (greeting.occasion, greeting.on_date, greeting.channel) == (
        "birthday",
        dt.date(2026, 9, 25),
        "sms",
    )
    assert sms_outbox == [
        (
            "+8613912345678",
            "尊敬的王女士：今天是您的生日，雪球置业祝您生日快乐，身体健康，万事如意！",
        )
    ]


def test_a_family_members_lunar_birthday_is_greeted_too(run_daily, freeze, buyer, sms_outbox):
    """R-VIS-04: the family's birthdays count (§1 九大战术 4: 包括其家人生日)."""
    services.save_family_member(
        customer=buyer,
        by=buyer.owner,
        relation="mother",
        name="刘桂兰",
        birthday_is_lunar=True,
        lunar_birth_month=1,
        lunar_birth_day=15,
    )
    freeze(2026, 3, 3, 10)  # 农历正月十五 2026 = 3 March, also the Lantern Festival
    GreetingTemplate.objects.filter(occasion="lantern").update(is_active=False)
    run_daily()
    assert [body for _phone, body in sms_outbox] == [
        "尊敬的王女士：今天是您母亲刘桂兰的生日，雪球置业祝刘桂兰生日快乐，阖家幸福！"
    ]


def test_an_important_customer_gets_a_call_task_not_a_text(
    run_daily, freeze, make_customer, owner, sms_outbox
):
    """R-VIS-04: by phone for important customers — a greeting call on the consultant's list."""
    vip = make_customer(owner=owner, name="陈晓明", gender="male", is_important=True)
    services.update_customer(customer=vip, by=owner, changes={"birth_date": dt.date(1980, 11, 27)})
    freeze(2026, 11, 27, 8, 30)
    run_daily()
    assert sms_outbox == []
    call = FollowUp.objects.get()
    assert (call.kind, call.caller, call.due_on) == (
        FollowUpKind.GREETING,
        owner,
        dt.date(2026, 11, 27),
    )
    assert "陈先生" in call.question
    assert Greeting.objects.get().follow_up == call


def test_customers_who_opted_out_get_nothing(run_daily, freeze, buyer, sms_outbox):
    """R-VIS-04: greeting_opt_out means no birthday text and no festival text."""
    services.update_customer(
        customer=buyer,
        by=buyer.owner,
        changes={"greeting_opt_out": True, "birth_date": dt.date(1975, 9, 25)},
    )
    freeze(2026, 9, 25, 9)  # her birthday and the Mid-Autumn Festival
    run_daily()
    assert sms_outbox == []
    assert not Greeting.objects.exists()


def test_nothing_is_sent_twice(run_daily, freeze, buyer, sms_outbox):
    """R-VIS-04: two sweeps, a second run and a manual preparation send one text."""
    services.update_customer(
        customer=buyer, by=buyer.owner, changes={"birth_date": dt.date(1975, 6, 8)}
    )
    freeze(2026, 6, 8, 9)
    assert run_daily() == 1
    assert run_daily() == 0  # the day's run is done
    assert greetings.prepare_greetings(dt.date(2026, 6, 8)) == []  # the unique key holds
    assert len(sms_outbox) == 1
    assert GreetingRun.objects.get().created == 1


def test_greetings_wait_for_the_morning(run_daily, freeze, buyer, sms_outbox):
    services.update_customer(
        customer=buyer, by=buyer.owner, changes={"birth_date": dt.date(1975, 6, 8)}
    )
    freeze(2026, 6, 8, 7, 55)
    assert run_daily() == 0
    freeze(2026, 6, 8, 8, 0)
    assert run_daily() == 1


def test_festivals_greet_every_owner_but_not_leads(
    run_daily, freeze, buyer, make_customer, owner, sms_outbox
):
    """R-VIS-04 / §1 9.2: every 成交客户 is greeted on each festival; a lead is not."""
    make_customer(owner=owner, name="刘志强", gender="male")  # a lead
    freeze(2026, 9, 25, 9)  # 中秋节
    run_daily()
    assert [body for _phone, body in sms_outbox] == [
        "尊敬的王女士：月圆中秋，雪球置业祝您和家人中秋快乐，花好月圆，阖家幸福！"
    ]


def test_born_on_29_february_is_greeted_on_28_february_in_a_common_year(
    run_daily, freeze, buyer, sms_outbox
):
    services.update_customer(
        customer=buyer, by=buyer.owner, changes={"birth_date": dt.date(1988, 2, 29)}
    )
    freeze(2026, 2, 28, 9)
    run_daily()
    assert len(sms_outbox) == 1


def test_born_on_a_30th_lunar_day_is_greeted_on_the_last_day_of_a_short_month(
    run_daily, freeze, buyer, sms_outbox
):
    """R-VIS-04: in a year whose lunar month has 29 days, the 30th is kept on the 29th."""
    month = next(m for m in range(2, 13) if LunarMonth.fromYm(2026, m).getDayCount() == 29)
    services.update_customer(
        customer=buyer,
        by=buyer.owner,
        changes={"birthday_is_lunar": True, "lunar_birth_month": month, "lunar_birth_day": 30},
    )
    from crm.workcalendar import lunar_to_solar

    day = lunar_to_solar(2026, month, 29)
    GreetingTemplate.objects.exclude(occasion="birthday").update(is_active=False)
    freeze(day.year, day.month, day.day, 9)
    run_daily()
    assert len(sms_outbox) == 1


def test_a_text_that_cannot_be_queued_is_delivered_later_and_still_once(
    freeze, buyer, sms_outbox, monkeypatch, django_capture_on_commit_callbacks
):
    """R-VIS-04 with the design: a broker outage leaves the text pending in SmsMessage; the
    SMS sweep delivers it when the broker is back, and the greeting is not repeated."""
    from crm.celery import app

    services.update_customer(
        customer=buyer, by=buyer.owner, changes={"birth_date": dt.date(1975, 6, 8)}
    )
    monkeypatch.setattr(app, "send_task", lambda *a, **k: (_ for _ in ()).throw(OSError("down")))
    app.conf.task_always_eager = False
    freeze(2026, 6, 8, 9)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            greetings.run_daily()
    finally:
        app.conf.task_always_eager = True
    assert SmsMessage.objects.get().status == SmsStatus.PENDING
    assert sms_outbox == []
    assert deliver_pending_sms() == 1
    greetings.prepare_greetings(dt.date(2026, 6, 8))
    assert len(sms_outbox) == 1


def test_a_template_with_an_unknown_placeholder_is_refused():
    template = GreetingTemplate.objects.get(occasion="birthday")
    template.sms_text = "尊敬的{客户}：生日快乐"
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert "sms_text" in caught.value.message_dict


def test_polite_titles_handle_compound_surnames(make_customer, owner):
    assert greetings.polite_title(make_customer(owner=owner, name="欧阳娜娜", gender="female")) == (
        "欧阳女士"
    )
    assert (
        greetings.polite_title(make_customer(owner=owner, name="张伟", gender="male")) == "张先生"
    )
