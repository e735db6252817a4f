"""Demo data of the shared core: the company, departments, staff of every role, two projects.

Every loader is idempotent (rows are found by natural keys and created only when missing), so
`make run` can call it on every start. Other apps' demo modules build on these rows.
"""

from __future__ import annotations

import datetime as dt
import io
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from crm.models import Building, Company, Department, Floor, Project, Unit, UnitUse, User
from crm.roles import Role

DEMO_PASSWORD = "Snowball-2026"


@contextmanager
def clock(moment: dt.datetime):
    """Run services as if it were `moment` (never later than now), so that a demo story's
    history rows, notifications and stamps carry the story's own dates. Only for demo
    loaders: the services read timezone.now() and have no clock of their own to pass."""
    moment = min(moment, timezone.now())
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


# What an upload's file type checker would find in each drawn format.
DRAWN_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "PDF": "application/pdf"}


def drawn_file(image, name: str, image_format: str, **options) -> ContentFile:
    """A Pillow drawing as an uploaded file, for demo attachments and photos (`options` go to
    Image.save, e.g. quality)."""
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    upload = ContentFile(buffer.getvalue(), name=name)
    upload.detected_type = DRAWN_TYPES[image_format]
    return upload


DEPARTMENTS = [
    ("executive", "总经理办公室"),
    ("sales", "销售部"),
    ("customer_service", "客服部"),
    ("engineering", "工程部"),
    ("property", "物业部"),
    ("finance", "财务部"),
    ("general_services", "综合服务部"),
]

# username, name, department, roles, heads the department
STAFF = [
    ("wangjianguo", "王建国", "executive", [Role.GENERAL_MANAGER], True),
    ("liuyang", "刘洋", "sales", [Role.SALES_MANAGER], True),
    ("zhangwei", "张伟", "sales", [Role.SALES_CONSULTANT], False),
    ("lina", "李娜", "sales", [Role.SALES_CONSULTANT], False),
    ("chenjing", "陈静", "sales", [Role.SALES_CONSULTANT], False),
    ("zhaolei", "赵磊", "sales", [Role.SALES_CONSULTANT], False),
    ("sunli", "孙丽", "general_services", [Role.ARCHIVE_KEEPER], True),
    ("zhoumin", "周敏", "property", [Role.FRONT_DESK], False),
    ("qianhui", "钱慧", "property", [Role.FRONT_DESK], True),
    ("wufang", "吴芳", "customer_service", [Role.CUSTOMER_SERVICE], True),
    ("zhengqiang", "郑强", "customer_service", [Role.CUSTOMER_SERVICE], False),
    ("huangtao", "黄涛", "engineering", [Role.ENGINEERING_SUPERVISOR], True),
    ("majun", "马军", "engineering", [Role.TECHNICIAN], False),
    ("xuliang", "徐亮", "engineering", [Role.TECHNICIAN], False),
    ("heping", "何平", "property", [Role.METER_READER], False),
    ("gaoyan", "高燕", "finance", [Role.CASHIER], False),
    ("linxia", "林霞", "finance", [Role.FINANCE], True),
]

MOBILES = {
    "wangjianguo": "+8613909180001",
    "liuyang": "+8613909180002",
    "zhangwei": "+8613909180003",
    "lina": "+8613909180004",
    "chenjing": "+8613909180005",
    "zhaolei": "+8613909180006",
    "huangtao": "+8613909180012",
}


def company() -> Company:
    return Company.objects.get(name="雪球置业集团有限公司")


def user(username: str) -> User:
    return User.objects.get(username=username)


def project(code: str) -> Project:
    return Project.objects.get(code=code)


def demo_logins() -> list[tuple[str, str, str]]:
    labels = dict(Role.choices)
    rows = [("admin", "系统管理员", "superuser")]
    rows += [
        (u, name, ", ".join(str(labels[r]) for r in roles)) for u, name, _d, roles, _h in STAFF
    ]
    return rows


