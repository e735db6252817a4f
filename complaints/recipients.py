"""Who is told about a complaint: its handler, the department head, the general manager, and
the text messages that go to them for a major complaint (五清楚一报告: 重大投诉马上报告)."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from crm.models import NotificationLevel, User
from crm.notifications import notify, send_sms
from crm.roles import Role


def stamp(moment) -> str:
    """A date and time that reads the same in Chinese and English: 2026-10-10 17:30."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "—"


def general_managers() -> list[User]:
    return list(User.objects.working().with_role(Role.GENERAL_MANAGER))


def customer_service_staff() -> list[User]:
    return list(User.objects.working().with_role(Role.CUSTOMER_SERVICE))


def _working(person) -> bool:
    return person is not None and person.is_active and person.employment_status != "left"


def department_head(complaint):
    department = complaint.department
    head = department.head if department is not None else None
    return head if _working(head) else None


def supervisors(complaint) -> list[User]:
    """The head of the responsible department, or else the head of whoever handles or took
    the complaint: the 主管 a major complaint is reported to at once."""
    head = department_head(complaint)
    if head is not None:
        return [head]
    for person in (complaint.handler, complaint.filled_by):
        department = getattr(person, "department", None)
        if department is not None and _working(department.head):
            return [department.head]
    return []


def watchers(complaint) -> list[User]:
    """Those who answer for the reply: the handler, or all of customer service while nobody
    has taken the complaint on (客服部统一受理, §15)."""
    if _working(complaint.handler):
        return [complaint.handler]
    return customer_service_staff()


def params(complaint, **extra) -> dict:
    return {
        "number": complaint.number,
        "subject": complaint.subject,
        "category": complaint.get_category_display(),
        "who": complaint.who,
        **extra,
    }


def report_major(complaint, *, by) -> None:
    """R-CMP-02: a major complaint goes to the department head and the general manager at
    once, in the bell and by text message."""
    people = [*supervisors(complaint), *general_managers()]
    values = params(complaint, received=stamp(complaint.filled_at))
    notify(
        people,
        _("Major complaint %(number)s: %(subject)s"),
        body=_("Received %(received)s from %(who)s (%(category)s). Report and act at once."),
        params=values,
        url=complaint.get_absolute_url(),
        level=NotificationLevel.URGENT,
    )
    sent = set()
    for person in people:
        if not person.mobile or person.pk in sent:
            continue
        sent.add(person.pk)
        with translation.override(person.language or "zh-hans"):
            body = str(_("[Snowball] Major complaint %(number)s: %(subject)s. Please act at once."))
            send_sms(person.mobile, body % values, purpose="complaint_major", created_by=by)
