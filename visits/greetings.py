"""Greetings (R-VIS-04): who has a birthday or a festival on a day, and sending the greeting.

§1 九大战术 4 and 9: on festivals and on the birthdays of customers and their families, a
greeting — a call for important customers, a text message for the others. Birthdays kept on
the lunar calendar are found by converting the day to the lunar calendar (lunar-python), so
a 农历八月十五 birthday lands on that year's Mid-Autumn day. Customers who opted out get
nothing; the unique key (customer, occasion, day, person) means nothing is sent twice, even
when two sweeps run at once.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone, translation
from lunar_python import LunarMonth, Solar

from archives.models import Customer, CustomerPhone, FamilyMember, PhoneKind, Status
from crm import workcalendar
from crm.notifications import send_sms
from visits.followups import DEFAULT_ESCALATION_DAYS, CallerPicker
from visits.models import (
    FollowUp,
    FollowUpKind,
    Greeting,
    GreetingChannel,
    GreetingRun,
    GreetingTemplate,
    Occasion,
)

GREETING_HOUR = 8  # texts go out from 08:00 Shanghai time, never in the night

RELATION_WORDS = {
    "spouse": "爱人",
    "father": "父亲",
    "mother": "母亲",
    "child": "孩子",
    "other": "家人",
}
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "夏侯",
    "长孙",
    "宇文",
    "司徒",
    "独孤",
    "南宫",
    "西门",
    "端木",
    "轩辕",
    "呼延",
    "申屠",
    "澹台",
    "太史",
    "百里",
    "东郭",
    "闻人",
)


def audience():
    """Who is greeted (§1 9): customers who bought (业主) and important customers — never an
    archive that is void or a customer who asked not to be greeted."""
    mobile = CustomerPhone.objects.filter(customer=OuterRef("pk"), kind=PhoneKind.MOBILE)
    return (
        Customer.objects.active()
        .filter(greeting_opt_out=False)
        .filter(Q(status=Status.WON) | Q(is_important=True))
        .annotate(mobile=Subquery(mobile.order_by("-is_primary", "pk").values("number")[:1]))
        .select_related("owner", "project", "company")
    )


def birthday_condition(day: dt.date) -> Q:
    """Rows whose birthday may fall on `day` (checked exactly with next_birthday after)."""
    solar = Q(birth_date__month=day.month, birth_date__day=day.day)
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        solar |= Q(birth_date__month=2, birth_date__day=29)
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    days = [lunar.getDay()]
    length = LunarMonth.fromYm(lunar.getYear(), lunar.getMonth()).getDayCount()
    if lunar.getDay() == length and length < 30:
        days.append(30)  # born on the 30th: celebrated on the last day of a short month
    lunar_q = Q(
        birthday_is_lunar=True, lunar_birth_month=abs(lunar.getMonth()), lunar_birth_day__in=days
    )
    return solar | lunar_q


def birthdays_on(day: dt.date, customers) -> list[Customer]:
    found = customers.filter(birthday_condition(day))
    return [customer for customer in found if customer.next_birthday(day) == day]


def family_birthdays_on(day: dt.date, customers) -> list[FamilyMember]:
    members = FamilyMember.objects.filter(
        birthday_condition(day), customer__in=customers.values("pk")
    )
    return [member for member in members if member.next_birthday(day) == day]


def festivals_on(day: dt.date) -> list[workcalendar.Festival]:
    return [festival for festival in workcalendar.festivals(day.year) if festival.date == day]


def polite_title(customer: Customer) -> str:
    """王女士 / 欧阳先生; a company is addressed by its name."""
    if customer.is_company or not customer.name:
        return customer.name
    surname = next((s for s in COMPOUND_SURNAMES if customer.name.startswith(s)), "")
    surname = surname or customer.name[0]
    honorific = {"male": "先生", "female": "女士"}.get(customer.gender, "")
    return f"{surname}{honorific}" if honorific else customer.name


@dataclass(frozen=True)
class Occurrence:
    """One greeting due: whom, on which occasion, on which day."""

    customer: Customer
    occasion: str
    day: dt.date
    member: FamilyMember | None = None
    festival: str = ""

    @property
    def person_key(self) -> str:
        return f"family:{self.member.pk}" if self.member else ""


def occurrences_on(day: dt.date, customers, templates) -> list[Occurrence]:
    found = []
    if Occasion.BIRTHDAY in templates:
        found += [Occurrence(c, Occasion.BIRTHDAY, day) for c in birthdays_on(day, customers)]
    if Occasion.FAMILY_BIRTHDAY in templates:
        members = family_birthdays_on(day, customers)
        by_pk = {c.pk: c for c in customers.filter(pk__in={m.customer_id for m in members})}
        found += [
            Occurrence(by_pk[m.customer_id], Occasion.FAMILY_BIRTHDAY, day, member=m)
            for m in members
            if m.customer_id in by_pk
        ]
    return found


def festival_occurrences(day: dt.date, customers, templates):
    """Everyone in the audience, for each festival today with a template (a generator: the
    audience may be large)."""
    for festival in festivals_on(day):
        if festival.key not in templates:
            continue
        for customer in customers.iterator(chunk_size=500):
            yield Occurrence(customer, festival.key, day, festival=festival.name)


def active_templates() -> dict[str, GreetingTemplate]:
    return {t.occasion: t for t in GreetingTemplate.objects.filter(is_active=True)}


def run_daily(*, now: dt.datetime | None = None) -> int:
    """Beat: prepare today's greetings once, from 08:00. Later runs that day do nothing; a
    run that stopped half-way is finished by the next one (the unique key skips the rest)."""
    local = timezone.localtime(now or timezone.now())
    if local.hour < GREETING_HOUR or GreetingRun.objects.filter(date=local.date()).exists():
        return 0
    created = prepare_greetings(local.date())
    GreetingRun.objects.get_or_create(date=local.date(), defaults={"created": len(created)})
    return len(created)


def prepare_greetings(day: dt.date) -> list[Greeting]:
    templates = active_templates()
    customers = audience()
    created = []
    for occurrence in [*occurrences_on(day, customers, templates)]:
        greeting = send_greeting(occurrence, templates[occurrence.occasion])
        if greeting:
            created.append(greeting)
    for occurrence in festival_occurrences(day, customers, templates):
        greeting = send_greeting(occurrence, templates[occurrence.occasion])
        if greeting:
            created.append(greeting)
    return created


def render(text: str, occurrence: Occurrence) -> str:
    customer = occurrence.customer
    member = occurrence.member
    with translation.override("zh-hans"):
        values = {
            "name": customer.name,
            "title": polite_title(customer),
            "member": member.name if member else "",
            "relation": RELATION_WORDS.get(member.relation, "家人") if member else "",
            "festival": occurrence.festival or str(Occasion(occurrence.occasion).label),
            "company": customer.company.short_name or customer.company.name,
            "consultant": str(customer.owner) if customer.owner_id else "",
        }
    return text.format_map(values)


def send_greeting(occurrence: Occurrence, template: GreetingTemplate) -> Greeting | None:
    """Greet once: a call task for an important customer (or one without a mobile), else a
    text. None if this greeting already exists or nobody can make the call."""
    customer = occurrence.customer
    mobile = getattr(customer, "mobile", None)
    caller = None
    if customer.is_important or not mobile:
        caller, _kind = CallerPicker(customer, customer.project, fallback=None).pick("owner")
        if caller is None and not mobile:
            return None
    channel = GreetingChannel.CALL if caller else GreetingChannel.SMS
    text = render(template.sms_text, occurrence)
    try:
        with transaction.atomic():
            greeting = Greeting.objects.create(
                customer=customer,
                family_member=occurrence.member,
                person_key=occurrence.person_key,
                occasion=occurrence.occasion,
                on_date=occurrence.day,
                channel=channel,
                text=text[:300],
            )
            if channel == GreetingChannel.SMS:
                greeting.sms = send_sms(mobile, text, purpose="greeting")
            else:
                hint = render(template.call_hint or template.sms_text, occurrence)
                greeting.follow_up = _call_task(customer, caller, occurrence.day, hint)
            greeting.save(update_fields=["sms", "follow_up"])
    except IntegrityError:
        return None
    return greeting


def _call_task(customer: Customer, caller, day: dt.date, hint: str) -> FollowUp:
    return FollowUp.objects.create(
        customer=customer,
        project=customer.project,
        kind=FollowUpKind.GREETING,
        caller=caller,
        caller_kind="owner" if caller.pk == customer.owner_id else "customer_service",
        question_zh=hint[:300],
        due_on=day,
        call_on=day,
        escalate_on=day + dt.timedelta(days=DEFAULT_ESCALATION_DAYS),
    )


def upcoming(customers, *, start: dt.date, days: int = 7) -> list[Occurrence]:
    """The coming days' birthdays and festivals of `customers` (for the daily list)."""
    templates = active_templates()
    found = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        found += occurrences_on(day, customers, templates)
        found += [
            Occurrence(None, f.key, day, festival=f.name)
            for f in festivals_on(day)
            if f.key in templates
        ]
    return found
