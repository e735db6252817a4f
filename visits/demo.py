"""Demo data of the visits app, built on the archives demo customers.

The archives demo already recorded deals and move-ins, so the follow-up plans have scheduled
their calls. Here: the older calls get realistic results (most on time, some late, some still
overdue), zhangwei and lina get calls due today and overdue, visit logs with commitments, a
planned visit, an owners' party with invitations and a site tour with attendance, family
birthdays this week and today's greetings, and a few satisfaction surveys. Then the sweep
runs once, so the bells ring. Rows are found by natural keys; loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from archives import services as archive_services
from archives.models import Customer, FamilyMember
from crm import demo as crm_demo
from visits import greetings, services, sweep
from visits.models import (
    Event,
    EventType,
    FollowUp,
    FollowUpKind,
    FollowUpRecord,
    FollowUpStatus,
    Outcome,
    Questionnaire,
    RecordAction,
    Reply,
    Survey,
    VisitKind,
    VisitLog,
    VisitPlan,
)

# customer, what to ask, days from today (0 = due today, negative = overdue)
CALLS = [
    ("王丽华", "了解装修进展，邀请参加业主答谢酒会", 0),
    ("刘志强", "跟进购房意向，邀约周末带家人再次看房", 0),
    ("赵敏", "反馈按揭预审结果，确认首付款安排", -2),
    ("陈晓明", "老带新：感谢推荐朋友，了解朋友的看房反馈", 3),
    ("周杰", "确认物业交接资料已收到，解答停车位问题", 0),
    ("吴婷婷", "发送样板间开放时间，邀约到访", 0),
    ("仇海", "回复对合同补充条款的疑问", -4),
]

VISITS = [
    (
        "王丽华",
        VisitKind.OUTBOUND_VISIT,
        12,
        {
            "needs": "希望了解地下车位的购买价格和办理时间",
            "suggestions": "建议小区增加儿童游乐设施",
            "objections": "认为物业费偏高",
            "responses": "解释了物业服务内容与周边项目的收费对比",
            "customer_aspect": "客户对交房质量满意，愿意介绍同事看房",
            "brand_aspect": "客户认可雪球品牌的施工质量",
            "market_aspect": "周边新盘价格上涨约5%，车位供应紧张",
            "impressions": "关系良好，可作为老带新的核心人物",
        },
        [("三日内提供车位价格表和平面图", 3, True)],
    ),
    (
        "刘志强",
        VisitKind.WALK_IN,
        5,
        {
            "needs": "三室两厅，预算150万以内，关注学区",
            "objections": "担心交房时间延误",
            "responses": "出示了工程进度照片和交房承诺书",
            "customer_aspect": "意向较强，需和家人商量",
            "market_aspect": "客户同时在看高新区两个楼盘",
        },
        [("周五前发送学区划片文件", 2, False)],
    ),
    (
        "周杰",
        VisitKind.INCOMING_CALL,
        3,
        {
            "needs": "咨询入住后装修审批流程",
            "customer_aspect": "已安排客服专员跟进装修审批",
        },
        [],
    ),
    (
        "吴婷婷",
        VisitKind.WALK_IN,
        8,
        {
            "needs": "两室，关注小区绿化和医院距离",
            "suggestions": "希望样板间周末延长开放时间",
            "brand_aspect": "通过朋友推荐了解到雪球品牌",
        },
        [],
    ),
]

FAMILY_BIRTHDAYS = [
    # customer, relation, name, days from today, lunar
    ("王丽华", "mother", "刘桂兰", 0, True),
    ("周杰", "spouse", "孙晓雯", 0, False),
    ("徐磊", "spouse", "林敏", 0, True),
    ("陈晓明", "father", "陈国栋", 2, False),
    ("马晓燕", "child", "马小雨", 5, True),
]


def _customer(name: str) -> Customer | None:
    return Customer.objects.filter(name=name, voided_at__isnull=True).first()


def load() -> int:
    random.seed(20261127)
    today = timezone.localdate()
    created = 0
    created += _calls_due(today)
    created += _visit_logs(today)
    created += _visit_plan(today)
    created += _events(today)
    created += _family_birthdays(today)
    created += len(greetings.prepare_greetings(today))
    created += _surveys(today)
    return created


def finish() -> None:
    """After every app's demo: close the old calls all of them started (a return visit of a
    closed complaint too), then run the sweep once, as beat would."""
    today = timezone.localdate()
    _close_old_calls(today)
    sweep.sweep()


def _close_old_calls(today: dt.date) -> int:
    """Calls of the plans that fell due more than five days ago: most done (some late), a few
    of the last two months left overdue so the escalation has something to show (the old
    owners' move-in calls of 2024 were all made: nobody is 900 days overdue)."""
    old = FollowUp.objects.open().filter(due_on__lt=today - dt.timedelta(days=5)).order_by("pk")
    recent = today - dt.timedelta(days=60)
    closed = 0
    for call in old.select_related("caller"):
        if call.pk % 6 == 5 and call.due_on >= recent:
            continue  # stays overdue
        done_on = call.due_on + dt.timedelta(days=random.choice([-2, -1, 0, 0, 0, 2]))
        done_on = min(max(done_on, call.call_on), today)
        satisfaction = random.choice([3, 4, 4, 5, 5])
        FollowUp.objects.filter(pk=call.pk).update(
            status=FollowUpStatus.DONE,
            outcome=Outcome.REACHED,
            satisfaction=satisfaction,
            attempts=1,
            completed_on=done_on,
            completed_by=call.caller,
            notes="客户满意，无其他问题",
            notified_on=call.call_on,
        )
        FollowUpRecord.objects.create(
            follow_up=call,
            action=RecordAction.RESULT,
            outcome=Outcome.REACHED,
            satisfaction=satisfaction,
            notes="客户满意，无其他问题",
            by=call.caller,
            at=timezone.make_aware(dt.datetime.combine(done_on, dt.time(10, 30))),
        )
        closed += 1
    return closed


def _calls_due(today: dt.date) -> int:
    created = 0
    for name, question, days in CALLS:
        customer = _customer(name)
        if customer is None or customer.owner is None:
            continue
        due = today + dt.timedelta(days=days)
        if FollowUp.objects.filter(customer=customer, question_zh=question).exists():
            continue
        FollowUp.objects.create(
            customer=customer,
            project=customer.project,
            kind=FollowUpKind.FOLLOW_UP,
            caller=customer.owner,
            question_zh=question,
            due_on=due,
            call_on=min(due, today),
            escalate_on=due + dt.timedelta(days=3),
            created_by=customer.owner,
            created_at=timezone.now() - dt.timedelta(days=7),
        )
        created += 1
    return created


def _visit_logs(today: dt.date) -> int:
    created = 0
    for name, kind, days_ago, texts, promises in VISITS:
        customer = _customer(name)
        if customer is None or customer.owner is None:
            continue
        when = timezone.make_aware(
            dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(15, 30))
        )
        if VisitLog.objects.filter(customer=customer, visited_at=when).exists():
            continue
        log = services.log_visit(
            customer=customer,
            by=customer.owner,
            kind=kind,
            visited_at=when,
            commitments=[
                (text, when.date() + dt.timedelta(days=due), None) for text, due, _d in promises
            ],
            **texts,
        )
        for commitment, (_text, due, fulfilled) in zip(
            log.commitments.order_by("pk"), promises, strict=True
        ):
            if fulfilled:
                services.fulfil_commitment(
                    commitment=commitment,
                    by=customer.owner,
                    fulfilled_on=min(when.date() + dt.timedelta(days=due), today),
                    note="已当面送达车位价格表",
                )
        created += 1
    return created


