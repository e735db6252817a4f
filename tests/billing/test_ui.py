"""Billing on the customer's and the unit's timeline, the dashboards, the staff handover and
the beat schedule."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.urls import reverse

from archives import timeline
from billing import services
from billing.models import GasAccount, ReadingStatus
from crm import handover


@pytest.fixture
def paid_statement(account, reader, cashier):
    reading = services.record_reading(
        account=account, by=reader, read_on=dt.date(2025, 2, 5), value=D("10")
    )
    statement = services.issue_statement(reading=reading, by=reader, issued_on=dt.date(2025, 2, 5))
    services.record_payment(
        statement=statement,
        by=cashier,
        amount=D("26.70"),
        method="cash",
        received_on=dt.date(2025, 2, 6),
    )
    return statement


@pytest.mark.django_db
def test_statements_and_payments_appear_on_the_customers_and_the_units_timeline(
    paid_statement, account, cashier, owner
):
    """R-ARC-14 with R-BIL-02/04: gas fees on the customer's and the unit's file."""
    for entries in (
        timeline.for_customer(account.customer, cashier),
        timeline.for_unit(account.unit, cashier),
    ):
        titles = [entry.title for entry in entries]
        assert any(paid_statement.number in title for title in titles)
        assert any("SK-" in title for title in titles)
    # Someone who does not see billing sees none of it.
    assert not any(
        paid_statement.number in entry.title for entry in timeline.for_unit(account.unit, owner)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,panel",
    [
        ("reader", "billing.round"),
        ("cashier", "billing.cashier"),
        ("finance", "billing.arrears"),
        ("general_manager", "billing.arrears"),
    ],
)
def test_each_billing_role_has_its_dashboard_panel(client, paid_statement, request, role, panel):
    client.force_login(request.getfixturevalue(role))
    html = client.get(reverse("crm:dashboard")).content.decode()
    assert f'data-panel="{panel}"' in html


@pytest.mark.django_db
def test_the_cashier_sees_todays_takings(client, account, reader, cashier):
    reading = services.record_reading(
        account=account, by=reader, read_on=dt.date(2025, 2, 5), value=D("10")
    )
    statement = services.issue_statement(reading=reading, by=reader)
    services.record_payment(
        statement=statement, by=cashier, amount=D("20"), method="wechat", reference="4200009"
    )
    client.force_login(cashier)
    html = client.get(reverse("crm:dashboard")).content.decode()
    assert "¥20.00" in html and "微信支付" in html


@pytest.mark.django_db
def test_a_leaving_readers_rounds_and_held_readings_pass_to_the_successor(
    account, reader, finance, make_user
):
    """R-ARC-12: the reader's accounts and held readings are handed over in full."""
    successor = make_user("meter_reader", username="new_reader", name="新抄表员")
    services.record_reading(account=account, by=reader, read_on=dt.date(2025, 2, 5), value=D("50"))
    held = services.record_reading(
        account=account, by=reader, read_on=dt.date(2025, 3, 5), value=D("10")
    )
    assert held.status == ReadingStatus.HELD
    work = {source.key: items for source, items in handover.open_work(reader)}
    assert [item.pk for item in work["billing.rounds"]] == [account.pk]
    assert [item.pk for item in work["billing.held_readings"]] == [held.pk]
    for source, items in handover.open_work(reader):
        source.transfer(items, successor, finance)
    assert handover.open_count(reader) == 0
    assert GasAccount.objects.get(pk=account.pk).reader == successor
    held.refresh_from_db()
    assert held.responsible == successor


def test_the_arrears_sweep_is_on_the_beat_schedule():
    """R-BIL-05: Celery beat moves statements along the ladder."""
    entry = settings.CELERY_BEAT_SCHEDULE["billing-arrears-ladder"]
    assert entry["task"] == "billing.tasks.sweep_arrears_ladder"
    assert "billing-issue-pending-statements" in settings.CELERY_BEAT_SCHEDULE


@pytest.mark.django_db
def test_the_beat_task_runs_the_sweep(account, reader):
    from billing.tasks import issue_pending_statements, sweep_arrears_ladder

    assert set(sweep_arrears_ladder.delay().get()) == {
        "overdue",
        "arrears_notice",
        "suspension_requested",
    }
    assert issue_pending_statements.delay().get() == 0  # nothing read, nothing to bill


@pytest.mark.django_db
def test_an_overlapping_tariff_is_refused_in_the_admin(tariffs):
    from billing.admin import TariffForm

    form = TariffForm({"user_type": "residential", "name": "居民新价", "valid_from": "2026-01-01"})
    assert not form.is_valid()
    tariffs["residential"].valid_to = dt.date(2025, 12, 31)
    tariffs["residential"].save()
    assert TariffForm(
        {"user_type": "residential", "name": "居民新价", "valid_from": "2026-01-01"}
    ).is_valid()


@pytest.mark.django_db
def test_the_admin_lists_the_billing_configuration(admin_client, tariffs):
    for name in ("tariff", "readingschedule", "billingpolicy"):
        assert admin_client.get(reverse(f"admin:billing_{name}_changelist")).status_code == 200
    assert (
        admin_client.get(
            reverse("admin:billing_tariff_change", args=[tariffs["residential"].pk])
        ).status_code
        == 200
    )
