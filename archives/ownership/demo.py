"""Demo data of the sales office's rules, relative to today: duty rotations, calls and walk-ins
registered at the desk over three days (a clash waiting for the ruling among them), recent
contacts so that a few customers are warned and a few fall into the public pool, a referral
chain with a key person and a reward, daily sheets with one late and one missing, and a
consultant (韩雪) whose handover is under way.

Rows are found by natural keys (mobile, project and day, leaver), so loading twice adds
nothing; called from the end of archives.demo.load().
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from archives import services as archive_services
from archives.models import (
    Channel,
    Customer,
    CustomerPhone,
    DailySheet,
    Dispute,
    PhoneKind,
    Referral,
    Source,
    Status,
)
from archives.ownership import core, departures, pool, referrals, rotation, services, sheets
from crm import demo as crm_demo
from crm.models import User
from crm.roles import Role

ORDER = ["zhangwei", "lina", "chenjing", "zhaolei"]

# days back, hour, minute, registered by, channel, name, mobile, named, referrer, asks, agent
DESK = [
    (2, 10, 5, "zhoumin", Channel.WALK_IN, "孙悦", "13700001001", "", "", False, ""),
    (2, 11, 20, "zhoumin", Channel.WALK_IN, "蒋涛", "13700001002", "", "", False, ""),
    (2, 14, 30, "zhoumin", Channel.CALL, "冯雪", "13700001003", "chenjing", "", False, ""),
    (2, 15, 10, "lina", Channel.CALL, "韩梅", "13700001004", "", "", False, ""),
    (1, 10, 30, "zhoumin", Channel.WALK_IN, "宋佳", "13700001005", "", "王丽华", True, ""),
    (1, 11, 0, "zhoumin", Channel.WALK_IN, "曹磊", "13700001006", "", "", False, ""),
    (1, 16, 0, "qianhui", Channel.WALK_IN, "彭丽", "13700001007", "", "", False, "链家地产 刘经纪"),
    (0, 50, 0, "zhoumin", Channel.WALK_IN, "邓超", "13700001008", "", "", False, ""),
    (0, 20, 0, "zhoumin", Channel.WALK_IN, "黄磊", "13700001009", "", "陈晓明", False, ""),
]

# Days since the last recorded contact of each consultant's open customers, in turn: most are
# followed up, a few are near the end of their protection, two ran past it.
CONTACT_AGES = [26, 4, 33, 9, 2, 14, 27, 6, 40, 11, 3, 19, 5]


def load() -> int:
    project = crm_demo.project("jinxiu")
    now = timezone.now()
    today = timezone.localdate()
    created = _rosters(project, today)
    core.sync_periods()
    created += _desk(project, now, today)
    created += _contacts(now)
    pool.sweep(now=now)
    created += _referrals()
    created += _sheets(today, now)
    created += _important()
    created += _departure(now)
    return created


def _at(now, today, days_back: int, hour: int, minute: int) -> dt.datetime:
    """A time `days_back` days ago; for today, `hour` means minutes ago (never before 00:01)."""
    if days_back == 0:
        start = timezone.make_aware(dt.datetime.combine(today, dt.time(0, 1)))
        return max(start, now - dt.timedelta(minutes=hour))
    day = today - dt.timedelta(days=days_back)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _rosters(project, today) -> int:
    manager = crm_demo.user("liuyang")
    people = [crm_demo.user(name) for name in ORDER]
    created = 0
    for back in (2, 1, 0):
        day = today - dt.timedelta(days=back)
        if rotation.roster_for(project, day) is None:
            rotation.create_roster(project=project, day=day, by=manager, consultants=people)
            created += 1
    roster = rotation.roster_for(project, today)
    away = roster.slots.filter(consultant__username="chenjing", is_away=False).first()
    if away and not roster.slots.filter(received__gt=0).exists():
        rotation.set_away(slot=away, away=True, by=manager)
    return created


def _desk(project, now, today) -> int:
    created = 0
    for back, hour, minute, by, channel, name, mobile, named, referrer, asks, agent in DESK:
        if CustomerPhone.objects.filter(number=f"+86{mobile}").exists():
            continue
        services.register_at_desk(
            by=crm_demo.user(by),
            mobile=mobile,
            name=name,
            channel=channel,
            project=project,
            named_consultant=crm_demo.user(named) if named else None,
            referrer=Customer.objects.filter(name=referrer).first() if referrer else None,
            asks_for_referrer_consultant=asks,
            agent_name=agent,
            is_intent=back != 0,
            when=_at(now, today, back, hour, minute),
        )
        created += 1
    created += _clash(project, now, today)
    return created


def _clash(project, now, today) -> int:
    """李娜 takes a call from 刘志强, whom 张伟 registered months ago: a clash to rule."""
    customer = Customer.objects.filter(name="刘志强").first()
    lina = crm_demo.user("lina")
    if customer is None or Dispute.objects.filter(customer=customer, claimant=lina).exists():
        return 0
    phone = customer.phones.filter(kind=PhoneKind.MOBILE).first()
    services.register_at_desk(
        by=lina,
        mobile=phone.number,
        channel=Channel.CALL,
        project=project,
        notes="客户来电询问三室户型，称未与其他顾问联系过",
        when=_at(now, today, 0, 30, 0),
    )
    return 1


def _contacts(now) -> int:
    """Recent follow-ups, so the protection period has something to show."""
    touched = 0
    for consultant in ORDER:
        customers = (
            pool.private_customers(crm_demo.user(consultant))
            .filter(last_contact_at__isnull=True)
            .order_by("created_at", "pk")
        )
        for index, customer in enumerate(customers):
            age = CONTACT_AGES[(index + ORDER.index(consultant) * 3) % len(CONTACT_AGES)]
            archive_services.touch_contact(customer=customer, when=now - dt.timedelta(days=age))
            touched += 1
    return touched


def _referrals() -> int:
    created = 0
    links = [("王丽华", "陈晓明"), ("王丽华", "朱军")]
    for referrer_name, referee_name in links:
        referrer = Customer.objects.filter(name=referrer_name).first()
        referee = Customer.objects.filter(name=referee_name).first()
        if not referrer or not referee or Referral.objects.filter(referee=referee).exists():
            continue
        referrals.record_referral(
            referrer=referrer, referee=referee, by=referee.created_by, at=referee.created_at
        )
        created += 1
    signed = Referral.objects.filter(
        counts=True, reward_status="pending", referee__status__in=referrals.SIGNED
    ).first()
    if signed is not None:
        referrals.approve_reward(
            referral=signed,
            amount=Decimal("2000.00"),
            note="老带新奖励：物业费抵扣",
            by=crm_demo.user("liuyang"),
        )
    return created


def _submit(username, day, when, note=""):
    sheet = sheets.ensure_sheet(crm_demo.user(username), day)
    if sheet.submitted_at is None and when <= timezone.now():
        sheets.submit_sheet(sheet=sheet, by=sheet.consultant, note=note, when=when)


def _sheets(today, now) -> int:
    before = DailySheet.objects.count()
    two_days, yesterday = today - dt.timedelta(days=2), today - dt.timedelta(days=1)

    def at(day, hour, minute=0):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    _submit("zhangwei", two_days, at(two_days, 18, 30))
    _submit("zhaolei", two_days, at(two_days, 17, 50))
    _submit("lina", two_days, at(yesterday, 11, 20), note="外出带看客户，次日补交")
    for username, hour in (("zhangwei", 18), ("lina", 19), ("chenjing", 20)):
        _submit(username, yesterday, at(yesterday, hour, 10))
    _submit("zhaolei", yesterday, min(at(today, 9, 30), now - dt.timedelta(minutes=1)))
    sheets.mark_missing(now=now)  # 陈静's sheet of two days ago never came
    return DailySheet.objects.count() - before


def _important() -> int:
    customer = Customer.objects.filter(name="王丽华").first()
    if customer is None or customer.co_owners.exists():
        return 0
    services.set_contacts(
        customer=customer,
        co_owners=[crm_demo.user("lina")],
        important=True,
        by=crm_demo.user("liuyang"),
    )
    return 1


def _departure(now) -> int:
    """韩雪 is leaving: one customer handed over by text message, one by a call, one left."""
    leaver = User.objects.filter(username="hanxue").first()
    if leaver is not None:
        return 0
    leaver = User(
        username="hanxue",
        name="韩雪",
        department=crm_demo.user("zhangwei").department,
        mobile="+8613909180007",
        email="hanxue@snowball.example",
    )
    leaver.set_password(crm_demo.DEMO_PASSWORD)
    leaver.save()
    leaver.groups.set(Group.objects.filter(name=Role.SALES_CONSULTANT))
    project = crm_demo.project("jinxiu")
    people = [
        ("任静", [(PhoneKind.MOBILE, "13700002001")]),
        ("范伟", [(PhoneKind.MOBILE, "13700002002")]),
        ("程刚", [(PhoneKind.HOME, "029-88661234")]),
    ]
    customers = []
    for index, (name, phones) in enumerate(people):
        customer = archive_services.register_customer(
            by=leaver,
            name=name,
            source=Source.CALL,
            phones=phones,
            owner=leaver,
            project=project,
            created_at=now - dt.timedelta(days=40 + index * 7),
        )
        archive_services.change_status(
            customer=customer, to=Status.INTENT, reason="有联系方式且有购买意向", by=leaver
        )
        archive_services.touch_contact(customer=customer, when=now - dt.timedelta(days=4 + index))
        customers.append(customer)
    core.sync_periods()
    manager = crm_demo.user("liuyang")
    departure = departures.start_departure(
        leaver=leaver,
        by=manager,
        last_day=timezone.localdate() + dt.timedelta(days=5),
        note="个人原因离职",
    )
    successor = crm_demo.user("zhaolei")
    departures.hand_over(
        departure=departure,
        assignments={
            ("archives.customers", customers[0].pk): successor,
            ("archives.customers", customers[2].pk): successor,
        },
        by=manager,
    )
    return 1 + len(customers)
