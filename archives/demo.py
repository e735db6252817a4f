"""Demo archives: consultants' leads and buyers, residents and tenants, companies of §4's
special class, family with lunar birthdays, profiles part filled, deals and move-ins.

Dates are relative to today so the dashboards have something to show; rows are found by
phone number, so loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone, translation
from PIL import Image, ImageDraw, ImageFont

from archives import services
from archives.models import (
    Attachment,
    AttachmentKind,
    Category,
    Classification,
    CompanyRecord,
    CustomerKind,
    CustomerPhone,
    Grade,
    Occupancy,
    OccupancyRole,
    PhoneKind,
    Secrecy,
    Source,
    Status,
)
from crm import demo as crm_demo
from crm.models import Unit

# name, gender, consultant, source, status, grade, occupation, agent
PEOPLE = [
    ("王丽华", "female", "zhangwei", Source.WALK_IN, Status.WON, "A", "中学教师", ""),
    ("刘志强", "male", "zhangwei", Source.CALL, Status.INTENT, "B", "软件工程师", ""),
    ("陈晓明", "male", "zhangwei", Source.REFERRAL, Status.WON, "A", "医生", ""),
    ("杨帆", "male", "zhangwei", Source.ONLINE, Status.LEAD, "C", "销售经理", ""),
    ("赵敏", "female", "zhangwei", Source.AGENT, Status.INTENT, "B", "会计", "链家地产 王经纪"),
    ("曾志伟", "male", "zhangwei", Source.WALK_IN, Status.LOST, "C", "个体经营", ""),
    ("周杰", "male", "lina", Source.CALL, Status.WON, "A", "公务员", ""),
    ("吴婷婷", "female", "lina", Source.WALK_IN, Status.INTENT, "B", "护士", ""),
    ("单丽", "female", "lina", Source.EVENT, Status.LEAD, "C", "设计师", ""),
    ("徐磊", "male", "lina", Source.SELF_DEVELOPED, Status.WON, "B", "工程师", ""),
    ("孙浩", "male", "lina", Source.CALL, Status.LEAD, "D", "大学生", ""),
    ("仇海", "male", "lina", Source.AGENT, Status.INTENT, "B", "律师", "我爱我家 李经纪"),
    ("马晓燕", "female", "chenjing", Source.WALK_IN, Status.WON, "A", "企业主", ""),
    ("朱军", "male", "chenjing", Source.REFERRAL, Status.INTENT, "A", "银行职员", ""),
    ("胡静", "female", "chenjing", Source.ONLINE, Status.LEAD, "C", "自由职业", ""),
    ("郭亮", "male", "chenjing", Source.CALL, Status.LOST, "D", "司机", ""),
    ("欧阳娜娜", "female", "chenjing", Source.EVENT, Status.INTENT, "B", "舞蹈老师", ""),
    ("何雪", "female", "zhaolei", Source.WALK_IN, Status.WON, "B", "药剂师", ""),
    ("高峰", "male", "zhaolei", Source.CALL, Status.INTENT, "B", "建筑师", ""),
    ("林芳", "female", "zhaolei", Source.SELF_DEVELOPED, Status.LEAD, "C", "记者", ""),
    ("罗刚", "male", "zhaolei", Source.WALK_IN, Status.MOVED_OUT, "C", "退休", ""),
    ("郑雨", "female", "zhaolei", Source.ONLINE, Status.LEAD, "D", "研究生", ""),
    ("梁晨", "male", None, Source.CALL, Status.LEAD, "C", "程序员", ""),
    ("谢娜", "female", None, Source.WALK_IN, Status.LEAD, "D", "主播", ""),
]

COMPANIES = [
    ("陕西秦川建设工程有限公司", Category.SUPPLIER, "孙建国", "chenjing", Secrecy.SECRET),
    ("西安银行高新支行", Category.BANK, "李明", "zhaolei", Secrecy.CONFIDENTIAL),
    ("华信律师事务所", Category.LAWYER, "陈华", "lina", Secrecy.PUBLIC),
    ("老孙家餐饮管理有限公司", Category.MERCHANT, "孙德福", "zhangwei", Secrecy.PUBLIC),
    ("鼎盛广告传媒有限公司", Category.ADVERTISING, "周鼎", "chenjing", Secrecy.PUBLIC),
]

SPOUSES = ["李秀英", "张伟民", "刘芳", "陈建国", "杨丽", "黄志刚", "赵雪梅", "周海涛", "吴静"]

PROFILE_ANSWERS = {
    "native_place": ["陕西西安", "河南郑州", "甘肃兰州", "陕西宝鸡", "山西运城"],
    "education": ["本科，西北大学", "硕士，西安交通大学", "大专", "本科，陕西师范大学"],
    "marital_status": ["married", "married", "single", "married"],
    "cuisine": ["川菜", "陕菜、面食", "粤菜", "西餐偶尔"],
    "drinking": ["偶尔喝白酒，不反对别人饮酒", "不饮酒", "喜欢红酒"],
    "smoking": ["不抽烟，反对在家中吸烟", "抽烟，中华", "不抽烟"],
    "ideal_housing": [["b", "c"], ["a", "e", "g"], ["c", "f"], ["b", "d", "e"]],
    "purchase_reason": ["孩子上学，学区需要", "改善居住条件", "投资", "结婚用房"],
    "car_brand": ["大众", "丰田", "比亚迪", "宝马"],
    "position": ["教研组长", "技术主管", "科室主任", "合伙人"],
}


def _when(days_ago: int, hour: int = 10) -> dt.datetime:
    moment = timezone.localtime() - dt.timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=random.randint(0, 59), second=0, microsecond=0)


def load() -> int:
    random.seed(20261127)
    grades = {grade.code: grade for grade in Grade.objects.all()}
    regions = list(Classification.objects.filter(dimension="region"))
    garden, centre = crm_demo.project("jinxiu"), crm_demo.project("binjiang")
    homes = list(
        Unit.objects.filter(floor__building__project=garden, use="residential").order_by("pk")
    )
    shops = list(
        Unit.objects.filter(floor__building__project=centre, use="commercial").order_by("pk")
    )
    created = 0
    for index, person in enumerate(PEOPLE):
        mobile = f"+86139{index + 10:02d}291{index * 37 % 1000:03d}"[:14]
        if CustomerPhone.objects.filter(number=mobile).exists():
            continue
        _person(index, person, mobile, grades, regions, garden, homes)
        created += 1
    for index, company in enumerate(COMPANIES):
        phone = f"+86298835{index + 10:02d}{index:02d}"
        if CustomerPhone.objects.filter(number=phone).exists():
            continue
        _company(index, company, phone, centre, shops)
        created += 1
    created += _long_standing(garden)
    from archives.access import demo as access_demo  # requests, grants, log, retention
    from archives.ownership.demo import load as load_ownership  # R-ARC-08 … 12

    # Access first: it opens the closed archives that ownership's sweep then gives periods to.
    created += access_demo.load()
    return created + load_ownership()


def _person(index, person, mobile, grades, regions, garden, homes):
    _name, _gender, consultant, _source, status, grade, _occupation, _agent = person
    owner = crm_demo.user(consultant) if consultant else None
    registrar = owner or crm_demo.user("zhoumin")
    opened = _when(120 - index * 4)
    # The archive's own story at its own dates (its history page reads like the weeks it took);
    # deals and move-ins, which start follow-ups, are recorded today as the visits demo expects.
    with crm_demo.clock(opened):
        customer = _register_person(
            index, person, mobile, grades, regions, garden, opened, owner, registrar
        )
    with crm_demo.clock(opened + dt.timedelta(days=1, hours=3)):
        _fill_profile(customer, index, registrar, grade)
    _walk_status(customer, status, registrar, opened, homes, index)


def _register_person(index, person, mobile, grades, regions, garden, opened, owner, registrar):
    name, gender, _consultant, source, _status, grade, occupation, agent = person
    return services.register_customer(
        by=registrar,
        name=name,
        source=source,
        agent_name=agent,
        phones=[(PhoneKind.MOBILE, mobile)],
        owner=owner,
        project=garden,
        gender=gender,
        occupation=occupation,
        grade=grades.get(grade),
        region=regions[index % len(regions)],
        category=Category.BUYER,
        address=f"西安市雁塔区小寨东路{10 + index}号",
        created_at=opened,
        is_important=grade == "A" and index % 2 == 0,
    )


def _fill_profile(customer, index, registrar, grade):
    name = customer.name
    answers = {key: values[index % len(values)] for key, values in PROFILE_ANSWERS.items()}
    if index % 3:
        answers = dict(list(answers.items())[: 3 + index % 5])
    services.save_profile(customer=customer, by=registrar, answers=answers)
    if index % 2 == 0:
        services.save_family_member(
            customer=customer,
            by=registrar,
            relation="spouse",
            name=SPOUSES[index % len(SPOUSES)],
            birthday_is_lunar=True,
            lunar_birth_month=(index % 12) + 1,
            lunar_birth_day=(index * 3) % 28 + 1,
            interests="书法、太极" if index % 4 == 0 else "旅游",
            education="本科",
        )
        services.save_family_member(
            customer=customer,
            by=registrar,
            relation="child",
            name=name[:1] + "小" + "宝",
            birth_date=dt.date(2014 + index % 8, (index % 12) + 1, (index % 27) + 1),
            work_or_school="西安高新第一小学",
            interests="钢琴",
        )
    if grade == "A":
        _attach(customer, registrar, AttachmentKind.ID_CARD, Secrecy.SECRET)
    if index % 3 == 0:
        customer.birthday_is_lunar = False
        services.update_customer(
            customer=customer,
            by=registrar,
            changes={"birth_date": dt.date(1975 + index, (index % 12) + 1, (index % 27) + 1)},
        )


def _walk_status(customer, status, by, opened, homes, index):
    if status == Status.LEAD:
        return
    interested = opened + dt.timedelta(days=3)
    with crm_demo.clock(interested):
        services.change_status(
            customer=customer, to=Status.INTENT, reason="有联系方式且有购买意向", by=by
        )
    if status == Status.INTENT:
        return
    if status == Status.LOST:
        with crm_demo.clock(opened + dt.timedelta(days=20)):
            services.change_status(
                customer=customer, to=Status.LOST, reason="预算不足，已购买其他楼盘", by=by
            )
        return
    unit = homes[index * 3 % len(homes)]
    signed = (opened + dt.timedelta(days=25)).date()
    services.record_deal(
        customer=customer,
        by=by,
        unit=unit,
        signed_on=signed,
        amount=Decimal(unit.area or 100) * Decimal("13800"),
    )
    services.move_in(
        customer=customer,
        unit=unit,
        role=OccupancyRole.OWNER,
        moved_in=signed + dt.timedelta(days=30),
        by=crm_demo.user("zhoumin"),
    )
    if status == Status.MOVED_OUT:
        occupancy = customer.occupancies.get()
        services.move_out(
            occupancy=occupancy,
            moved_out=signed + dt.timedelta(days=60),
            by=by,
            reason="房屋出售，全家迁往外地",
        )


def _company(index, company, phone, centre, shops):
    name, category, legal, consultant, secrecy = company
    owner = crm_demo.user(consultant)
    registered = _when(200 - index * 10)
    with crm_demo.clock(registered):  # registered with its papers on its own day
        customer = services.register_customer(
            by=owner,
            name=name,
            kind=CustomerKind.COMPANY,
            category=category,
            source=Source.SELF_DEVELOPED,
            phones=[(PhoneKind.OFFICE, phone)],
            owner=owner,
            project=centre,
            legal_representative=legal,
            secrecy=secrecy,
            registered_capital=Decimal(500 + index * 750),
            business_scope="详见营业执照",
            credit_rating="AA" if index % 2 else "A",
            credit_limit=Decimal(200000 + index * 100000),
            trade_terms="月结30天",
            postcode="710065",
            created_at=registered,
        )
        _attach(customer, owner, AttachmentKind.BUSINESS_LICENCE, Secrecy.PUBLIC)
        if secrecy != Secrecy.PUBLIC:  # the bank's and the builder's papers keep their level
            _attach(customer, owner, AttachmentKind.TAX_REGISTRATION, secrecy)
    CompanyRecord.objects.create(
        customer=customer,
        kind=CompanyRecord.Kind.PERFORMANCE,
        date=dt.date(2025, 12, 31),
        title="2025年度经营业绩",
        amount=Decimal(1200 + index * 300),
        recorded_by=owner,
    )
    if category == Category.MERCHANT:
        services.change_status(
            customer=customer, to=Status.WON, reason="签订商铺租赁合同", by=owner
        )
        services.move_in(
            customer=customer,
            unit=shops[0],
            role=OccupancyRole.TENANT,
            moved_in=timezone.localdate() - dt.timedelta(days=90),
            by=crm_demo.user("qianhui"),
        )


# Sample copies: drawn here, marked SAMPLE, so that the demo's archives have attachments to
# list, download and hide by level without shipping anyone's real papers.
FILES = {
    AttachmentKind.ID_CARD: ("身份证复印件.png", "PNG", (480, 300), (37, 99, 235)),
    AttachmentKind.BUSINESS_LICENCE: ("营业执照副本.pdf", "PDF", (420, 594), (185, 28, 28)),
    AttachmentKind.TAX_REGISTRATION: ("税务登记证.pdf", "PDF", (420, 594), (21, 128, 61)),
}


def sample_copy(kind: str, number: str) -> ContentFile:
    """A drawn stand-in for a scanned paper: border, title band, photo box, ruled lines."""
    name, image_format, size, colour = FILES[kind]
    width, height = size
    image = Image.new("RGB", size, (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle([6, 6, width - 7, height - 7], outline=colour, width=4)
    draw.rectangle([6, 6, width - 7, 52], fill=colour)
    font = ImageFont.load_default(size=18)
    with translation.override("en"):  # the bitmap font has no Chinese
        title = f"SAMPLE - {AttachmentKind(kind).label}"
    draw.text((20, 18), title, fill="white", font=font)
    draw.rectangle([width - 130, 72, width - 30, 192], outline=(120, 120, 120), width=2)
    for row in range(8):
        top = 80 + row * 28
        if top > height - 60:
            break
        draw.line([30, top, width - 150 if top < 200 else width - 30, top], fill=(190, 190, 190))
    draw.text((30, height - 44), f"Snowball CRM demo - {number}", fill=colour, font=font)
    return crm_demo.drawn_file(image, name, image_format)


def _attach(customer, by, kind: str, secrecy: str) -> None:
    attachment = services.upload_attachment(
        customer=customer,
        by=by,
        kind=kind,
        file=sample_copy(kind, customer.number),
        secrecy=secrecy,
        description="演示用样张",
    )
    # The field's default took the real clock, not the demo's.
    Attachment.objects.filter(pk=attachment.pk).update(uploaded_at=timezone.now())


# Owners who moved in long before the sales demo's buyers; the gas-billing demo bills them for
# months. They are made here, before any other app's demo, so each loader sees every customer
# on its first run and a second run changes nothing.
LONG_STANDING = [
    ("张建华", "1栋-302"),
    ("李淑芬", "1栋-602"),
    ("赵国强", "2栋-301"),
    ("孙美玲", "2栋-902"),
    ("钱文博", "3栋-501"),
    ("黄秀英", "3栋-1102"),
]
HEALTH_STATION_PHONE = "+862988357710"


def long_standing_phone(index: int) -> str:
    return f"+86137291860{index:02d}"


def _long_standing(garden) -> int:
    front_desk = crm_demo.user("zhoumin")
    units = list(
        Unit.objects.with_location().filter(floor__building__project=garden, use="residential")
    )
    created = 0
    for index, (name, label) in enumerate(LONG_STANDING):
        if CustomerPhone.objects.filter(number=long_standing_phone(index)).exists():
            continue
        taken = set(Occupancy.objects.current().values_list("unit_id", flat=True))
        unit = next((u for u in units if u.short_label == label and u.pk not in taken), None)
        unit = unit or next(u for u in units if u.pk not in taken)
        customer = services.register_customer(
            by=front_desk,
            name=name,
            source=Source.REFERRAL,
            phones=[(PhoneKind.MOBILE, long_standing_phone(index))],
            project=garden,
            category=Category.BUYER,
            created_at=timezone.now() - dt.timedelta(days=700),
        )
        services.change_status(
            customer=customer, to=Status.WON, reason="老业主，二期交房", by=front_desk
        )
        services.move_in(
            customer=customer,
            unit=unit,
            role=OccupancyRole.OWNER,
            moved_in=dt.date(2024, 3 + index, 8),
            by=front_desk,
        )
        created += 1
    if not CustomerPhone.objects.filter(number=HEALTH_STATION_PHONE).exists():
        services.register_customer(
            by=front_desk,
            name="锦绣社区卫生服务站",
            kind=CustomerKind.COMPANY,
            source=Source.SELF_DEVELOPED,
            phones=[(PhoneKind.OFFICE, HEALTH_STATION_PHONE)],
            project=garden,
            category=Category.TENANT,
            legal_representative="韩立新",
            address="丈八东路88号锦绣华庭南门",
        )
        created += 1
    return created
