"""URL sweep routes of sales (see tests/access/sweep.py for Public / Staff / Private).

The sales office's screens around the confidential archive 沈秘书 of the sweep's world (owned
by 张伟 of the sales department, managed by 刘洋): an import list holding it, a 撞单 dispute
over it, the registration sheet it is on, the referrals it brought, a duty rotation, a customer
of 张伟 released to the public pool, a departure whose leaver co-owns it, and the call that
tells 沈秘书 their consultant. Objects are made through the apps' services, once per world.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from archives import services as archive_services
from archives.models import (
    Channel,
    ConsultantNotice,
    CooperationPair,
    ImportBatch,
    OwnerPeriod,
    PhoneKind,
    Referral,
    Source,
    Status,
)
from archives.ownership import departures, pool, referrals, rotation, sheets
from archives.ownership import services as ownership
from archives.spreadsheets import guess_mapping
from crm.roles import Role
from tests.access.sweep import ARCHIVE, Private, Route, Staff
from tests.factories import UserFactory

SALES_STAFF = ("outsider", "colleague", "owner", "manager")  # everyone at the desk


def _consultant(w, username: str, name: str):
    """Another consultant of the owner's sales department."""
    return UserFactory(
        username=username,
        name=name,
        department=w.owner.department,
        roles=[Role.SALES_CONSULTANT],
    )


def _import_batch(w) -> ImportBatch:
    """A list the owner uploaded that holds the archive's name and mobile."""
    headers = ["姓名", "手机"]
    return ImportBatch.objects.create(
        created_by=w.owner,
        file_name="老客户.xlsx",
        encoding="utf-8",
        headers=headers,
        rows=[["沈秘书", "13900009999"], ["钱多多", "13700004444"]],
        mapping=guess_mapping(headers),
        owner=w.owner,
        project=w.project,
    )


def _dispute(w):
    """王芳, a third consultant of the department, registers 沈秘书 for herself: a clash."""
    claimant = w.once("claimant", lambda: _consultant(w, "wangfang", "王芳"))
    result = ownership.register_at_desk(
        by=claimant, mobile="13900009999", channel=Channel.CALL, project=w.project
    )
    return result.dispute


def DISPUTE(w):
    return {"pk": w.once("dispute", lambda: _dispute(w)).pk}


def _pool_period(w) -> OwnerPeriod:
    """A customer of the owner, released to the public pool (the owner's reclaim lock runs)."""
    customer = archive_services.register_customer(
        by=w.owner,
        name="钱先生",
        source=Source.WALK_IN,
        phones=[(PhoneKind.MOBILE, "13700002222")],
        owner=w.owner,
        project=w.project,
    )
    pool.release_customer(customer=customer, by=w.owner, reason="暂无购房计划")
    return OwnerPeriod.objects.open().get(customer=customer)


def POOL(w):
    return {"pk": w.once("pool_period", lambda: _pool_period(w)).pk}


def _roster(w):
    return rotation.create_roster(
        project=w.project,
        day=timezone.localdate(),
        by=w.manager,
        consultants=[w.owner, w.colleague],
    )


def ROSTER(w):
    return {"pk": w.once("roster", lambda: _roster(w)).pk}


def OWNER_SLOT(w):
    roster = w.once("roster", lambda: _roster(w))
    return {"pk": roster.slots.get(consultant=w.owner).pk}


def _referrals(w) -> list[Referral]:
    """沈秘书 brings two new customers who ask for her consultant; both sign. The first
    reward is approved already (to be paid), the second waits for the manager."""
    made = []
    for name, mobile in (("沈小妹", "13700005555"), ("沈表哥", "13700006666")):
        result = ownership.register_at_desk(
            by=w.owner,
            mobile=mobile,
            name=name,
            channel=Channel.WALK_IN,
            project=w.project,
            referrer=w.customer,
            asks_for_referrer_consultant=True,
        )
        archive_services.change_status(
            customer=result.customer, to=Status.WON, reason="签约", by=w.owner
        )
        made.append(Referral.objects.get(referee=result.customer))
    referrals.approve_reward(referral=made[0], amount=500, by=w.manager)
    return made


def PENDING_REFERRAL(w):
    return {"pk": w.once("referrals", lambda: _referrals(w))[1].pk}


