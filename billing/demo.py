"""Demo gas billing: accounts in 雪球·锦绣华庭 for the residents of the archives demo and for
long-standing residents, the 老孙家 restaurant in 滨江中心 (commercial), a community health
station (public welfare); months of readings and statements replayed day by day through the
services, so each account ends where its story puts it: paid, in credit, part-paid, overdue,
reminded, sent an arrears notice, waiting for the general manager, suspended, reconnected,
closed, or with a reading held for review.

Dates are relative to today. Rows are found by meter number, so loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.apps import apps
from django.utils import timezone

from archives import services as archive_services
from archives.demo import HEALTH_STATION_PHONE, long_standing_phone
from archives.models import (
    Customer,
    CustomerKind,
    CustomerPhone,
    Occupancy,
)
from billing import services
from billing.models import (
    AccountStatus,
    ArrearsNotice,
    GasAccount,
    GasWorkOrder,
    Meter,
    PaymentMethod,
    ReminderMethod,
    Statement,
    SuspensionRequest,
    SuspensionStatus,
    Tariff,
    TariffTier,
    UserType,
    WorkOrderKind,
    WorkOrderStatus,
)
from billing.models.statements import UNPAID
from billing.services.common import due_date
from crm import demo as crm_demo
from crm import workcalendar
from crm.models import Unit

D = Decimal
MONTHS = 8
# Residential m³ a month by calendar month: Xi'an homes heat and cook with gas in winter.
SEASON = {1: 55, 2: 50, 3: 38, 4: 28, 5: 20, 6: 15, 7: 12, 8: 12, 9: 15, 10: 26, 11: 42, 12: 55}

# name, unit, use factor, scenario
LONG_STANDING = [
    ("张建华", "1栋-302", D("2.3"), "credit_note"),
    ("李淑芬", "1栋-602", D("1.0"), "suspended"),
    ("赵国强", "2栋-301", D("1.2"), "requested"),
    ("孙美玲", "2栋-902", D("0.9"), "arrears"),
    ("钱文博", "3栋-501", D("1.1"), "closed"),
    ("黄秀英", "3栋-1102", D("0.8"), "notified"),
]
# The archives demo's residents, in the order they moved in.
NEWCOMER_SCENARIOS = ["credit", "part_paid", "overdue", "unread", "payer"]

METHODS = [PaymentMethod.CASH, PaymentMethod.WECHAT, PaymentMethod.ALIPAY, PaymentMethod.CARD]


@dataclass
class Plan:
    key: str
    customer: Customer
    unit: Unit | None
    address: str
    user_type: str
    scenario: str
    factor: Decimal
    installed_on: dt.date
    read_day: int
    initial: Decimal
    index: int
    moved_out: dt.date | None = None
    account: GasAccount | None = None
    readings: list[tuple[dt.date, Decimal]] = field(default_factory=list)
    statements: dict[dt.date, Statement] = field(default_factory=dict)
    target: dt.date | None = None  # the reading date whose statement climbs the ladder

    @property
    def meter_number(self) -> str:
        return f"XQ-{self.key}"


class Replay:
    """Day-by-day replay of the plans through the services."""

    def __init__(self, plans: list[Plan], today: dt.date):
        self.plans = plans
        self.today = today
        self.staff = {u: crm_demo.user(u) for u in ("heping", "gaoyan", "linxia", "wangjianguo")}
        self.events: dict[dt.date, list[Callable]] = defaultdict(list)
        self.watchers: list[Callable[[dt.date], None]] = []

    def at(self, day: dt.date, action: Callable) -> None:
        if day <= self.today:
            self.events[day].append(action)

    def run(self, start: dt.date) -> None:
        accounts = [plan.account for plan in self.plans]
        statements = Statement.objects.filter(account__in=accounts)
        day = start
        while day <= self.today:
            services.sweep_ladder(on=day, statements=statements)
            for action in self.events.pop(day, []):
                action()
            for watch in self.watchers:
                watch(day)
            day += dt.timedelta(days=1)


# --- Setting up -----------------------------------------------------------------------------


def _tariffs(today: dt.date) -> int:
    created = 0
    if not Tariff.objects.filter(user_type=UserType.RESIDENTIAL).exists():
        _tariff(
            UserType.RESIDENTIAL,
            "居民阶梯气价（2024年版）",
            dt.date(2024, 1, 1),
            None,
            [(D("350"), D("2.67")), (D("500"), D("3.20")), (None, D("4.01"))],
        )
        created += 1
    if not Tariff.objects.filter(user_type=UserType.PUBLIC_WELFARE).exists():
        _tariff(
            UserType.PUBLIC_WELFARE, "公福用户气价", dt.date(2024, 1, 1), None, [(None, D("2.96"))]
        )
        created += 1
    if not Tariff.objects.filter(user_type=UserType.COMMERCIAL).exists():
        # The commercial price rose at the start of the month before last: statements across
        # the change are prorated by days.
        change = (today.replace(day=1) - dt.timedelta(days=32)).replace(day=1)
        _tariff(
            UserType.COMMERCIAL,
            "非居民（商业）气价",
            dt.date(2024, 1, 1),
            change - dt.timedelta(days=1),
            [(None, D("3.65"))],
        )
        _tariff(
            UserType.COMMERCIAL,
            "非居民（商业）气价（调整后）",
            change,
            None,
            [(None, D("3.82"))],
            document="市发改价格〔2026〕38号",
        )
        created += 2
    return created


def _tariff(user_type, name, valid_from, valid_to, tiers, document=""):
    tariff = Tariff.objects.create(
        user_type=user_type,
        name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        approved_document=document,
    )
    for number, (up_to, price) in enumerate(tiers, start=1):
        TariffTier.objects.create(tariff=tariff, tier=number, up_to=up_to, price=price)


def _free_unit(label: str, garden) -> Unit:
    units = list(
        Unit.objects.with_location()
        .filter(floor__building__project=garden, use="residential")
        .order_by("pk")
    )
    taken = set(Occupancy.objects.current().values_list("unit_id", flat=True))
    wanted = next((u for u in units if u.short_label == label), None)
    if wanted is not None and wanted.pk not in taken:
        return wanted
    return next(u for u in units if u.pk not in taken)


def _resident(index, name, label, garden, today, by) -> tuple[Customer, Unit, dt.date | None]:
    """A long-standing owner made by the archives demo (found by phone)."""
    phone = CustomerPhone.objects.filter(number=long_standing_phone(index)).select_related(
        "customer"
    )
    customer = phone.get().customer
    occupancy = customer.occupancies.order_by("-moved_in").first()
    return customer, occupancy.unit, occupancy.moved_out


def _health_station(today, by) -> Customer:
    """The community health station, a public-welfare user made by the archives demo."""
    return (
        CustomerPhone.objects.select_related("customer").get(number=HEALTH_STATION_PHONE).customer
    )


def _plans(today: dt.date) -> list[Plan]:
    garden = crm_demo.project("jinxiu")
    front_desk = crm_demo.user("zhoumin")
    start = _history_start(today)
    opened = start - dt.timedelta(days=31)
    plans = []
    for index, (name, label, factor, scenario) in enumerate(LONG_STANDING):
        customer, unit, moved_out = _resident(index, name, label, garden, today, front_desk)
        if scenario == "closed" and moved_out is None:
            moved_out = today - dt.timedelta(days=40)
        plans.append(
            Plan(
                key=f"J{index + 1:02d}",
                customer=customer,
                unit=unit,
                address="",
                user_type=UserType.RESIDENTIAL,
                scenario=scenario,
                factor=factor,
                installed_on=opened.replace(day=10 + index),
                read_day=10 + index % 5,
                initial=D(1200 + 137 * index),
                index=index,
                moved_out=moved_out,
            )
        )
    newcomers = (
        Occupancy.objects.current()
        .filter(unit__floor__building__project=garden, customer__kind=CustomerKind.INDIVIDUAL)
        .exclude(customer__phones__number__startswith="+86137291860")
        .select_related("customer", "unit")
        .order_by("moved_in", "pk")
    )
    for index, occupancy in enumerate(newcomers[: len(NEWCOMER_SCENARIOS)]):
        plans.append(
            Plan(
                key=f"N{occupancy.customer_id:03d}",
                customer=occupancy.customer,
                unit=occupancy.unit,
                address="",
                user_type=UserType.RESIDENTIAL,
                scenario=NEWCOMER_SCENARIOS[index],
                factor=D("1.1") + D(index) / 10,
                installed_on=occupancy.moved_in,
                read_day=10 + index % 5,
                initial=D(0),
                index=index,
            )
        )
    restaurant = (
        Occupancy.objects.current()
        .filter(customer__name="老孙家餐饮管理有限公司")
        .select_related("customer", "unit")
        .first()
    )
    if restaurant is not None:
        plans.append(
            Plan(
                key="S001",
                customer=restaurant.customer,
                unit=restaurant.unit,
                address="",
                user_type=UserType.COMMERCIAL,
                scenario="reconnected",
                factor=D(1),
                installed_on=restaurant.moved_in,
                read_day=21,
                initial=D(0),
                index=0,
            )
        )
    plans.append(
        Plan(
            key="G001",
            customer=_health_station(today, front_desk),
            unit=None,
            address="雪球·锦绣华庭 南门 社区卫生服务站",
            user_type=UserType.PUBLIC_WELFARE,
            scenario="held",
            factor=D(1),
            installed_on=opened.replace(day=22),
            read_day=22,
            initial=D("8650"),
            index=0,
        )
    )
    return plans


def _history_start(today: dt.date) -> dt.date:
    month = today.replace(day=1)
    for _ in range(MONTHS - 1):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


# --- Readings -------------------------------------------------------------------------------


def _use(plan: Plan, day: dt.date) -> Decimal:
    wobble = D((plan.index * 7 + day.month * 3) % 9 - 4) / 10
    if plan.user_type == UserType.COMMERCIAL:
        return (D(720) + D(day.month % 4) * 35 + wobble * 10).quantize(D("0.01"))
    if plan.user_type == UserType.PUBLIC_WELFARE:
        return (D(SEASON[day.month]) * 6 + 40 + wobble * 5).quantize(D("0.01"))
    return (D(SEASON[day.month]) * plan.factor + wobble).quantize(D("0.01"))


def _reading_days(plan: Plan, today: dt.date) -> list[dt.date]:
    days = []
    month = plan.installed_on.replace(day=1)
    while month <= today:
        day = month.replace(day=plan.read_day)
        in_time = plan.installed_on + dt.timedelta(days=20) <= day <= today
        if in_time and (plan.moved_out is None or day < plan.moved_out):
            days.append(day)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    if plan.moved_out is not None and plan.moved_out <= today:
        days.append(plan.moved_out)  # the final reading when the customer leaves
    return days


# --- Scenarios ------------------------------------------------------------------------------


def _choose(plan: Plan, replay: Replay, days: list[dt.date]) -> None:
    """Pick the statement the scenario is about and schedule payments and reminders."""
    today = replay.today
    due = {day: due_date(day, 7) for day in days}
    ladder = {"overdue", "notified", "arrears", "requested", "suspended", "reconnected"}
    if plan.scenario in ladder:
        plan.target, reminder_on = _ladder_target(plan.scenario, days, due, today)
        if plan.target is None:
            plan.scenario = "payer"
        elif reminder_on is not None:
            replay.at(reminder_on, _remind(plan, replay, plan.target, reminder_on))
    for number, day in enumerate(days):
        unpaid_tail = plan.target is not None and day >= plan.target
        if unpaid_tail:
            continue
        if plan.scenario == "part_paid" and day == days[-1]:
            pay_on = day + dt.timedelta(days=1)
            replay.at(pay_on, _pay(plan, replay, day, pay_on, D("100.00"), number))
            continue
        overpay = plan.scenario == "credit" and day == days[-1]
        pay_on = day + dt.timedelta(days=2 + number % 2)
        replay.at(pay_on, _pay(plan, replay, day, pay_on, None, number, overpay=overpay))
    if plan.target is not None:
        replay.watchers.append(_deliver_notices(plan, replay))
    if plan.scenario in {"suspended", "reconnected", "requested"}:
        replay.watchers.append(_general_manager(plan, replay))
    if plan.scenario in {"suspended", "reconnected"}:
        replay.watchers.append(_field_work(plan, replay))
    if plan.scenario == "credit_note" and len(days) >= 3:
        replay.at(days[-3] + dt.timedelta(days=5), _credit_note(plan, replay, days[-3]))


def _ladder_target(scenario, days, due, today):
    """(reading date of the statement that climbs, day of the reminder) for each ladder step."""
    add = workcalendar.add_workdays
    one = dt.timedelta(days=1)
    for day in reversed(days):
        first_reminder = due[day] + one
        if scenario == "overdue" and due[day] < today:
            return day, None
        if scenario == "notified" and due[day] + one < today:
            return day, today - one
        if scenario == "arrears":
            reminder = today
            while reminder >= first_reminder:
                notice_on = add(reminder, 3)
                if notice_on <= today <= add(notice_on, 3):
                    return day, reminder
                reminder -= one
        if scenario in {"requested", "suspended", "reconnected"}:
            margin = {"requested": 0, "suspended": 3, "reconnected": 6}[scenario]
            if add(add(add(first_reminder, 3), 3), 1 + margin) <= today:
                return day, first_reminder
    return None, None


def _remind(plan, replay, target, on):
    def action():
        statement = plan.statements.get(target)
        if statement is None or statement.status not in UNPAID:
            return
        services.record_reminder(
            statement=statement,
            by=replay.staff["heping"],
            method=ReminderMethod.PHONE if plan.index % 2 == 0 else ReminderMethod.WRITTEN,
            note="客户表示近日到营业厅缴费" if plan.index % 2 == 0 else "书面通知已贴于门上",
            made_at=timezone.make_aware(dt.datetime.combine(on, dt.time(16, 30))),
        )

    return action


def _pay(plan, replay, reading_day, pay_on, amount, number, overpay=False):
    def action():
        statement = plan.statements.get(reading_day)
        if statement is None:
            return
        statement.refresh_from_db()
        if statement.status not in UNPAID:
            return
        paying = amount or statement.outstanding
        if overpay:
            paying = (paying / 50).quantize(D(1), rounding=ROUND_CEILING) * 50 + 50
        method = METHODS[(plan.index + number) % len(METHODS)]
        received = pay_on
        services.record_payment(
            statement=statement,
            by=replay.staff["gaoyan"],
            amount=paying,
            method=method,
            reference=f"4200{received:%Y%m%d}{statement.pk:06d}"
            if method in (PaymentMethod.WECHAT, PaymentMethod.ALIPAY)
            else "",
            received_on=received,
        )

    return action


def _deliver_notices(plan, replay):
    """The reader delivers each arrears notice the day after it is issued."""

    def watch(day):
        for notice in ArrearsNotice.objects.filter(
            account=plan.account, delivered_on__isnull=True, issued_on__lt=day
        ):
            services.deliver_notice(notice=notice, by=replay.staff["heping"], delivered_on=day)

    return watch


def _general_manager(plan, replay):
    def watch(day):
        request = SuspensionRequest.objects.filter(
            account=plan.account, status=SuspensionStatus.PENDING
        ).first()
        if request is None or plan.scenario == "requested" or day < request.requested_on:
            return
        services.decide_suspension(
            request=request,
            by=replay.staff["wangjianguo"],
            approve=True,
            note="多次催缴未果，同意停气",
            when=timezone.make_aware(dt.datetime.combine(day, dt.time(17, 0))),
        )

    return watch


def _field_work(plan, replay):
    def watch(day):
        for order in GasWorkOrder.objects.filter(
            account=plan.account, status=WorkOrderStatus.OPEN, planned_on__lte=day
        ):
            services.complete_work_order(
                order=order,
                by=replay.staff["heping"],
                done_on=day,
                meter_value=plan.readings[-1][1] if plan.readings else None,
                note="已关闭表前阀并加封"
                if order.kind == WorkOrderKind.SUSPEND
                else "已恢复供气，试火正常",
            )
            if order.kind == WorkOrderKind.SUSPEND and plan.scenario == "reconnected":
                pay_on = day + dt.timedelta(days=2)
                replay.at(pay_on, _pay(plan, replay, plan.target, pay_on, None, 0))

    return watch


def _credit_note(plan, replay, reading_day):
    def action():
        statement = plan.statements.get(reading_day)
        if statement is None:
            return
        services.issue_adjustment(
            statement=statement,
            by=replay.staff["linxia"],
            kind="credit",
            amount=D("18.60"),
            reason="表计检定偏快2%，按检定结果退还多收气费",
            issued_on=reading_day + dt.timedelta(days=5),
        )

    return action


# --- Readings and statements ----------------------------------------------------------------


def _signature_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.line(
        [(40, 110), (90, 40), (120, 120), (170, 50), (210, 115), (260, 60), (330, 100), (420, 70)],
        fill=(17, 17, 17, 255),
        width=5,
        joint="curve",
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _read(plan: Plan, replay: Replay, day: dt.date, number: int, last: bool):
    def action():
        account = GasAccount.objects.get(pk=plan.account.pk)
        if account.status != AccountStatus.ACTIVE:
            return
        previous = plan.readings[-1][1] if plan.readings else plan.initial
        use = _use(plan, day)
        if day == plan.moved_out and plan.readings:
            use = (use * (day - plan.readings[-1][0]).days / 30).quantize(D("0.01"))
        if plan.scenario == "held" and last:
            use = use * 5  # an implausible jump: held for review
        if plan.scenario == "unread" and last and day.month == replay.today.month:
            return  # not read yet this month: late on the round
        reading = services.record_reading(
            account=account, by=replay.staff["heping"], read_on=day, value=previous + use
        )
        plan.readings.append((day, reading.value))
        if reading.is_held:
            return
        statement = services.issue_statement(
            reading=reading, by=replay.staff["heping"], issued_on=day
        )
        plan.statements[day] = statement
        signed_at = timezone.make_aware(dt.datetime.combine(day, dt.time(11, 0)))
        services.sign_statement(
            statement=statement,
            by=replay.staff["heping"],
            signer_name=plan.customer.name,
            png=_signature_png() if number % 3 == 0 else None,
            on_paper=number % 3 != 0,
            when=signed_at,
        )

    return action


def _close(plan: Plan, replay: Replay):
    def action():
        occupancy = plan.customer.occupancies.filter(moved_out__isnull=True).first()
        if occupancy is not None:
            archive_services.move_out(
                occupancy=occupancy,
                moved_out=plan.moved_out,
                by=crm_demo.user("zhoumin"),
                reason="房屋出售，已办理退房",
            )
        services.close_account(
            account=plan.account,
            by=replay.staff["linxia"],
            closed_on=replay.today,
            reason="业主搬离，气费已结清",
        )

    return action


def _open(plan: Plan, replay: Replay) -> None:
    plan.account = services.open_account(
        by=replay.staff["linxia"],
        customer=plan.customer,
        unit=plan.unit,
        address=plan.address,
        user_type=plan.user_type,
        reader=replay.staff["heping"],
        opened_on=plan.installed_on,
        meter_number=plan.meter_number,
        meter_model="G2.5 膜式燃气表"
        if plan.user_type == UserType.RESIDENTIAL
        else "G16 工业罗茨表",
        installed_on=plan.installed_on,
        seal_number=f"QF{plan.key}{plan.installed_on:%y%m}",
        next_verification_on=plan.installed_on.replace(year=plan.installed_on.year + 6),
        initial_value=plan.initial,
    )


def _billing_rows() -> int:
    return sum(
        model.objects.count()
        for model in apps.get_app_config("billing").get_models()
        if not model.__name__.startswith("Historical")
    )


def load() -> int:
    today = timezone.localdate()
    before = _billing_rows()
    _tariffs(today)
    plans = [p for p in _plans(today) if not Meter.objects.filter(number=p.meter_number).exists()]
    if not plans:
        return _billing_rows() - before
    replay = Replay(plans, today)
    start = min(plan.installed_on for plan in plans)
    for plan in plans:
        _open(plan, replay)
        days = _reading_days(plan, today)
        _choose(plan, replay, days)
        for number, day in enumerate(days):
            replay.at(day, _read(plan, replay, day, number, last=day == days[-1]))
        if plan.scenario == "closed" and days:
            replay.at(plan.moved_out + dt.timedelta(days=7), _close(plan, replay))
    replay.run(start)
    return _billing_rows() - before
