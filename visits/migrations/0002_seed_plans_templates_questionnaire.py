"""Seeds the company's default follow-up plans (§2 第16条, §13, §15), the greeting texts of
each occasion (§1 九大战术 4, 9) and a satisfaction questionnaire (§1 九大战术 6).

All of it is data that administrators edit in the admin afterwards; this migration only
creates what is missing, so it never overwrites their changes.
"""

from django.db import migrations

# trigger, name_zh, name_en, active, steps: (days, caller, channel, window, zh, en)
PLANS = [
    (
        "deal_won",
        "成交客户回访计划",
        "Buyers' follow-ups",
        True,
        [
            (
                3,
                "owner",
                "phone",
                0,
                "致电感谢购买，了解网签、按揭等后续手续进展，解答疑问",
                "Thank them for buying; check contract registration and mortgage; answer questions",
            ),
            (
                15,
                "specialist",
                "phone",
                0,
                "客服专员第一次回访：了解对购房流程和服务的感受，介绍业主服务",
                "Customer service, first call: how they found the purchase; introduce owner services",
            ),
            (
                30,
                "owner",
                "phone",
                0,
                "第二次回访：询问客户意见，跟进交房、办证进度",
                "Second call: ask for their opinion; follow up handover and certificates",
            ),
            (
                30,
                "specialist",
                "phone",
                0,
                "客服专员第二次回访：收集意见和建议，排除客户异议",
                "Customer service, second call: collect opinions and resolve objections",
            ),
            (
                60,
                "owner",
                "visit",
                0,
                "第三次回访（上门）：了解使用感受，请其推荐亲友（老带新）",
                "Third follow-up, a visit: how they find the home; ask for referrals",
            ),
            (
                60,
                "specialist",
                "phone",
                0,
                "客服专员第三次回访：了解满意度，处理遗留问题",
                "Customer service, third call: satisfaction and any open issues",
            ),
        ],
    ),
    (
        "event_not_bought",
        "参加活动未购买客户回访计划",
        "Event guests who did not buy",
        True,
        [
            (
                3,
                "owner",
                "phone",
                0,
                "感谢参加活动，密切联系，了解未购买的原因和顾虑",
                "Thank them for coming; keep in touch; learn why they did not buy",
            ),
            (
                15,
                "owner",
                "phone",
                0,
                "介绍产品和服务、最新优惠，邀约再次看房",
                "Present products, services and offers; invite them to visit again",
            ),
        ],
    ),
    (
        "move_in",
        "新入住业主回访计划",
        "New residents",
        True,
        [
            (
                30,
                "customer_service",
                "phone",
                25,
                "入住一个月内回访：获取客户对物业公司的评价，了解入住中的问题",
                "Within a month of moving in: their view of the property management, any problems",
            ),
        ],
    ),
    (
        "complaint_closed",
        "投诉处理后回访",
        "After a complaint is closed",
        True,
        [
            (
                3,
                "owner",
                "phone",
                0,
                "回访投诉处理结果：问题是否已解决，对处理是否满意",
                "Call back on the complaint: is it solved, are they satisfied with how it was handled",
            ),
        ],
    ),
    (
        "commitment_fulfilled",
        "承诺兑现后回访",
        "After a commitment is fulfilled",
        True,
        [
            (
                1,
                "owner",
                "phone",
                0,
                "确认对客户的承诺已落实，了解客户的满意程度",
                "Confirm the promise was kept and ask how satisfied they are",
            ),
        ],
    ),
    (
        "visit",
        "来访客户回访计划",
        "After a visit",
        False,
        [
            (
                1,
                "owner",
                "phone",
                0,
                "感谢来访，了解意向和顾虑，邀约再次到访",
                "Thank them for visiting; learn their intent and concerns; invite them back",
            ),
        ],
    ),
]

FESTIVAL_HINT = "节日问候：{festival}，电话问候{title}及家人"