def APPROVED_REFERRAL(w):
    return {"pk": w.once("referrals", lambda: _referrals(w))[0].pk}


def _with_referrals(w) -> dict:
    w.once("referrals", lambda: _referrals(w))
    return {}


def _cooperation(w) -> dict:
    """沈秘书 (a secretary) and a lawyer of the owner's: a pair the table matches."""

    def make():
        archive_services.update_customer(
            customer=w.customer, by=w.owner, changes={"occupation": "董事长秘书"}, reason="补充"
        )
        archive_services.register_customer(
            by=w.owner,
            name="孔律师",
            source=Source.WALK_IN,
            phones=[(PhoneKind.MOBILE, "13700007777")],
            owner=w.owner,
            project=w.project,
            occupation="律师",
        )
        return CooperationPair.objects.create(keywords_a="秘书", keywords_b="律师")

    w.once("cooperation", make)
    return {}


def _sheet(w):
    """The owner's sheet of today, with 沈秘书 registered on it (a call of a known customer)."""
    ownership.register_at_desk(
        by=w.owner, mobile="13900009999", channel=Channel.CALL, project=w.project
    )
    return sheets.ensure_sheet(w.owner, timezone.localdate())


def SHEET(w):
    return {"pk": w.once("sheet", lambda: _sheet(w)).pk}


def _with_sheet(w) -> dict:
    w.once("sheet", lambda: _sheet(w))
    return {}


def _submitted_sheet(w):
    """Yesterday's sheet of the owner, handed in late today: waiting to be received."""
    sheet = sheets.ensure_sheet(w.owner, timezone.localdate() - dt.timedelta(days=1))
    return sheets.submit_sheet(sheet=sheet, by=w.owner, note="昨晚带客看房，今早补交")


def SUBMITTED_SHEET(w):
    return {"pk": w.once("submitted_sheet", lambda: _submitted_sheet(w)).pk}


def _leaver(w):
    """周强, a consultant of the department who co-owns 沈秘书, is leaving."""
    leaver = _consultant(w, "zhouqiang", "周强")
    archive_services.set_co_owners(customer=w.customer, co_owners=[leaver], by=w.owner)
    return leaver


def _departure(w):
    leaver = w.once("leaver", lambda: _leaver(w))
    return departures.start_departure(leaver=leaver, by=w.manager, note="合同到期")


def DEPARTURE(w):
    return {"pk": w.once("departure", lambda: _departure(w)).pk}


def _hand_over(w) -> dict:
    """Give 周强's co-ownership of 沈秘书 to 李娜."""
    departure = w.once("departure", lambda: _departure(w))
    (item,) = departures.co_owned_items(departure.leaver)
    return {f"item-{item.source}-{item.pk}": w.colleague.pk}


def _idle_departure(w):
    """吴刚 holds nothing any more: his departure can complete."""
    leaver = _consultant(w, "wugang", "吴刚")
    return departures.start_departure(leaver=leaver, by=w.manager)


def IDLE_DEPARTURE(w):
    return {"pk": w.once("idle_departure", lambda: _idle_departure(w)).pk}


def _notice(w):
    """沈秘书 is to be called by the owner: 周强, who looked after her too, is leaving."""
    return ConsultantNotice.objects.create(
        customer=w.customer,
        previous=w.once("leaver", lambda: _leaver(w)),
        successor=w.owner,
        method=ConsultantNotice.Method.CALL,
        status=ConsultantNotice.Status.TO_CALL,
    )


def NOTICE(w):
    return {"pk": w.once("notice", lambda: _notice(w)).pk}


def _with(name: str, make) -> Callable[[object], dict]:
    """Staff pages: make the objects they list (so a leak would show), no URL kwargs."""

    def kwargs(w) -> dict:
        w.once(name, lambda: make(w))
        return {}

    return kwargs


