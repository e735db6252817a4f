"""Seeds the ownership rules' defaults (editable in the admin): a protection period of 30 days
with a warning 5 days before, a longer one for grade A, the table of complementary industries
(交叉合作, §1), and an owner period for every archive that already exists."""

from django.db import migrations
from django.db.models import Exists, OuterRef

# (industry A, occupations A, industry B, occupations B, what they could do together)
PAIRS = [
    ("金融", "银行,会计,财务,保险", "", "企业主,个体经营,商户,老板", "融资、结算与财务服务"),
    ("", "律师,法务", "", "企业主,个体经营,商户,老板", "法律顾问与合同审查"),
    ("建筑工程", "建筑师,设计师,工程师", "房地产", "企业主,个体经营", "装修设计、店面与厂房改造"),
    ("信息技术", "软件工程师,程序员", "", "企业主,个体经营,商户", "信息化系统与网店建设"),
    ("", "主播,记者,广告", "餐饮零售", "企业主,个体经营,商户", "宣传推广与直播带货"),
    ("医疗卫生", "医生,护士,药剂师", "教育", "教师,老师", "健康讲座进校园"),
]


def seed(apps, schema_editor):
    ProtectionRule = apps.get_model("archives", "ProtectionRule")
    Grade = apps.get_model("archives", "Grade")
    Classification = apps.get_model("archives", "Classification")
    CooperationPair = apps.get_model("archives", "CooperationPair")
    if not ProtectionRule.objects.filter(project=None, grade=None).exists():
        ProtectionRule.objects.create(days=30, warn_days=5)
    grade_a = Grade.objects.filter(code="A").first()
    if grade_a and not ProtectionRule.objects.filter(project=None, grade=grade_a).exists():
        ProtectionRule.objects.create(grade=grade_a, days=45, warn_days=7)
    industries = {c.name: c for c in Classification.objects.filter(dimension="industry")}
    if not CooperationPair.objects.exists():
        for industry_a, keywords_a, industry_b, keywords_b, reason in PAIRS:
            CooperationPair.objects.create(
                industry_a=industries.get(industry_a),
                keywords_a=keywords_a,
                industry_b=industries.get(industry_b),
                keywords_b=keywords_b,
                reason=reason,
            )
    _periods(apps)


def _periods(apps):
    Customer = apps.get_model("archives", "Customer")
    OwnerPeriod = apps.get_model("archives", "OwnerPeriod")
    open_period = OwnerPeriod.objects.filter(customer=OuterRef("pk"), ended_at__isnull=True)
    missing = Customer.objects.filter(~Exists(open_period)).values_list(
        "pk", "owner_id", "created_at"
    )
    OwnerPeriod.objects.bulk_create(
        [
            OwnerPeriod(
                customer_id=pk, owner_id=owner_id, started_at=created, start_rule="recorded"
            )
            for pk, owner_id, created in missing.iterator()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("archives", "0007_ownership")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
