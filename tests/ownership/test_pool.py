"""The protection period and the public pool (公海, R-ARC-08 §3 of issue 4), with frozen time."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from archives import services as archive_services
from archives.models import (
    Category,
    Grade,
    OwnerPeriod,
    OwnershipChange,
    OwnershipEvent,
    OwnershipRule,
    ProtectionRule,
    Status,
)
from archives.ownership import pool
from crm.models import Notification

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def at(days, hours=0):
    return time_machine.travel(T0 + dt.timedelta(days=days, hours=hours), tick=False)


@pytest.fixture
def lead(rules, make_customer, owner):
    with at(0):
        return make_customer(owner=owner, name="杨帆", mobile="13900001001")


def owner_of(customer):
    customer.refresh_from_db()
    return customer.owner


def test_recall_happens_at_n_days_without_contact_not_before(lead, owner):
    """R-ARC-08 (protection period): before N days the customer stays; at N days and after,
    the sweep returns them to the public pool, with an ownership event and owner periods."""
    with at(29, 23):
        assert pool.sweep()["recalled"] == 0
    assert owner_of(lead) == owner
    with at(30):
        assert pool.sweep()["recalled"] == 1
    assert owner_of(lead) is None
    event = OwnershipEvent.objects.get(customer=lead, change=OwnershipChange.RECALLED)
    assert (event.from_owner, event.rule) == (owner, OwnershipRule.PROTECTION_EXPIRED)
    periods = list(OwnerPeriod.objects.filter(customer=lead).order_by("started_at"))
    assert [(p.owner, p.end_rule) for p in periods] == [
        (owner, OwnershipRule.PROTECTION_EXPIRED),
        (None, ""),
    ]
    assert periods[0].ended_at == T0 + dt.timedelta(days=30)
    assert lead.history.first().history_user.username == "system"
    with at(31):
        assert pool.sweep()["recalled"] == 0  # nothing twice


def test_the_owner_is_warned_x_days_before_once(lead, owner):
    """R-ARC-08: warned X days before the recall, once per protection period."""
    with at(24, 23):
        assert pool.sweep()["warned"] == 0
    with at(25):
        assert pool.sweep()["warned"] == 1
        assert pool.sweep()["warned"] == 0
    assert Notification.objects.filter(recipient=owner, level="warning").count() == 1
    with at(26):
        assert [w.customer for w in pool.warnings_for(owner)] == [lead]


def test_a_recorded_contact_restarts_the_protection_period(lead, owner):
    with at(20):
        archive_services.touch_contact(customer=lead)
    with at(30):
        assert pool.sweep()["recalled"] == 0
    with at(50):
        assert pool.sweep()["recalled"] == 1
    assert owner_of(lead) is None


def test_won_customers_and_partners_are_exempt(rules, make_customer, owner):
    """R-ARC-08: won customers are exempt; so are suppliers and the other partners of §4."""
    with at(0):
        won = make_customer(owner=owner, name="王丽华", mobile="13900001002")
        archive_services.change_status(customer=won, to=Status.WON, reason="签约", by=owner)
        supplier = make_customer(
            owner=owner, name="秦川建设", mobile="13900001003", category=Category.SUPPLIER
        )
    with at(100):
        assert pool.sweep()["recalled"] == 0
    assert owner_of(won) == owner and owner_of(supplier) == owner


def test_the_most_specific_rule_per_project_and_grade_wins(rules, make_customer, owner, project):
    """R-ARC-08: N per project and grade (admin-editable)."""
    grade_a, _ = Grade.objects.get_or_create(code="A", defaults={"name": "重要客户"})
    ProtectionRule.objects.update_or_create(
        project=project, grade=grade_a, defaults={"days": 60, "warn_days": 7}
    )
    with at(0):
        important = make_customer(owner=owner, name="马晓燕", mobile="13900001004", grade=grade_a)
        ordinary = make_customer(owner=owner, name="胡静", mobile="13900001005")
    with at(45):
        pool.sweep()
    assert owner_of(important) == owner and owner_of(ordinary) is None
    with at(60):
        pool.sweep()
    assert owner_of(important) is None


def test_the_previous_owner_cannot_reclaim_for_m_days(lead, owner, colleague):
    """R-ARC-08: the previous owner may not reclaim for M days; others may at once."""
    with at(30):
        pool.sweep()
    with at(35), pytest.raises(ValidationError) as caught:
        pool.claim_customer(customer=lead, by=owner)
    assert "2026-04-11" in str(caught.value)  # recalled on 1 April, M = 10 days
    assert owner_of(lead) is None
    with at(40):
        pool.claim_customer(customer=lead, by=owner)
    assert owner_of(lead) == owner
    periods = OwnerPeriod.objects.filter(customer=lead).order_by("started_at")
    assert [p.start_rule for p in periods] == [
        OwnershipRule.RECORDED,
        OwnershipRule.PROTECTION_EXPIRED,
        OwnershipRule.POOL_CLAIM,
    ]


def test_a_claimed_customer_gets_a_full_protection_period(lead, colleague):
    with at(30):
        pool.sweep()
    with at(31):
        pool.claim_customer(customer=lead, by=colleague)
    with at(60):
        assert pool.sweep()["recalled"] == 0
    with at(61):
        assert pool.sweep()["recalled"] == 1


def test_a_consultant_claims_at_most_k_customers_a_day(
    rules, make_customer, colleague, receptionist
):
    """R-ARC-08: at most K claims a day (K = 2 here); the next day the count starts again."""
    with at(0):
        pooled = [
            make_customer(
                owner=None, name=f"公海{i}", mobile=f"1390000200{i}", registrar=receptionist
            )
            for i in range(3)
        ]
    with at(1):
        pool.claim_customer(customer=pooled[0], by=colleague)
        pool.claim_customer(customer=pooled[1], by=colleague)
        with pytest.raises(ValidationError) as caught:
            pool.claim_customer(customer=pooled[2], by=colleague)
    assert "2" in str(caught.value)
    assert owner_of(pooled[2]) is None
    with at(2):
        pool.claim_customer(customer=pooled[2], by=colleague)
    assert owner_of(pooled[2]) == colleague


def test_a_consultant_owns_at_most_c_private_customers(
    rules, make_customer, colleague, receptionist
):
    """R-ARC-08: the capacity (库容, C = 3 here) of a private pool."""
    with at(0):
        for i in range(3):
            make_customer(owner=colleague, name=f"私海{i}", mobile=f"1390000300{i}")
        pooled = make_customer(
            owner=None, name="谢娜", mobile="13900003009", registrar=receptionist
        )
    with at(1), pytest.raises(ValidationError):
        pool.claim_customer(customer=pooled, by=colleague)
    assert owner_of(pooled) is None


def test_only_consultants_who_stay_claim(rules, make_customer, manager, receptionist, colleague):
    with at(0):
        pooled = make_customer(
            owner=None, name="梁晨", mobile="13900004001", registrar=receptionist
        )
    with at(1), pytest.raises(ValidationError):
        pool.claim_customer(customer=pooled, by=manager)
    colleague.employment_status = "leaving"
    colleague.save()
    with at(1), pytest.raises(ValidationError):
        pool.claim_customer(customer=pooled, by=colleague)


def test_two_sweeps_recall_a_customer_once(lead, owner):
    """Safe twice: the second sweep finds the period already ended and moves nothing."""
    with at(30):
        by = pool.core.system_user()
        pool.core.sync_periods()
        assert pool.recall_customer(lead.pk, now=timezone.now(), by=by) is True
        assert pool.recall_customer(lead.pk, now=timezone.now(), by=by) is False
    assert OwnershipEvent.objects.filter(change=OwnershipChange.RECALLED).count() == 1
    assert OwnerPeriod.objects.filter(customer=lead, ended_at__isnull=True).count() == 1


def test_a_release_to_the_pool_starts_the_reclaim_lock(lead, owner, colleague):
    with pytest.raises(ValidationError):
        pool.release_customer(customer=lead, by=owner, reason=" ")
    with at(3):
        pool.release_customer(customer=lead, by=owner, reason="客户已在别处购房")
    with at(4), pytest.raises(ValidationError):
        pool.claim_customer(customer=lead, by=owner)


def test_the_beat_runs_both_sweeps():
    """Beat entries exist for the pool sweep and the sheet deadline (archives/schedule.py)."""
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"archives.tasks.sweep_public_pool", "archives.tasks.mark_missing_sheets"} <= tasks


def test_the_sweep_task_recalls(lead, owner):
    from archives.tasks import sweep_public_pool

    with at(30):
        assert sweep_public_pool.delay().get()["recalled"] == 1
    assert owner_of(lead) is None


def test_the_pool_offers_only_open_sales_customers(rules, make_customer, colleague, receptionist):
    """Won customers and partners without an owner are not in the public pool to claim."""
    with at(0):
        won = make_customer(owner=None, name="王丽华", mobile="13900004101", registrar=receptionist)
        archive_services.change_status(customer=won, to=Status.WON, reason="签约", by=receptionist)
        bank = make_customer(
            owner=None,
            name="西安银行",
            mobile="13900004102",
            registrar=receptionist,
            category=Category.BANK,
        )
    for customer in (won, bank):
        with at(1), pytest.raises(ValidationError):
            pool.claim_customer(customer=customer, by=colleague)
        assert owner_of(customer) is None