TEMPLATES = [
    (
        "birthday",
        "尊敬的{title}：今天是您的生日，{company}祝您生日快乐，身体健康，万事如意！",
        "生日问候：祝{title}生日快乐；重要客户可安排送花或蛋糕",
        True,
    ),
    (
        "family_birthday",
        "尊敬的{title}：今天是您{relation}{member}的生日，{company}祝{member}生日快乐，阖家幸福！",
        "家人生日问候：{title}的{relation}{member}今天过生日",
        True,
    ),
    (
        "spring",
        "尊敬的{title}：新春佳节，{company}给您拜年了！祝您和家人新年快乐，阖家幸福，万事如意！",
        FESTIVAL_HINT,
        True,
    ),
    (
        "lantern",
        "尊敬的{title}：元宵佳节，{company}祝您和家人团团圆圆，幸福美满！",
        FESTIVAL_HINT,
        True,
    ),
    (
        "dragon_boat",
        "尊敬的{title}：端午安康！{company}祝您和家人身体健康，诸事顺遂。",
        FESTIVAL_HINT,
        True,
    ),
    ("qixi", "尊敬的{title}：七夕快乐！{company}祝您和家人幸福美满。", FESTIVAL_HINT, False),
    (
        "mid_autumn",
        "尊敬的{title}：月圆中秋，{company}祝您和家人中秋快乐，花好月圆，阖家幸福！",
        FESTIVAL_HINT,
        True,
    ),
    (
        "double_ninth",
        "尊敬的{title}：重阳佳节，{company}祝您和家中长辈健康长寿，幸福安康！",
        FESTIVAL_HINT,
        True,
    ),
    (
        "new_year",
        "尊敬的{title}：元旦快乐！{company}感谢您一直以来的支持，祝您新年万事如意！",
        FESTIVAL_HINT,
        True,
    ),
    ("labour", "尊敬的{title}：劳动节快乐！{company}祝您假期愉快，身体健康！", FESTIVAL_HINT, True),
    ("national", "尊敬的{title}：国庆快乐！{company}祝您假期愉快，阖家幸福！", FESTIVAL_HINT, True),
]

QUESTIONS = [
    ("对楼盘规划与产品品质的满意程度", "Planning and quality of the development", "score"),
    ("对置业顾问服务的满意程度", "Service of your sales consultant", "score"),
    ("对签约、按揭等手续办理的满意程度", "Contract, mortgage and other procedures", "score"),
    ("对物业服务的满意程度", "Property management service", "score"),
    ("对社区环境与配套设施的满意程度", "Community environment and facilities", "score"),
    ("您的意见和建议", "Your opinions and suggestions", "text"),
]

INTRO_ZH = (
    "尊敬的客户：您好！为了不断提高楼盘品质和服务水平，诚邀您对以下各项作出评价"
    "（5分为非常满意，1分为非常不满意），填写后寄回或交至售楼处。感谢您的支持！"
)
INTRO_EN = (
    "Dear customer, to keep improving our homes and our service, please score each item "
    "below (5 very satisfied, 1 very dissatisfied) and return this letter to the sales office. "
    "Thank you for your support."
)


def seed(apps, schema_editor):
    Plan = apps.get_model("visits", "FollowUpPlan")
    Step = apps.get_model("visits", "FollowUpStep")
    for trigger, name_zh, name_en, active, steps in PLANS:
        if Plan.objects.filter(project__isnull=True, trigger=trigger).exists():
            continue
        plan = Plan.objects.create(
            trigger=trigger, name_zh=name_zh, name_en=name_en, is_active=active
        )
        Step.objects.bulk_create(
            Step(
                plan=plan,
                offset_days=days,
                caller=caller,
                channel=channel,
                window_days=window,
                question_zh=zh,
                question_en=en,
            )
            for days, caller, channel, window, zh, en in steps
        )
    Template = apps.get_model("visits", "GreetingTemplate")
    for occasion, text, hint, active in TEMPLATES:
        Template.objects.get_or_create(
            occasion=occasion, defaults={"sms_text": text, "call_hint": hint, "is_active": active}
        )
    Questionnaire = apps.get_model("visits", "Questionnaire")
    Question = apps.get_model("visits", "Question")
    if not Questionnaire.objects.exists():
        questionnaire = Questionnaire.objects.create(
            title_zh="客户满意度调查表",
            title_en="Customer satisfaction survey",
            intro_zh=INTRO_ZH,
            intro_en=INTRO_EN,
        )
        Question.objects.bulk_create(
            Question(questionnaire=questionnaire, text_zh=zh, text_en=en, kind=kind, sort_order=i)
            for i, (zh, en, kind) in enumerate(QUESTIONS, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
