"""Demo repairs: the paid-repair price list, the engineering duty roster, and work orders told
as stories — a leaking pipe at 锦绣华庭 with a technician on the way, the lift in 滨江中心
A座大堂 waiting for dispatch, an unlisted job waiting for its quote, yesterday's paid lock
replacement, and three months of finished jobs (some late) behind the breach report and the
monthly list to finance.

Each story is replayed through the real services at the moments it happened (the clock is
set for each step), so the SLA clocks, history and charges are exactly what the app would
have recorded. Orders are found by their problem text: loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from contextlib import contextmanager
from decimal import Decimal

from django.utils import timezone

from archives.models import Occupancy
from crm import demo as crm_demo
from crm.models import Notification, SmsMessage, Unit
from repairs import charges, services
from repairs.models import (
    DutyShift,
    FinanceBatch,
    MaterialResult,
    OrderKind,
    PaymentMethod,
    PriceItem,
    Urgency,
    WorkOrder,
)

# code, name, English name, unit, English unit, labour, material, category
PRICE_LIST = [
    ("SD-01", "疏通下水管道", "Unblock a drain", "次", "job", "50.00", "0.00", "给排水"),
    ("SD-02", "更换水管接头", "Replace a pipe fitting", "个", "piece", "30.00", "15.00", "给排水"),
    ("SD-03", "更换PPR水管", "Replace PPR pipe", "米", "metre", "25.00", "18.00", "给排水"),
    ("SD-04", "更换角阀", "Replace an angle valve", "个", "piece", "20.00", "35.00", "给排水"),
    ("SD-05", "更换水龙头", "Replace a tap", "个", "piece", "30.00", "80.00", "给排水"),
    (
        "DQ-01",
        "更换插座或开关面板",
        "Replace a socket or switch",
        "个",
        "piece",
        "15.00",
        "20.00",
        "电气",
    ),
    (
        "DQ-02",
        "安装吸顶灯（客户自备灯具）",
        "Fit a ceiling light (customer's)",
        "套",
        "set",
        "40.00",
        "0.00",
        "电气",
    ),
    ("DQ-03", "检修跳闸线路", "Trace a tripping circuit", "次", "job", "60.00", "0.00", "电气"),
    (
        "MC-01",
        "更换门锁锁芯",
        "Replace a lock cylinder",
        "个",
        "piece",
        "40.00",
        "120.00",
        "门窗锁具",
    ),
    (
        "MC-02",
        "更换整套门锁",
        "Replace a whole door lock",
        "套",
        "set",
        "60.00",
        "280.00",
        "门窗锁具",
    ),
    (
        "MC-03",
        "调整门窗合页",
        "Adjust door or window hinges",
        "扇",
        "leaf",
        "20.00",
        "0.00",
        "门窗锁具",
    ),
    ("MC-04", "更换纱窗", "Replace a window screen", "扇", "leaf", "30.00", "45.00", "门窗锁具"),
    (
        "WY-01",
        "更换马桶进水阀",
        "Replace a toilet fill valve",
        "个",
        "piece",
        "30.00",
        "45.00",
        "卫浴",
    ),
    ("WY-02", "疏通马桶", "Unblock a toilet", "次", "job", "60.00", "0.00", "卫浴"),
    (
        "WY-03",
        "安装花洒（客户自备）",
        "Fit a shower set (customer's)",
        "套",
        "set",
        "50.00",
        "0.00",
        "卫浴",
    ),
    (
        "QT-01",
        "墙面局部修补刷漆",
        "Patch and paint a wall",
        "平方米",
        "m²",
        "25.00",
        "10.00",
        "其他",
    ),
]

LEAK = "厨房洗菜盆下水管接头漏水，地面已有积水，请尽快上门"
LIFT = "A座大堂2号电梯门无法关闭，电梯停在一楼，已放置警示牌"
CEILING = "客厅吊顶石膏线开裂脱落约1.5米，需要修补并重新刷漆"
LOCK = "入户门锁芯转不动，钥匙插入后卡住"
TAP = "卫生间洗手盆水龙头关不严，一直滴水"
LAMP = "地下车库B区两盏照明灯不亮"

HISTORY = [
    # days ago, hour, problem, price item, quantity, minutes to arrive, technician, extras
    (62, 9, "阳台地漏堵塞，下雨时积水", "SD-01", 1, 8, "majun", {}),
    (58, 14, "卧室插座面板烧黑，不能使用", "DQ-01", 2, 13, "xuliang", {}),
    (54, 10, "卫生间马桶进水阀漏水不止", "WY-01", 1, 7, "majun", {"late_return": True}),
    (49, 16, "厨房水龙头松动漏水", "SD-05", 1, 9, "xuliang", {}),
    (44, 11, "客户自购吸顶灯，需要安装", "DQ-02", 1, 6, "majun", {"material": "poor"}),
    (39, 9, "次卧纱窗破损", "MC-04", 2, 16, "xuliang", {}),
    (33, 15, "厨房下水管道堵塞，水下不去", "SD-01", 1, 9, "majun", {"refuse": True}),
    (27, 10, "入户门合页下沉，关门费力", "MC-03", 1, 11, "xuliang", {}),
    (22, 14, "卫生间角阀老化滴水", "SD-04", 2, 5, "majun", {}),
    (16, 9, "客户自购花洒，需要安装", "WY-03", 1, 8, "xuliang", {"material": "passed"}),
    (11, 13, "厨房PPR水管渗水", "SD-03", 3, 12, "majun", {}),
    (6, 10, "马桶堵塞", "WY-02", 1, 7, "xuliang", {"late_return": True}),
]


@contextmanager
def _quietly():
    """Historical stories leave no fresh notifications or text messages behind."""
    last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    last_sms = SmsMessage.objects.order_by("-pk").values_list("pk", flat=True).first()
    yield
    Notification.objects.filter(pk__gt=last_notification or 0).delete()
    SmsMessage.objects.filter(pk__gt=last_sms or 0).delete()


def load() -> int:
    created = _price_list() + _duty_roster()
    people = {
        name: crm_demo.user(name)
        for name in ("zhoumin", "qianhui", "huangtao", "majun", "xuliang", "linxia")
    }
    homes = list(
        Occupancy.objects.current()
        .filter(unit__floor__building__project__code="jinxiu")
        .select_related("customer", "unit__floor__building__project")
        .order_by("moved_in", "pk")
    )
    if not homes:
        return created
    prices = {item.code: item for item in PriceItem.objects.all()}
    now = timezone.now()
    created += _history(now, people, homes, prices)
    created += _lock_yesterday(now, people, homes, prices)
    created += _today(now, people, homes, prices)
    return created


def _price_list() -> int:
    created = 0
    supervisor = crm_demo.user("huangtao")
    for order, (code, name, name_en, unit, unit_en, labour, material, category) in enumerate(
        PRICE_LIST
    ):
        if PriceItem.objects.filter(code=code).exists():
            continue
        charges.save_price_item(
            by=supervisor,
            code=code,
            name_zh=name,
            name_en=name_en,
            unit_zh=unit,
            unit_en=unit_en,
            labour_price=Decimal(labour),
            material_price=Decimal(material),
            category=category,
            sort_order=order,
        )
        created += 1
    return created


def _duty_roster() -> int:
    """Day shifts 08:00–20:00 for the supervisor, nights for the two technicians in turn."""
    created = 0
    today = timezone.localdate()
    night = ["majun", "xuliang"]
    for offset in range(-1, 7):
        day = today + dt.timedelta(days=offset)
        morning = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
        evening = morning + dt.timedelta(hours=12)
        shifts = [
            ("huangtao", morning, evening, "白班"),
            (night[day.toordinal() % 2], evening, morning + dt.timedelta(days=1), "夜班"),
        ]
        for username, starts, ends, note in shifts:
            _shift, new = DutyShift.objects.get_or_create(
                starts_at=starts,
                defaults={"person": crm_demo.user(username), "ends_at": ends, "note": note},
            )
            created += new
    # The night before the roster starts, so a call at 07:00 today still finds someone.
    first = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=2), dt.time(20)))
    _shift, new = DutyShift.objects.get_or_create(
        starts_at=first,
        defaults={
            "person": crm_demo.user("majun"),
            "ends_at": first + dt.timedelta(hours=12),
            "note": "夜班",
        },
    )
    return created + new


def _exists(problem: str) -> bool:
    return WorkOrder.objects.filter(problem=problem).exists()


def _moment(now, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localtime(now).date() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _write(at, by, occupancy, problem, items, received_minutes=1.5, **extra) -> WorkOrder:
    with crm_demo.clock(at):
        return services.create_order(
            by=by,
            customer=occupancy.customer,
            unit=occupancy.unit,
            location=occupancy.unit.label,
            contact_name=occupancy.customer.name,
            contact_phone=occupancy.customer.phones.order_by("-is_primary", "pk").first().number,
            problem=problem,
            price_items=items,
            received_at=at - dt.timedelta(minutes=received_minutes),
            **extra,
        )


def _step(at, function, **kwargs):
    with crm_demo.clock(at):
        return function(**kwargs)


def signature_png(seed: int = 1) -> bytes:
    """A handwriting-like stroke for demo signatures."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (600, 220), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [
        (60 + x * 4.6, 120 + 38 * math.sin(x / (6 + seed)) * math.cos(x / 17) - x * 0.3)
        for x in range(100)
    ]
    draw.line(points, fill=(20, 20, 20, 255), width=5, joint="curve")
    draw.line([(150, 170), (420, 150)], fill=(20, 20, 20, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def sample_photo(name: str, seed: int = 1):
    """A drawn stand-in for the customer's phone photo of a leak: a water stain with drips,
    marked SAMPLE."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (640, 480), (226, 224, 218))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 360, 640, 480], fill=(200, 196, 188))  # the top of the wall
    centre = 260 + seed * 40
    for ring, shade in enumerate(((176, 150, 110), (158, 128, 90), (140, 110, 75))):
        inset = ring * 28
        draw.ellipse(
            [centre - 170 + inset, 90 + inset // 2, centre + 170 - inset, 300 - inset // 2],
            fill=shade,
        )
    for drip in range(5):
        x = centre - 80 + drip * 40
        draw.line([(x, 290), (x, 330 + drip * 9)], fill=(120, 140, 160), width=3)
    draw.text(
        (20, 440),
        "SAMPLE - photo from the customer",
        fill=(90, 90, 90),
        font=ImageFont.load_default(size=18),
    )
    return crm_demo.drawn_file(image, name, "JPEG", quality=80)


def _finish(order, at, people, technician, *, quantity=None, extras=None, arrive_minutes=8):
    """Dispatch, arrive, confirm, agree, complete and return one order, minute by minute."""
    extras = extras or {}
    supervisor = people["huangtao"]
    _step(
        at + dt.timedelta(minutes=1),
        services.dispatch_order,
        order=order,
        by=supervisor,
        technicians=[technician],
    )
    arrived = order.filled_at + dt.timedelta(minutes=arrive_minutes)
    _step(arrived, services.record_arrival, order=order, by=technician)
    line = order.lines.first()
    changes = {line.pk: Decimal(quantity)} if quantity and line else {}
    note = "实际需更换数量与报修不符" if changes and Decimal(quantity) != line.quantity else ""
    _step(
        arrived + dt.timedelta(minutes=4),
        services.confirm_lines,
        order=order,
        by=technician,
        quantities=changes,
        note=note,
    )
    if extras.get("refuse"):
        _step(
            arrived + dt.timedelta(minutes=6),
            services.record_decision,
            order=order,
            by=technician,
            agreed=False,
            reason="客户认为收费偏高，决定自行联系外面的师傅",
        )
        _step(
            arrived + dt.timedelta(hours=2),
            services.cosign_refusal,
            order=order,
            by=supervisor,
            note="已向客户说明收费标准，客户仍不同意维修",
        )
        return
    _step(
        arrived + dt.timedelta(minutes=6),
        services.record_decision,
        order=order,
        by=technician,
        agreed=True,
    )
    if extras.get("material"):
        poor = extras["material"] == "poor"
        _step(
            arrived + dt.timedelta(minutes=8),
            services.check_material,
            order=order,
            by=technician,
            material="客户自购灯具" if poor else "客户自购花洒套装",
            result=MaterialResult.POOR if poor else MaterialResult.PASSED,
            advice="灯具底座较薄，已提醒客户可能松动，客户坚持使用" if poor else "",
        )
    done = arrived + dt.timedelta(minutes=35)
    _step(
        done,
        services.complete_order,
        order=order,
        by=technician,
        work_done="已维修完毕，客户试用正常",
        customer_checked=True,
        signature_png=signature_png(order.pk % 5),
    )
    back = done.replace(hour=16, minute=40) if done.hour < 16 else done + dt.timedelta(minutes=30)
    if extras.get("late_return"):
        back = done.replace(hour=9, minute=15) + dt.timedelta(days=1)
    _step(back, services.confirm_return, orders=[order], by=supervisor)


def _history(now, people, homes, prices) -> int:
    """Three months of finished jobs, then each month's hand-off to finance and payments."""
    created = 0
    with _quietly():
        for index, (days, hour, problem, code, quantity, arrive, tech, extras) in enumerate(
            HISTORY
        ):
            if _exists(problem):
                continue
            at = _moment(now, days, hour, 10 + index * 3)
            eligible = [o for o in homes if o.moved_in < at.date()] or homes
            occupancy = eligible[index % len(eligible)]
            desk = people["zhoumin"] if index % 2 else people["qianhui"]
            order = _write(at, desk, occupancy, problem, [prices[code]])
            _finish(
                order,
                at,
                people,
                people[tech],
                quantity=quantity,
                extras=extras,
                arrive_minutes=arrive,
            )
            created += 1
        created += _finance(now, people)
    return created


def _finance(now, people) -> int:
    """The front desk hands each month's third copies over on the 24th; finance collects about
    ten days later with the management fee (one order is left unpaid)."""
    created = 0
    this_month = charges.month_start(timezone.localdate())
    for back in (3, 2, 1, 0):
        month = (this_month - dt.timedelta(days=28 * back)).replace(day=1)
        moment = timezone.make_aware(dt.datetime.combine(month.replace(day=24), dt.time(10)))
        if moment > now or FinanceBatch.objects.filter(month=month).exists():
            continue
        if not charges.awaiting_finance(moment).exists():
            continue
        with crm_demo.clock(moment):
            batch = charges.send_to_finance(by=people["qianhui"], month=month)
        created += 1
        paid_at = moment + dt.timedelta(days=10)
        if paid_at > now:
            continue
        for order in batch.orders.order_by("pk")[1:]:
            if order.paid_amount:
                continue
            with crm_demo.clock(paid_at):
                charges.record_payment(
                    order=order,
                    by=people["linxia"],
                    amount=order.total_amount,
                    paid_on=paid_at.date(),
                    method=PaymentMethod.MANAGEMENT_FEE,
                    reference=f"GL{paid_at:%Y%m}-{order.pk:04d}",
                )
    return created


def _lock_yesterday(now, people, homes, prices) -> int:
    """Yesterday's paid lock replacement: an appointment met, signed on the phone, returned
    before 17:00 and waiting for the front desk to hand it to finance."""
    if _exists(LOCK):
        return 0
    occupancy = homes[2 % len(homes)]
    with _quietly():
        at = _moment(now, 1, 9, 12)
        order = _write(
            at,
            people["zhoumin"],
            occupancy,
            LOCK,
            [prices["MC-01"]],
            urgency=Urgency.APPOINTMENT,
            appointment_at=_moment(now, 1, 10, 0),
        )
        _finish(order, at, people, people["xuliang"], arrive_minutes=40)
    return 1


def _today(now, people, homes, prices) -> int:
    created = _today_finished(now, people, homes, prices)  # earlier today: written first
    minutes = dt.timedelta(minutes=1)
    if not _exists(LIFT):  # public area: waiting for the supervisor, 15 minutes to be there
        lobby = Unit.objects.get(
            floor__building__project__code="binjiang", floor__building__name="A座", number="大堂"
        )
        with crm_demo.clock(now - 7 * minutes):
            services.create_order(
                by=people["qianhui"],
                kind=OrderKind.PUBLIC,
                unit=lobby,
                location=lobby.label,
                contact_name="保安 刘师傅",
                contact_phone="+8613991234567",
                problem=LIFT,
                received_at=now - 9 * minutes,
            )
        created += 1
    if not _exists(CEILING):  # not on the price list: the supervisor's quote is due
        _write(now - 6.8 * minutes, people["zhoumin"], homes[1 % len(homes)], CEILING, [])
        created += 1
    if not _exists(LEAK):  # listed, urgent: dispatched, the technician is on the way
        order = _write(now - 4.5 * minutes, people["zhoumin"], homes[0], LEAK, [prices["SD-02"]])
        photos = [sample_photo("漏水-1.jpg", seed=0), sample_photo("漏水-2.jpg", seed=2)]
        services.add_photos(order=order, by=people["zhoumin"], photos=photos)
        # The model's default took the real clock, not the demo's: the photos came just after.
        order.photos.update(uploaded_at=now - 4.2 * minutes)
        _step(
            now - 3 * minutes,
            services.dispatch_order,
            order=order,
            by=people["huangtao"],
            technicians=[people["majun"]],
        )
        created += 1
    return created


def _today_finished(now, people, homes, prices) -> int:
    """Done earlier today and still to be handed back by 17:00; a tap booked for tomorrow."""
    created = 0
    start = now - dt.timedelta(hours=3)
    if start.date() == timezone.localtime(now).date() and not _exists(LAMP):
        garage = Unit.objects.get(floor__building__project__code="jinxiu", number="地下车库")
        with _quietly(), crm_demo.clock(start):
            order = services.create_order(
                by=people["qianhui"],
                kind=OrderKind.PUBLIC,
                unit=garage,
                location=f"{garage.label} B区",
                contact_name="保洁 赵阿姨",
                problem=LAMP,
                received_at=start - dt.timedelta(minutes=3),  # written up late: a broken clock
            )
        with _quietly():
            _step(
                start + dt.timedelta(minutes=2),
                services.dispatch_order,
                order=order,
                by=people["huangtao"],
                technicians=[people["xuliang"]],
            )
            _step(
                start + dt.timedelta(minutes=12),
                services.record_arrival,
                order=order,
                by=people["xuliang"],
            )
            _step(
                start + dt.timedelta(minutes=40),
                services.complete_order,
                order=order,
                by=people["xuliang"],
                work_done="更换两支LED灯管，照明恢复",
                cleanup_confirmed=True,
                cleanup_note="旧灯管已带回，地面已清扫",
            )
        created += 1
    if not _exists(TAP):
        tomorrow = timezone.make_aware(
            dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(15))
        )
        with _quietly():
            order = _write(
                now - dt.timedelta(minutes=40),
                people["qianhui"],
                homes[3 % len(homes)],
                TAP,
                [prices["SD-05"]],
                urgency=Urgency.APPOINTMENT,
                appointment_at=tomorrow,
            )
            _step(
                now - dt.timedelta(minutes=30),
                services.dispatch_order,
                order=order,
                by=people["huangtao"],
                technicians=[people["xuliang"], people["majun"]],
            )
        created += 1
    return created