def _visit_plan(today: dt.date) -> int:
    customer = _customer("赵敏")
    if customer is not None and customer.owner is None:  # the pool sweep may have recalled her
        customer = Customer.objects.filter(owner__isnull=False, status="intent").first()
    if customer is None or VisitPlan.objects.filter(customer=customer).exists():
        return 0
    services.plan_visit(
        customer=customer,
        visitor=customer.owner,
        by=customer.owner,
        planned_on=today + dt.timedelta(days=1),
        purpose="上门讲解按揭方案，带客户看实景样板间",
        target="确定首付比例，约定签约时间",
        materials=["brochures", "business_cards", "sales_policy", "customer_sheet"],
        materials_note="按揭计算表",
    )
    return 1


def _events(today: dt.date) -> int:
    manager = crm_demo.user("liuyang")
    garden = crm_demo.project("jinxiu")
    created = 0
    party, new = _event(
        "锦绣华庭业主答谢酒会",
        EventType.COCKTAIL,
        today + dt.timedelta(days=10),
        "售楼处二楼宴会厅",
        "冷餐酒会、业主抽奖、新品推介",
        manager,
        garden,
    )
    created += new
    if new:
        guests = Customer.objects.filter(
            name__in=["王丽华", "陈晓明", "周杰", "徐磊", "马晓燕", "刘志强"]
        )
        services.invite_customers(event=party, customers=guests, by=manager)
        for invitation, reply in zip(
            party.invitations.order_by("pk"),
            [Reply.ACCEPTED, Reply.ACCEPTED, Reply.DECLINED, Reply.ACCEPTED],
            strict=False,
        ):
            services.record_reply(invitation=invitation, reply=reply, by=manager, guests=2)
    tour, new = _event(
        "工地开放日·样板段参观",
        EventType.SITE_TOUR,
        today - dt.timedelta(days=12),
        "3栋工地现场",
        "讲解施工工艺和建筑材料（§1 组织参观）",
        manager,
        garden,
    )
    created += new
    if new:
        guests = Customer.objects.filter(name__in=["吴婷婷", "刘志强", "单丽", "胡静", "高峰"])
        for customer in guests:
            services.add_walk_in_guest(event=tour, customer=customer, by=customer.owner or manager)
        for index, invitation in enumerate(tour.invitations.order_by("pk")):
            services.record_attendance(
                invitation=invitation, attended=index != 2, bought=False, by=manager
            )
    return created


