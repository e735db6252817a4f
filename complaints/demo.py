"""Demo complaints: noise from neighbours, a lift that keeps breaking down, a property-fee
question, a written complaint about a sales promise, and a few closed and reopened ones — in
every state, for the archives' demo customers and units, dated relative to today.

Rows are found by their subject, so loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from PIL import Image, ImageDraw

from archives.models import Customer, Occupancy
from complaints import services
from complaints.models import (
    Category,
    Channel,
    Complaint,
    ConfirmationKind,
    Delivery,
    Kind,
    Opinion,
    ReplyMethod,
    Severity,
    StepKind,
)
from crm import demo as crm_demo
from crm.models import Department


def _ago(days: int = 0, hours: int = 0, minutes: int = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days, hours=hours, minutes=minutes)


def _customer(name: str):
    return Customer.objects.filter(name=name).first()


def _unit_of(customer):
    occupancy = Occupancy.objects.filter(customer=customer).order_by("-moved_in").first()
    return occupancy.unit if occupancy else None


def _department(code: str):
    return Department.objects.filter(code=code).first()


def signature_png() -> bytes:
    """A handwritten-looking stroke on a transparent canvas, as the signature pad makes."""
    image = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    points = [(120 + x * 6, 170 - int(60 * ((x % 20) - 10) ** 2 / 100)) for x in range(110)]
    pen.line(points, fill=(17, 24, 39, 255), width=6, joint="curve")
    pen.line([(300, 220), (620, 120)], fill=(17, 24, 39, 255), width=5)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def load() -> int:
    if Department.objects.filter(code="customer_service").first() is None:
        return 0
    created = 0
    for build in (
        _noise,
        _lift,
        _fees,
        _sales_promise,
        _cleaning,
        _leak,
        _shop_aircon,
        _charging_suggestion,
    ):
        created += build()
    return created


def _new(subject: str) -> bool:
    return not Complaint.objects.filter(subject=subject).exists()


def _receive(*, subject: str, customer: str | None = None, department: str | None = None, **fields):
    """Receives the demo complaint `subject` — of the demo customer named `customer`, in the
    unit they live in, sent to the department coded `department` — or returns None when it
    is already there (loading twice adds nothing) or the customer is missing."""
    if not _new(subject):
        return None
    if customer is not None:
        person = _customer(customer)
        if person is None:
            return None
        fields.update(customer=person, unit=_unit_of(person))
    if department is not None:
        fields["department"] = _department(department)
    return services.receive_complaint(subject=subject, **fields)


def _steps(complaint, by, start: dt.datetime, entries) -> None:
    for offset, (kind, text, method) in enumerate(entries, start=1):
        services.record_step(
            complaint=complaint,
            kind=kind,
            text=text,
            by=by,
            method=method,
            at=start + dt.timedelta(minutes=20 * offset),
        )


def _noise() -> int:
    complaint = _receive(
        by=crm_demo.user("zhoumin"),
        channel=Channel.PHONE,
        category=Category.NEIGHBOURS,
        subject="楼上深夜装修噪音扰民",
        description="王女士来电：楼上住户连续三个晚上十点以后还在装修，电钻声很大，孩子第二天要考试，"
        "无法休息，希望物业今天就去制止。",
        customer="王丽华",
        department="property",
        at=_ago(hours=2),
    )
    return 0 if complaint is None else 1


def _lift() -> int:
    received = _ago(hours=26)
    complaint = _receive(
        by=crm_demo.user("qianhui"),
        channel=Channel.FACE_TO_FACE,
        category=Category.REPAIRS,
        severity=Severity.MAJOR,
        subject="电梯一周内第二次困人",
        description="陈先生到前台反映：昨晚八点电梯停在7楼和8楼之间，家中老人被困二十多分钟，"
        "一周内第二次。要求彻底检修并书面说明原因。",
        customer="陈晓明",
        at=received,
    )
    if complaint is None:
        return 0
    cs = crm_demo.user("wufang")
    _steps(
        complaint,
        cs,
        received,
        [
            (
                StepKind.HEARD,
                "耐心听陈先生讲完：老人有心脏病，被困时紧急按钮无人应答，非常气愤。",
                "",
            ),
            (
                StepKind.ASKED,
                "问清：故障时间19:58，监控室当时只有一人值班；上周三同一部电梯也困过人。",
                "",
            ),
        ],
    )
    services.follow_up_complaint(
        complaint=complaint,
        by=cs,
        text="已转工程部黄涛主管，维保单位今天上午到场全面检修；监控室增加夜间值班一人。",
        department=_department("engineering"),
        at=received + dt.timedelta(hours=1),
    )
    return 1


def _fees() -> int:
    received = _ago(days=3, hours=2)
    cs = crm_demo.user("zhengqiang")
    complaint = _receive(
        by=cs,
        channel=Channel.PHONE,
        category=Category.FEES,
        subject="物业费账单多收了车位管理费",
        description="周先生来电询问：本季度物业费账单里有一笔车位管理费180元，但他没有租用车位。",
        customer="周杰",
        department="finance",
        at=received,
    )
    if complaint is None:
        return 0
    _steps(
        complaint,
        cs,
        received,
        [
            (StepKind.HEARD, "周先生说没有车位却被收了车位管理费，要求说明。", ""),
            (
                StepKind.ASKED,
                "核对：账单编号2026Q4-0312，车位管理费180元；业主名下确实没有车位合同。",
                "",
            ),
            (
                StepKind.FOLLOWED,
                "转财务部林霞核查，确认系系统批量计费错误，下期账单冲减180元。",
                "",
            ),
            (
                StepKind.REPLIED,
                "电话告知周先生：系计费错误，已冲减，下期账单体现；并向周先生致歉。",
                ReplyMethod.PHONE,
            ),
        ],
    )
    return 1


def _sales_promise() -> int:
    received = _ago(days=6, hours=3)
    cs = crm_demo.user("wufang")
    complaint = _receive(
        by=cs,
        channel=Channel.WRITTEN,
        category=Category.SALES_PROMISE,
        subject="销售承诺的小区游泳池至今未建",
        description="马女士来信（两页）：购房时置业顾问承诺小区会所配建恒温游泳池，交房一年仍未动工，"
        "要求公司给出书面答复和明确时间表。",
        customer="马晓燕",
        concerned_staff=crm_demo.user("chenjing"),
        letter={
            "received_on": timezone.localtime(received).date(),
            "sender": "马晓燕",
            "delivery": Delivery.BY_HAND,
            "pages": 2,
        },
        at=received,
    )
    if complaint is None:
        return 0
    _steps(
        complaint,
        cs,
        received,
        [
            (StepKind.HEARD, "来信原文已登记收文簿并复印存档。", ""),
            (
                StepKind.ASKED,
                "查购房合同附件及销售宣传册：宣传册写有“规划建设会所泳池”，合同未约定时间。",
                "",
            ),
        ],
    )
    services.follow_up_complaint(
        complaint=complaint,
        by=cs,
        text="涉及规划调整，超出客服部权限，转销售部刘洋经理处理；已电话告知马女士答复时间。",
        department=_department("sales"),
        refer_to_head=True,
        promised_reply_at=received + dt.timedelta(days=6),
        told_via=ReplyMethod.PHONE,
        at=received + dt.timedelta(days=1),
    )
    services.record_step(
        complaint=complaint,
        kind=StepKind.REPLIED,
        text="经公司研究，会所泳池因消防规划调整推迟建设。公司承诺：泳池将于明年五月前开工、"
        "十月前投入使用；在此之前，业主可凭业主卡免费使用滨江中心健身会所泳池。"
        "对宣传资料表述不清给您带来的困扰，我们深表歉意。",
        by=crm_demo.user("liuyang"),
        method=ReplyMethod.WRITTEN,
        at=received + dt.timedelta(days=4, hours=2),
    )
    return 1


def _cleaning() -> int:
    received = _ago(days=24, hours=4)
    cs = crm_demo.user("wufang")
    complaint = _receive(
        by=cs,
        channel=Channel.FACE_TO_FACE,
        category=Category.SERVICE,
        subject="保洁员清扫楼道时态度生硬",
        description="何女士反映：请保洁员顺手清理门口的水渍，对方说“不归我管”，态度很差。",
        customer="何雪",
        department="property",
        at=received,
    )
    if complaint is None:
        return 0
    _steps(
        complaint,
        cs,
        received,
        [
            (StepKind.HEARD, "何女士说保洁员不但不帮忙还顶嘴。", ""),
            (StepKind.ASKED, "核实当班保洁员为3栋的张阿姨，事发时间上午十点左右。", ""),
            (StepKind.FOLLOWED, "物业部钱慧主管已约谈该保洁员，并在班前会上重申服务规范。", ""),
            (StepKind.REPLIED, "当面向何女士说明处理结果，保洁员本人致歉。", ReplyMethod.IN_PERSON),
        ],
    )
    services.close_complaint(
        complaint=complaint,
        by=cs,
        outcome="保洁员当面致歉，何女士接受；班组加强服务培训。",
        opinion=Opinion.SATISFIED,
        confirmation=ConfirmationKind.SIGNATURE,
        signature=signature_png(),
        at=received + dt.timedelta(days=1, hours=2),
    )
    return 1


def _leak() -> int:
    received = _ago(days=38)
    cs = crm_demo.user("zhengqiang")
    complaint = _receive(
        by=cs,
        channel=Channel.PHONE,
        category=Category.QUALITY,
        subject="卫生间漏水渗到楼下",
        description="徐先生来电：楼上卫生间漏水，自家天花板已经发霉，要求开发商维修并赔偿。",
        customer="徐磊",
        department="engineering",
        at=received,
    )
    if complaint is None:
        return 0
    _steps(
        complaint,
        cs,
        received,
        [
            (StepKind.HEARD, "徐先生说天花板发霉，已持续两周。", ""),
            (StepKind.ASKED, "上门查看：楼上卫生间防水层破损，属保修期内质量问题。", ""),
            (StepKind.FOLLOWED, "工程部安排重做防水，楼下天花板重新粉刷。", ""),
            (StepKind.REPLIED, "电话告知徐先生维修完成。", ReplyMethod.PHONE),
        ],
    )
    closed = received + dt.timedelta(days=4)
    services.close_complaint(
        complaint=complaint,
        by=cs,
        outcome="防水重做，天花板粉刷完毕。",
        opinion=Opinion.BASICALLY_SATISFIED,
        confirmation=ConfirmationKind.PHONE,
        note="徐先生电话确认维修完成。",
        at=closed,
    )
    reopened = closed + dt.timedelta(days=6)
    services.reopen_complaint(
        complaint=complaint, by=cs, reason="下雨后天花板又出现水渍，徐先生再次来电。", at=reopened
    )
    _steps(
        complaint,
        cs,
        reopened,
        [
            (StepKind.FOLLOWED, "工程部复查发现排水管接口松动，已更换并做闭水试验48小时。", ""),
            (StepKind.REPLIED, "电话告知徐先生闭水试验合格，并约定一周后回访。", ReplyMethod.PHONE),
        ],
    )
    services.close_complaint(
        complaint=complaint,
        by=cs,
        outcome="排水管接口更换，闭水试验合格，未再渗漏。",
        opinion=Opinion.SATISFIED,
        confirmation=ConfirmationKind.PHONE,
        note="徐先生确认已不再漏水。",
        at=reopened + dt.timedelta(days=3),
    )
    return 1


def _shop_aircon() -> int:
    received = _ago(days=6, hours=1)
    cs = crm_demo.user("zhengqiang")
    complaint = _receive(
        by=cs,
        channel=Channel.PHONE,
        category=Category.REPAIRS,
        subject="商铺门前公共区域新风机组噪音大",
        description="老孙家餐饮孙总来电：门口新风机组嗡嗡响，影响用餐的客人，已经一周了。",
        customer="老孙家餐饮管理有限公司",
        caller_name="孙德福",
        department="engineering",
        at=received,
    )
    if complaint is None:
        return 0
    _steps(
        complaint,
        cs,
        received,
        [
            (StepKind.HEARD, "孙总说噪音从早到晚，客人抱怨。", ""),
            (StepKind.ASKED, "确认是A座一楼大堂东侧的新风机组，午间最明显。", ""),
        ],
    )
    return 1


def _charging_suggestion() -> int:
    complaint = _receive(
        by=crm_demo.user("zhoumin"),
        channel=Channel.ONLINE,
        kind=Kind.SUGGESTION,
        category=Category.OTHER,
        subject="建议地下车库增加电动车充电桩",
        description="李先生在业主群留言：地下车库只有4个充电桩，晚上经常排队，建议增加到20个。",
        caller_name="李先生",
        caller_phone="13700291234",
        at=_ago(minutes=35),
    )
    return 0 if complaint is None else 1
