"""Demo of archive access: requests in every state (waiting for the head, for the general
manager, granted, refused, expired), the access log they leave, and archives closed more
than ten years ago — one due, one whose destruction waits for the general manager.

Idempotent: requests are found by requester and reason, archives by phone.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from archives import services
from archives.access import retention
from archives.access import services as access
from archives.models import (
    AccessAction,
    AccessLog,
    AccessRequest,
    AccessRequestItem,
    AccessScope,
    Customer,
    CustomerPhone,
    CustomerUserObjectPermission,
    DestructionRequest,
    PhoneKind,
    RevealKind,
    Source,
    Status,
)
from crm import demo as crm_demo
from crm import permissions

# requester, archive name, scope, days, reason, deciders (in order), refusal
REQUESTS = [
    (
        "lina",
        "王丽华",
        AccessScope.VIEW,
        7,
        "王丽华推荐的朋友想看同户型，需要了解她的购房经历。",
        ["liuyang"],
        "",
    ),
    (
        "zhaolei",
        "陕西秦川建设工程有限公司",
        AccessScope.EXPORT,
        5,
        "工程款结算核对，需要打印对方的联系人和开票信息。",
        [],
        "",
    ),
    (
        "chenjing",
        "西安银行高新支行",
        AccessScope.VIEW,
        10,
        "按揭合作洽谈，需要了解该行过往合作情况。",
        ["liuyang"],
        "",
    ),
    (
        "zhangwei",
        "周杰",
        AccessScope.VIEW,
        3,
        "想了解周杰的购房意向。",
        ["liuyang"],
        "非本人跟进客户，也无业务需要，不予批准。",
    ),
    (
        "chenjing",
        "刘志强",
        AccessScope.VIEW,
        7,
        "刘志强来访时张伟休假，需要接待。",
        ["liuyang"],
        "",
    ),
]
EXPIRED = "刘志强来访时张伟休假，需要接待。"

# name, phone, owner, closed years ago, destruction requested by the keeper
CLOSED = [
    ("韩国庆", "+8613700291011", "zhaolei", 11, True),
    ("邹建华", "+8613700291012", "zhangwei", 12, False),
]


def load() -> int:
    created = sum(_request(*row) for row in REQUESTS)
    created += _views()
    created += sum(_closed(*row) for row in CLOSED)
    return created


def _request(username, name, scope, days, reason, deciders, refusal) -> int:
    requester = crm_demo.user(username)
    if AccessRequest.objects.filter(filled_by=requester, reason=reason).exists():
        return 0
    customer = Customer.objects.filter(name=name).order_by("pk").first()
    if customer is None or permissions.can(requester, permissions.VIEW, customer):
        return 0  # another app's demo (a referral, a handover) already opened it to them
    (request,) = access.file_access_request(
        by=requester, customers=[customer], reason=reason, scope=scope, days=days
    )
    for index, username_ in enumerate(deciders):
        last = index == len(deciders) - 1
        access.decide_access_request(
            request=request,
            by=crm_demo.user(username_),
            approve=not (refusal and last),
            comment=refusal if last else "",
        )
    if reason == EXPIRED:
        _expire(request)
    return 1


def _expire(request: AccessRequest) -> None:
    """Move a granted request back in time so it ended last week."""
    shift = dt.timedelta(days=request.days + 7)
    items = AccessRequestItem.objects.filter(request=request)
    items.update(granted_at=F("granted_at") - shift, expires_at=F("expires_at") - shift)
    CustomerUserObjectPermission.objects.filter(source__request=request).update(
        expires_at=F("expires_at") - shift
    )
    AccessRequest.objects.filter(pk=request.pk).update(
        filled_at=F("filled_at") - shift, signed_off_at=F("signed_off_at") - shift
    )
    access.end_expired_grants()


def _views() -> int:
    """What the grants and the managers' rounds leave in the register, over the past week."""
    if AccessLog.objects.exists():
        return 0
    rows = 0
    looks = [  # who, whose archive, what, how many hours ago
        ("lina", "王丽华", AccessAction.VIEW, 2),
        ("liuyang", "赵敏", AccessAction.VIEW, 26),
        ("liuyang", "赵敏", AccessAction.REVEAL, 26),
        ("sunli", "徐磊", AccessAction.VIEW, 50),
        ("sunli", "徐磊", AccessAction.HISTORY, 50),
        ("wangjianguo", "西安银行高新支行", AccessAction.PRINT, 96),
    ]
    now = timezone.now()
    for username, name, action, hours_ago in looks:
        customer = Customer.objects.filter(name=name).order_by("pk").first()
        if customer is None:
            continue
        user = crm_demo.user(username)
        if action == AccessAction.REVEAL:  # the phone, as the archive page's 显示 button does
            phone = customer.phones.order_by("-is_primary", "pk").first()
            access.reveal(user=user, customer=customer, kind=RevealKind.PHONE, pk=phone.pk)
        else:
            services.log_access(user=user, customer=customer, action=action)
        AccessLog.objects.filter(pk=AccessLog.objects.latest("pk").pk).update(
            at=now - dt.timedelta(hours=hours_ago) + dt.timedelta(minutes=7 * rows)
        )
        rows += 1
    return rows


def _closed(name, phone, username, years, requested) -> int:
    if CustomerPhone.objects.filter(number=phone).exists():
        return 0
    owner = crm_demo.user(username)
    closed = timezone.localtime() - dt.timedelta(days=round(365.25 * years) + 30)
    customer = services.register_customer(
        by=owner,
        name=name,
        source=Source.CALL,
        phones=[(PhoneKind.MOBILE, phone)],
        owner=owner,
        project=crm_demo.project("jinxiu"),
        occupation="个体经营",
        created_at=closed - dt.timedelta(days=60),
    )
    services.change_status(
        customer=customer, to=Status.LOST, reason="预算不足，未成交", by=owner, when=closed
    )
    if requested and not DestructionRequest.objects.filter(customer=customer).exists():
        record = retention.request_destruction(
            customer=customer, by=crm_demo.user("sunli"), reason="保管期限10年已满（§6 3.2.8）。"
        )
        retention.decide_destruction(
            record=record, by=crm_demo.user("liuyang"), approve=True, comment="同意销毁"
        )
    return 1
