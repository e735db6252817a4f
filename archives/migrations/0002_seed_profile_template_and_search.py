"""Seeds the default profile template of §1 (42 items, six sections), the grades and the
classification lists; on PostgreSQL adds the trigram index behind pinyin search (R-ARC-15).
"""

from django.db import migrations

SECTIONS = [
    (
        "basic",
        "基本信息",
        "Basic information",
        [
            (1, "gender", "field", "性别", "Gender", "", "", "gender", []),
            (2, "address", "field", "通讯地址", "Postal address", "", "", "address", []),
            (
                3,
                "employer",
                "field",
                "公司名称及地址",
                "Company name and address",
                "",
                "",
                "employer",
                [],
            ),
            (4, "office_phone", "field", "办公电话", "Office phone", "", "", "phone:office", []),
            (5, "home_phone", "field", "家庭电话", "Home phone", "", "", "phone:home", []),
            (6, "mobile", "field", "移动电话", "Mobile", "", "", "phone:mobile", []),
            (7, "native_place", "text", "籍贯", "Native place", "", "", "", []),
            (
                8,
                "education",
                "text",
                "教育背景",
                "Education",
                "最高学历及毕业学校，是否在意学位",
                "Highest degree and school; does the degree matter to them",
                "",
                [],
            ),
        ],
    ),
    (
        "family",
        "家庭信息",
        "Family",
        [
            (
                9,
                "family_situation",
                "long_text",
                "家庭状况",
                "Family situation",
                "收入，关系是否融洽",
                "Income; are relations harmonious",
                "",
                [],
            ),
            (
                10,
                "marital_status",
                "choice",
                "婚姻状况",
                "Marital status",
                "",
                "",
                "",
                [
                    ("single", "未婚", "Single"),
                    ("married", "已婚", "Married"),
                    ("divorced", "离异", "Divorced"),
                    ("widowed", "丧偶", "Widowed"),
                ],
            ),
            (
                11,
                "spouse",
                "family",
                "配偶信息",
                "Spouse",
                "电话、工作单位",
                "Phone, employer",
                "spouse",
                [],
            ),
            (
                12,
                "spouse_education",
                "field",
                "配偶教育背景",
                "Spouse's education",
                "",
                "",
                "family:spouse:education",
                [],
            ),
            (
                13,
                "spouse_interests",
                "field",
                "配偶兴趣",
                "Spouse's interests",
                "",
                "",
                "family:spouse:interests",
                [],
            ),
            (
                14,
                "parents",
                "family",
                "父母状况",
                "Parents",
                "年龄、健康、兴趣",
                "Age, health, interests",
                "father,mother",
                [],
            ),
            (
                15,
                "children",
                "family",
                "子女状况",
                "Children",
                "出生日期、兴趣、就读学校",
                "Date of birth, interests, school",
                "child",
                [],
            ),
            (
                16,
                "closest_person",
                "text",
                "家庭中最亲密的人",
                "Closest family member",
                "",
                "",
                "",
                [],
            ),
        ],
    ),
    (
        "life",
        "个人生活、安全信息",
        "Personal life and safety",
        [
            (
                17,
                "dining_place",
                "text",
                "最偏好的就餐地点",
                "Favourite place to eat",
                "午餐、晚餐喜欢什么地方就餐，餐馆档次",
                "Where they like lunch and dinner; class of restaurant",
                "",
                [],
            ),
            (
                18,
                "shopping_place",
                "text",
                "偏爱购物场所",
                "Favourite shopping place",
                "",
                "",
                "",
                [],
            ),
            (
                19,
                "cuisine",
                "text",
                "最偏爱的菜式",
                "Favourite cuisine",
                "中餐或西餐，川菜或粤菜",
                "Chinese or Western; Sichuan or Cantonese",
                "",
                [],
            ),
            (
                20,
                "drinking",
                "text",
                "饮酒",
                "Drinking",
                "饮酒否，饮什么酒；如不饮酒，是否反对别人饮酒",
                "Do they drink, what; if not, do they mind others drinking",
                "",
                [],
            ),
            (
                21,
                "smoking",
                "text",
                "抽烟",
                "Smoking",
                "是否抽烟，抽什么烟；如不抽烟，是否反对别人抽烟",
                "Do they smoke, what; if not, do they mind others smoking",
                "",
                [],
            ),
            (
                22,
                "health",
                "text",
                "健康状况",
                "Health",
                "病历及目前身体状况",
                "Medical history and present condition",
                "",
                [],
            ),
            (23, "travel", "text", "远行交通工具", "How they travel far", "", "", "", []),
            (
                24,
                "organisations",
                "text",
                "所属的社会组织",
                "Social organisations",
                "例如台商协会会员等",
                "e.g. member of a business association",
                "",
                [],
            ),
            (
                25,
                "sociability",
                "choice",
                "社交热衷程度",
                "How sociable",
                "",
                "",
                "",
                [
                    ("keen", "很热衷", "Very keen"),
                    ("average", "一般", "Average"),
                    ("reserved", "不热衷", "Not keen"),
                ],
            ),
        ],
    ),
    (
        "property",
        "个人房产状况",
        "Property situation",
        [
            (
                26,
                "current_housing",
                "long_text",
                "现居住状况",
                "Current housing",
                "包括现居住在何社区、何时置业此社区、是否已升值、对目前居住条件是否满意及原因",
                "Which community, since when, has it gained value, are they satisfied and why",
                "",
                [],
            ),
            (
                27,
                "property_investment",
                "long_text",
                "现房产投资状况",
                "Property investments",
                "是否有商业投资、在何地段、是旺铺还是稳定收益型或不良投资；是否有下一步投资房产的打算",
                "Commercial investments, where, prime or steady-yield or poor; plans to invest further",
                "",
                [],
            ),
            (
                28,
                "ideal_housing",
                "multiple",
                "理想居住状况：购房时最关注的方面",
                "Ideal housing: what matters most when buying",
                "可根据具体情况补充",
                "Add to it as you learn more",
                "",
                [
                    ("a", "社区规划", "Community planning"),
                    ("b", "户型设计", "Floor plan design"),
                    (
                        "c",
                        "周边配套要求（学校、医院、商场等）",
                        "Nearby amenities (schools, hospitals, shops)",
                    ),
                    ("d", "社区配套方面", "Community facilities"),
                    ("e", "绿化景观方面", "Greenery and landscape"),
                    ("f", "产品品质感方面", "Sense of product quality"),
                    ("g", "品牌及发展商实力", "Brand and developer strength"),
                ],
            ),
            (29, "purchase_reason", "text", "由于何种原因而购房", "Why they buy", "", "", "", []),
            (
                30,
                "purchase_details",
                "long_text",
                "在我处购买物业的具体情况",
                "What they bought from us",
                "户型、面积，为谁买等",
                "Layout, area, for whom",
                "",
                [],
            ),
            (
                31,
                "knows_developer",
                "text",
                "对本公司房产的了解",
                "What they know of our developments",
                "",
                "",
                "",
                [],
            ),
            (
                32,
                "neighbours_matter",
                "choice",
                "对小区其他业主的素质是否在意",
                "Do the other owners' standing matter to them",
                "",
                "",
                "",
                [("yes", "在意", "Yes"), ("somewhat", "一般", "Somewhat"), ("no", "不在意", "No")],
            ),
        ],
    ),
    (
        "standing",
        "受社会尊重信息",
        "Social standing",
        [
            (33, "position", "text", "职位", "Position", "", "", "", []),
            (34, "car_brand", "text", "汽车品牌", "Car brand", "", "", "", []),
            (35, "car_plate", "text", "车牌号", "Number plate", "", "", "", []),
            (36, "dress", "text", "服饰讲究", "Dress", "", "", "", []),
            (
                37,
                "information_sources",
                "text",
                "信息主要来源",
                "Main sources of information",
                "",
                "",
                "",
                [],
            ),
            (38, "admires", "text", "最佩服的人", "Person they admire most", "", "", "", []),
        ],
    ),
    (
        "values",
        "自我认同价值",
        "Self-identity and values",
        [
            (
                39,
                "career_goals",
                "long_text",
                "事业目标",
                "Career goals",
                "长期、短期",
                "Long and short term",
                "",
                [],
            ),
            (
                40,
                "personal_goals",
                "long_text",
                "个人目标",
                "Personal goals",
                "长期、短期",
                "Long and short term",
                "",
                [],
            ),
            (
                41,
                "proudest",
                "text",
                "自认为最得意的事",
                "What they are proudest of",
                "",
                "",
                "",
                [],
            ),
            (
                42,
                "independence",
                "text",
                "主见",
                "Independence of mind",
                "是不是有主见的人，对外来意见接受程度",
                "Do they have their own mind; how open to others' views",
                "",
                [],
            ),
        ],
    ),
]