def _event(title, kind, day, place, description, organizer, project):
    event = Event.objects.filter(title=title).first()
    if event:
        return event, False
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))
    return (
        services.save_event(
            by=organizer,
            kind=kind,
            title=title,
            project=project,
            starts_at=starts,
            place=place,
            description=description,
            organizer=organizer,
        ),
        True,
    )


def _family_birthdays(today: dt.date) -> int:
    from lunar_python import Solar

    created = 0
    for name, relation, member, days, lunar in FAMILY_BIRTHDAYS:
        customer = _customer(name)
        if customer is None or FamilyMember.objects.filter(customer=customer, name=member).exists():
            continue
        day = today + dt.timedelta(days=days)
        born = 2016 if relation == "child" else 1960  # both leap years: 29 February exists
        fields = {"birth_date": day.replace(year=born)}
        if lunar:
            moon = Solar.fromYmd(day.year, day.month, day.day).getLunar()
            fields = {
                "birthday_is_lunar": True,
                "lunar_birth_month": abs(moon.getMonth()),
                "lunar_birth_day": moon.getDay(),
                "lunar_birth_leap": moon.getMonth() < 0,
            }
        archive_services.save_family_member(
            customer=customer, by=customer.owner, relation=relation, name=member, **fields
        )
        created += 1
    return created


def _surveys(today: dt.date) -> int:
    questionnaire = Questionnaire.objects.filter(is_active=True).first()
    if questionnaire is None:
        return 0
    created = 0
    staff = crm_demo.user("wufang")
    for index, name in enumerate(["王丽华", "陈晓明", "周杰", "徐磊", "马晓燕", "何雪"]):
        customer = _customer(name)
        if customer is None or Survey.objects.filter(customer=customer).exists():
            continue
        if index == 5:
            services.send_survey_letter(
                questionnaire=questionnaire,
                customer=customer,
                by=staff,
                sent_on=today - dt.timedelta(days=4),
            )
        else:
            answers = {
                q.pk: (random.choice([4, 5, 5, 3]) if q.kind == "score" else "希望增加社区活动")
                for q in questionnaire.questions.all()
            }
            services.record_phone_survey(
                questionnaire=questionnaire,
                customer=customer,
                by=staff,
                answers=answers,
                taken_on=today - dt.timedelta(days=index * 9),
            )
        created += 1
    return created