def load() -> int:
    created = 0
    the_company, new = Company.objects.get_or_create(
        name="雪球置业集团有限公司",
        defaults={
            "short_name": "雪球置业",
            "address": "陕西省西安市高新区锦业路1号",
            "phone": "029-88886666",
        },
    )
    created += new
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], new = Department.objects.get_or_create(
            company=the_company, code=code, defaults={"name": name}
        )
        created += new
    created += _staff(departments)
    created += _admin()
    created += _projects(the_company)
    return created


def _staff(departments) -> int:
    created = 0
    for username, name, department_code, roles, heads in STAFF:
        person = User.objects.filter(username=username).first()
        if person is None:
            person = User(
                username=username,
                name=name,
                department=departments[department_code],
                mobile=MOBILES.get(username, ""),
                email=f"{username}@snowball.example",
            )
            person.set_password(DEMO_PASSWORD)
            person.save()
            person.groups.set(Group.objects.filter(name__in=roles))
            created += 1
        department = departments[department_code]
        if heads and department.head_id is None:
            department.head = person
            department.save(update_fields=["head"])
    return created


def _admin() -> int:
    if User.objects.filter(username="admin").exists():
        return 0
    User.objects.create_superuser(
        "admin", "admin@snowball.example", DEMO_PASSWORD, name="系统管理员"
    )
    return 1


def _projects(the_company) -> int:
    created = 0
    garden, new = Project.objects.get_or_create(
        code="jinxiu",
        defaults={
            "company": the_company,
            "name": "雪球·锦绣华庭",
            "kind": "residential",
            "city": "西安市",
            "district": "雁塔区",
            "address": "丈八东路88号",
        },
    )
    created += new
    if new:
        created += _residential_buildings(garden)
    centre, new = Project.objects.get_or_create(
        code="binjiang",
        defaults={
            "company": the_company,
            "name": "雪球·滨江中心",
            "kind": "commercial",
            "city": "西安市",
            "district": "未央区",
            "address": "凤城八路168号",
        },
    )
    created += new
    if new:
        created += _commercial_building(centre)
    return created


def _residential_buildings(garden) -> int:
    units = []
    for order, name in enumerate(["1栋", "2栋", "3栋"], start=1):
        building = Building.objects.create(project=garden, name=name, sort_order=order)
        for number in range(1, 13):
            floor = Floor.objects.create(building=building, number=number)
            units += [
                Unit(
                    floor=floor,
                    number=f"{number}01",
                    area=Decimal("128.56"),
                    layout="三室两厅",
                    use=UnitUse.RESIDENTIAL,
                ),
                Unit(
                    floor=floor,
                    number=f"{number}02",
                    area=Decimal("89.20"),
                    layout="两室两厅",
                    use=UnitUse.RESIDENTIAL,
                ),
            ]
    lobby_floor = Floor.objects.create(
        building=Building.objects.get(project=garden, name="1栋"), number=-1
    )
    units.append(Unit(floor=lobby_floor, number="地下车库", use=UnitUse.PUBLIC))
    Unit.objects.bulk_create(units)
    return len(units)


def _commercial_building(centre) -> int:
    tower = Building.objects.create(project=centre, name="A座", sort_order=1)
    units = []
    for number in range(1, 11):
        floor = Floor.objects.create(building=tower, number=number)
        if number == 1:
            units.append(Unit(floor=floor, number="大堂", use=UnitUse.PUBLIC))
        shops = number <= 2
        for door in range(1, 5 if shops else 4):
            units.append(
                Unit(
                    floor=floor,
                    number=f"{number}{door:02d}",
                    area=Decimal("56.00") if shops else Decimal("210.00"),
                    layout="临街商铺" if shops else "写字楼",
                    use=UnitUse.COMMERCIAL,
                )
            )
    Unit.objects.bulk_create(units)
    return len(units)