GRADES = [
    ("A", "重点客户", "意向明确、预算充足，或已成交并有再次购买或转介绍能力"),
    ("B", "意向客户", "有明确需求和联系方式，正在比较，需定期跟进"),
    ("C", "一般客户", "有一定兴趣，需求或预算尚不明确"),
    ("D", "储备客户", "暂无购买/租赁计划，保持联系即可"),
]

CLASSIFICATIONS = {
    "industry": [
        "房地产",
        "金融",
        "制造业",
        "信息技术",
        "教育",
        "医疗卫生",
        "餐饮零售",
        "政府机关",
        "建筑工程",
        "其他",
    ],
    "nature": ["国有企业", "民营企业", "外资企业", "事业单位", "个体工商户", "个人"],
    "region": [
        "雁塔区",
        "未央区",
        "碑林区",
        "莲湖区",
        "新城区",
        "长安区",
        "高新区",
        "西安市外",
        "陕西省外",
    ],
    "customer_type": ["首次置业", "改善置业", "投资客", "商户租赁", "企业客户", "合作伙伴"],
}


def seed(apps, schema_editor):
    ProfileTemplate = apps.get_model("archives", "ProfileTemplate")
    ProfileSection = apps.get_model("archives", "ProfileSection")
    ProfileItem = apps.get_model("archives", "ProfileItem")
    Grade = apps.get_model("archives", "Grade")
    Classification = apps.get_model("archives", "Classification")
    template = ProfileTemplate.objects.create(name="客户信息档案（参考模版）")
    for order, (key, title_zh, title_en, items) in enumerate(SECTIONS, start=1):
        section = ProfileSection.objects.create(
            template=template, key=key, title_zh=title_zh, title_en=title_en, sort_order=order
        )
        for number, item_key, kind, zh, en, note_zh, note_en, binding, choices in items:
            ProfileItem.objects.create(
                section=section,
                key=item_key,
                number=number,
                kind=kind,
                label_zh=zh,
                label_en=en,
                note_zh=note_zh,
                note_en=note_en,
                binding=binding,
                choices=[{"key": k, "zh": z, "en": e} for k, z, e in choices],
                sort_order=number,
            )
    for order, (code, name, criteria) in enumerate(GRADES):
        Grade.objects.create(code=code, name=name, criteria=criteria, sort_order=order)
    for dimension, names in CLASSIFICATIONS.items():
        for order, name in enumerate(names):
            Classification.objects.create(dimension=dimension, name=name, sort_order=order)


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans; its scale does not need an index
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_search_trgm ON archives_customer "
        "USING gin (search_keys gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_number_trgm ON archives_customer "
        "USING gin (number gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_search_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS customer_number_trgm")


class Migration(migrations.Migration):
    dependencies = [("archives", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