ROUTES: dict[str, Route] = {
    # import and export of lists, the composition report
    "archives:customer_export": Staff(),
    "archives:import_upload": Staff(),
    "archives:import_preview": Private(
        lambda w: {"pk": w.once("import", lambda: _import_batch(w)).pk},
        allowed=("owner",),  # an uploaded list is seen only by who uploaded it
        data=lambda w: {"action": "cancel"},
    ),
    "archives:composition": Staff(),
    # the registration desk
    "archives:desk": Staff(
        data=lambda w: {
            "mobile": "13700008888",
            "name": "孙小姐",
            "channel": "walk_in",
            "project": w.project.pk,
        }
    ),
    "archives:desk_lookup": Staff(data=lambda w: {"mobile": "13900009999"}),
    # 撞单 disputes: the two consultants look, their sales manager rules
    "archives:dispute_list": Staff(_with("dispute", _dispute)),
    "archives:dispute_detail": Private(DISPUTE),
    "archives:dispute_rule": Private(
        DISPUTE,
        data=lambda w: {
            "winner": w.once("dispute", lambda: _dispute(w)).claimant_id,
            "ruling": "来电登记在后，但客户指定王芳",
        },
    ),
    # a customer's ownership
    "archives:ownership_detail": Private(ARCHIVE),
    "archives:ownership_contacts": Private(
        ARCHIVE, data=lambda w: {"co_owners": [w.colleague.pk], "is_important": "on"}
    ),
    "archives:ownership_release": Private(ARCHIVE, data=lambda w: {"reason": "不再跟进"}),
    "archives:ownership_assign": Private(
        ARCHIVE, data=lambda w: {"to": w.colleague.pk, "note": "张伟休假"}
    ),
    # the public pool: open to every salesperson, the name masked until claimed
    "archives:pool": Staff(_with("pool_period", _pool_period)),
    "archives:pool_claim": Private(POOL, allowed=SALES_STAFF),
    "archives:pool_assign": Private(
        POOL, allowed=SALES_STAFF, data=lambda w: {"to": w.colleague.pk, "note": "分配"}
    ),
    # the duty rotation: everyone at the desk sees it, managers change it
    "archives:rotation": Staff(_with("roster", _roster)),
    "archives:rotation_create": Staff(
        data=lambda w: {
            "project": w.project.pk,
            "day": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        }
    ),
    "archives:rotation_add": Private(
        ROSTER, allowed=SALES_STAFF, data=lambda w: {"consultant": w.outsider.pk}
    ),
    "archives:rotation_away": Private(
        OWNER_SLOT, allowed=SALES_STAFF, data=lambda w: {"away": "1"}
    ),
    "archives:rotation_move": Private(OWNER_SLOT, allowed=SALES_STAFF, data=lambda w: {"up": "0"}),
    "archives:rotation_remove": Private(OWNER_SLOT, allowed=SALES_STAFF),
    # referrals: they follow the archives of both customers
    "archives:referral_list": Staff(_with_referrals),
    "archives:referral_approve": Private(
        PENDING_REFERRAL, data=lambda w: {"amount": "800", "note": "老带新奖励"}
    ),
    "archives:referral_pay": Private(APPROVED_REFERRAL),
    "archives:key_people": Staff(_with_referrals),
    "archives:referral_tree": Private(ARCHIVE),
    "archives:cooperation": Staff(_cooperation),
    # daily registration sheets: the consultant and their sales manager
    "archives:sheet_list": Staff(_with_sheet),
    "archives:sheet_today": Staff(),
    "archives:sheet_month": Staff(_with_sheet),
    "archives:sheet_detail": Private(SHEET),
    "archives:sheet_print": Private(SHEET),
    "archives:sheet_submit": Private(SHEET, data=lambda w: {"note": "今日来电一组"}),
    "archives:sheet_sign_off": Private(SUBMITTED_SHEET),
    # departures: the leaver's sales manager only (not the leaver, not the colleagues)
    "archives:departure_list": Staff(_with("departure", _departure)),
    "archives:departure_start": Staff(data=lambda w: {"leaver": w.colleague.pk, "note": "离职"}),
    "archives:departure_detail": Private(DEPARTURE, allowed=("manager",)),
    "archives:departure_hand_over": Private(DEPARTURE, allowed=("manager",), data=_hand_over),
    "archives:departure_complete": Private(IDLE_DEPARTURE, allowed=("manager",)),
    "archives:departure_cancel": Private(
        DEPARTURE, allowed=("manager",), data=lambda w: {"note": "留任"}
    ),
    # the call that tells 沈秘书 her consultant: the successor (the owner) and their manager
    "archives:notice_called": Private(NOTICE, data=lambda w: {"note": "已电话告知"}),
}
