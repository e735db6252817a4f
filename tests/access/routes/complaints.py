"""URL sweep routes of complaints (see tests/access/sweep.py for Public / Staff / Private).

The complaints are 沈秘书's, taken and handled by a customer-service agent (客服部统一受理) and
routed to no department. By complaints/rules.py the owner (the consultant of the customer)
and the manager (sales manager of the customer's department) may read them, not handle them —
their writes get 403; a colleague and a consultant of another department get 404. A complaint
from a caller not yet linked to an archive is seen by none of the five.
"""

import base64

from complaints import services
from complaints.models import Category, Channel, ReplyMethod
from crm.roles import Role
from tests.access.sweep import Private, Route, Staff
from tests.complaints.helpers import signature_png, take_through
from tests.factories import DepartmentFactory, UserFactory

READERS = ("owner", "manager")


def agent(w):
    """郑强 of customer service, who takes the complaints."""
    return w.once(
        "complaints_agent",
        lambda: UserFactory(
            username="zhengqiang",
            name="郑强",
            department=DepartmentFactory(code="customer_service", name="客服部"),
            roles=[Role.CUSTOMER_SERVICE],
        ),
    )


def _receive(w, channel=Channel.PHONE, **fields):
    fields.setdefault("customer", w.customer)
    return services.receive_complaint(
        by=agent(w),
        channel=channel,
        category=Category.SERVICE,
        subject="销售承诺的车位没有兑现",
        description="签约时说送车位，交房后没有。",
        **fields,
    )


def complaint(w):
    """沈秘书's complaint by phone, being handled."""
    return w.once("complaint", lambda: _receive(w))


def letter(w):
    """沈秘书's letter (in the incoming-document register), answered in writing."""

    def make():
        written = _receive(w, Channel.WRITTEN)
        take_through(written, agent(w), until="replied", method=ReplyMethod.WRITTEN)
        written.refresh_from_db()
        return written

    return w.once("letter", make)


def closed(w):
    """沈秘书's complaint replied, closed with her signature."""

    def make():
        done = _receive(w)
        take_through(done, agent(w), until="replied")
        done.refresh_from_db()
        return services.close_complaint(
            complaint=done,
            by=agent(w),
            outcome="车位已按合同补签",
            opinion="satisfied",
            confirmation="signature",
            signature=signature_png(),
        )

    return w.once("closed", make)


def unlinked(w):
    """A caller who gave a name and phone only, not yet linked to an archive."""
    return w.once(
        "unlinked",
        lambda: _receive(w, customer=None, caller_name="无名来电", caller_phone="13611112222"),
    )


def lists(*makers):
    def kwargs(w):
        for make in makers:
            make(w)
        return {}

    return kwargs


def COMPLAINT(w):
    return {"pk": complaint(w).pk}


ROUTES: dict[str, Route] = {
    # Lists, intake, lookup, register and summary: 沈秘书 in none of them for the others
    "complaints:complaint_list": Staff(
        lists(complaint, letter, closed), data=lambda w: {"state": "all"}
    ),
    "complaints:complaint_create": Staff(
        data=lambda w: {
            "channel": Channel.PHONE,
            "kind": "complaint",
            "customer": w.customer.pk,
            "category": Category.FEES,
            "severity": "general",
            "subject": "物业费多收",
            "description": "多收了车位费。",
        }
    ),
    "complaints:customer_lookup": Staff(data=lambda w: {"find": "沈"}),
    "complaints:register": Staff(lists(letter)),
    "complaints:summary": Staff(lists(complaint, letter, closed)),
    # One complaint: read by the owner and the manager, handled by neither
    "complaints:complaint_detail": Private(COMPLAINT, allowed=READERS),
    "complaints:complaint_take": Private(COMPLAINT, allowed=READERS),
    "complaints:step_record": Private(
        lambda w: {"pk": complaint(w).pk, "kind": "heard"},
        allowed=READERS,
        data=lambda w: {"heard-text": "客户说销售承诺送车位。"},
    ),
    "complaints:complaint_close": Private(
        lambda w: {"pk": letter(w).pk},
        allowed=READERS,
        data=lambda w: {
            "outcome": "已补签车位协议",
            "opinion": "satisfied",
            "confirmation": "signature",
            "signature": "data:image/png;base64," + base64.b64encode(signature_png()).decode(),
        },
    ),
    "complaints:complaint_reopen": Private(
        lambda w: {"pk": closed(w).pk}, allowed=READERS, data=lambda w: {"reason": "车位不对"}
    ),
    "complaints:complaint_reclassify": Private(
        COMPLAINT,
        allowed=READERS,
        data=lambda w: {"kind": "complaint", "category": Category.QUALITY, "severity": "major"},
    ),
    "complaints:complaint_link": Private(
        lambda w: {"pk": unlinked(w).pk}, allowed=(), data=lambda w: {"customer": w.customer.pk}
    ),
    "complaints:complaint_sign_off": Private(lambda w: {"pk": closed(w).pk}, allowed=READERS),
    "complaints:confirmation_file": Private(
        lambda w: {"pk": closed(w).pk, "confirmation_pk": closed(w).confirmations.get().pk},
        allowed=READERS,
    ),
    "complaints:complaint_print": Private(COMPLAINT, allowed=READERS),
    "complaints:reply_letter": Private(lambda w: {"pk": letter(w).pk}, allowed=READERS),
}
