"""Referrals 老带新 (R-ARC-09): who brought whom, the tree, key people, rewards, 交叉合作."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from archives import services as archive_services
from archives.models import Channel, CooperationPair, Referral, RewardStatus, Status
from archives.ownership import referrals, services

pytestmark = pytest.mark.django_db


def bring(receptionist, project, referrer, mobile, name):
    return services.register_at_desk(
        by=receptionist,
        mobile=mobile,
        name=name,
        channel=Channel.WALK_IN,
        project=project,
        referrer=referrer,
        asks_for_referrer_consultant=True,
    ).customer


@pytest.fixture
def chain(receptionist, project, roster, make_customer, owner):
    """王丽华 brought 陈晓明 and 朱军; 陈晓明 brought 宋佳."""
    root = make_customer(owner=owner, name="王丽华", mobile="13900005001")
    first = bring(receptionist, project, root, "13900005002", "陈晓明")
    second = bring(receptionist, project, root, "13900005003", "朱军")
    grandchild = bring(receptionist, project, first, "13900005004", "宋佳")
    return root, first, second, grandchild


def test_a_referral_counts_only_if_the_new_customer_was_not_registered_before(
    receptionist, project, roster, make_customer, owner, colleague
):
    """R-ARC-09: the referee must be new; bringing a known customer records who came with
    whom but earns nothing."""
    old = make_customer(owner=owner, name="王丽华", mobile="13900005001")
    known = make_customer(owner=colleague, name="刘志强", mobile="13900005009")
    new = bring(receptionist, project, old, "13900005002", "陈晓明")
    bring(receptionist, project, old, "13900005009", "")
    counted = Referral.objects.get(referee=new)
    uncounted = Referral.objects.get(referee=known)
    assert counted.counts and counted.reward_status == RewardStatus.PENDING
    assert counted.consultant == owner
    assert not uncounted.counts and uncounted.reward_status == RewardStatus.NONE
    assert "2026" in uncounted.not_counted_reason or uncounted.not_counted_reason
    recorded_later = referrals.record_referral(
        referrer=old, referee=known, by=owner, at=known.created_at + dt.timedelta(days=1)
    )
    assert not recorded_later.counts


def test_the_referral_tree_shows_the_chain_up_and_down(chain, owner):
    """R-ARC-09: the chain of introductions of a customer."""
    root, first, second, grandchild = chain
    ancestors, node = referrals.referral_tree(first, owner)
    assert [a.customer for a in ancestors] == [root]
    assert [c.customer for c in node.children] == [grandchild]
    _up, top = referrals.referral_tree(root, owner)
    assert [c.customer for c in top.children] == [first, second]
    assert [c.customer for c in top.children[0].children] == [grandchild]


def test_names_in_the_tree_are_masked_for_those_who_may_not_open_the_archive(chain, colleague):
    root, *_others = chain
    _up, top = referrals.referral_tree(root, colleague)
    assert top.children[0].label == "陈**"


def test_key_people_with_the_customers_and_deals_they_brought(chain, owner):
    """R-ARC-09: key people (核心人物) with the number of customers and deals they brought."""
    root, first, _second, _grandchild = chain
    archive_services.change_status(customer=first, to=Status.WON, reason="签约", by=owner)
    people = list(referrals.key_people(owner))
    assert [(p, p.brought, p.deals_brought) for p in people] == [(root, 2, 1)]


def test_the_manager_approves_a_reward_after_the_deal_and_marks_it_paid(chain, owner, manager):
    """R-ARC-09: reward status pending → approved (by the manager) → paid."""
    _root, first, second, _grandchild = chain
    signed = Referral.objects.get(referee=first)
    unsigned = Referral.objects.get(referee=second)
    with pytest.raises(PermissionDenied):
        referrals.approve_reward(referral=signed, amount=Decimal("2000"), by=owner)
    archive_services.change_status(customer=first, to=Status.WON, reason="签约", by=owner)
    with pytest.raises(ValidationError):
        referrals.approve_reward(referral=unsigned, amount=Decimal("2000"), by=manager)
    with pytest.raises(ValidationError):
        referrals.pay_reward(referral=signed, by=manager)
    referrals.approve_reward(referral=signed, amount=Decimal("2000"), by=manager)
    referrals.pay_reward(referral=signed, by=manager)
    signed.refresh_from_db()
    assert signed.reward_status == RewardStatus.PAID
    assert signed.reward_amount == Decimal("2000.00")
    assert (signed.approved_by, signed.paid_by) == (manager, manager)
    assert signed.history.first().history_user == manager


def test_cross_cooperation_pairs_customers_whose_occupations_fit(make_customer, owner, colleague):
    """R-ARC-09: 交叉合作 pairs customers whose occupations or industries could do business."""
    CooperationPair.objects.all().delete()
    CooperationPair.objects.create(
        keywords_a="律师", keywords_b="企业主、个体经营", reason="法律顾问"
    )
    lawyer = make_customer(owner=owner, name="仇海", mobile="13900006001", occupation="律师")
    boss = make_customer(owner=owner, name="马晓燕", mobile="13900006002", occupation="企业主")
    make_customer(owner=owner, name="孙浩", mobile="13900006003", occupation="大学生")
    make_customer(owner=colleague, name="曾志伟", mobile="13900006004", occupation="个体经营")
    matches = referrals.cooperation(owner)
    assert [(m.first, m.second, m.pair.reason) for m in matches] == [(lawyer, boss, "法律顾问")]
