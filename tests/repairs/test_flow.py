"""The steps of a work order through the services: price list and quotes (R-REP-02), on
site (R-REP-03), completion and the hand-offs (R-REP-04), public areas (R-REP-05)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from crm import handover
from crm.models import Notification
from repairs import charges, services
from repairs.models import (
    ClockKind,
    ClockState,
    MaterialResult,
    OrderStatus,
    Outcome,
    Payment,
    PaymentMethod,
    PriceItem,
    WorkOrder,
)
from repairs.templatetags.repairs_tags import rmb_upper

QUOTE_LINE = {
    "name": "石膏线修补",
    "unit": "米",
    "quantity": Decimal("1.5"),
    "labour_price": Decimal("80.00"),
    "material_price": Decimal("20.00"),
}


def _reload(order) -> WorkOrder:
    return WorkOrder.objects.get(pk=order.pk)


# --- R-REP-02: price list, listed and unlisted jobs ------------------------------------------


@pytest.mark.django_db
def test_a_listed_urgent_job_goes_straight_to_dispatch_with_a_ten_minute_clock(make_order):
    """R-REP-02: listed + as soon as possible → dispatch at once, on site within 10 minutes."""
    order = make_order()
    clock = order.clocks.get(kind=ClockKind.ONSITE_URGENT)
    assert order.status == OrderStatus.DISPATCH and not order.needs_quote
    assert clock.due_at - clock.started_at == dt.timedelta(minutes=10)


@pytest.mark.django_db
def test_an_unlisted_job_is_blocked_until_the_customer_consents(
    make_order, supervisor, technician, desk
):
    """R-REP-02: the supervisor's feasibility and price, then the customer's recorded consent,
    before anyone is sent or work starts — enforced by the services and the database."""
    order = make_order(items=[])
    assert order.status == OrderStatus.QUOTE and order.needs_quote
    with pytest.raises(ValidationError) as caught:
        services.dispatch_order(order=order, by=supervisor, technicians=[technician])
    assert caught.value.code == "consent_required"
    with pytest.raises(ValidationError):
        services.take_job(order=order, by=technician)
    services.record_quote(
        order=order, by=supervisor, feasible=True, note="可修补", lines=[QUOTE_LINE]
    )
    assert order.status == OrderStatus.CONSENT and order.total_amount == Decimal("150.00")
    with pytest.raises(ValidationError):
        services.dispatch_order(order=order, by=supervisor, technicians=[technician])
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkOrder.objects.filter(pk=order.pk).update(status=OrderStatus.DISPATCH)
    services.record_consent(order=order, by=desk, agreed=True, note="电话确认，业主本人同意")
    assert order.status == OrderStatus.DISPATCH and order.consent_recorded_by == desk
    assert order.clocks.get(kind=ClockKind.QUOTE).state == ClockState.MET
    assert order.clocks.get(kind=ClockKind.ONSITE_URGENT).state == ClockState.RUNNING
    services.dispatch_order(order=order, by=supervisor, technicians=[technician])
    assert _reload(order).status == OrderStatus.ASSIGNED


@pytest.mark.django_db
def test_a_customer_who_declines_the_quote_closes_the_order(make_order, supervisor, desk):
    order = make_order(items=[])
    services.record_quote(
        order=order, by=supervisor, feasible=True, note="可修", lines=[QUOTE_LINE]
    )
    services.record_consent(order=order, by=desk, agreed=False, note="客户嫌贵，暂不维修")
    order = _reload(order)
    assert order.status == OrderStatus.CLOSED and order.outcome == Outcome.DECLINED


@pytest.mark.django_db
def test_a_job_that_cannot_be_done_is_closed_and_the_front_desk_told(make_order, supervisor, desk):
    order = make_order(items=[])
    services.record_quote(
        order=order, by=supervisor, feasible=False, note="属于结构问题，需开发商处理"
    )
    assert order.outcome == Outcome.INFEASIBLE and not order.clocks.filter(state="running").exists()
    assert Notification.objects.filter(recipient=desk, title__contains=order.number).exists()


@pytest.mark.django_db
def test_only_the_supervisor_quotes(make_order, desk):
    order = make_order(items=[])
    with pytest.raises(PermissionDenied):
        services.record_quote(order=order, by=desk, feasible=True, note="x", lines=[QUOTE_LINE])
    assert _reload(order).status == OrderStatus.QUOTE


@pytest.mark.django_db
def test_the_supervisor_keeps_the_price_list_with_history(supervisor, technician, fitting):
    """R-REP-02: items with code, labour and material price; changes kept with the reason."""
    with pytest.raises(ValidationError):
        charges.save_price_item(by=supervisor, item=fitting, labour_price=Decimal("35.00"))
    charges.save_price_item(
        by=supervisor, item=fitting, labour_price=Decimal("35.00"), reason="人工成本上调"
    )
    latest = fitting.history.first()
    assert latest.labour_price == Decimal("35.00") and latest.history_user == supervisor
    assert latest.history_change_reason == "人工成本上调"
    with pytest.raises(PermissionDenied):
        charges.save_price_item(by=technician, item=fitting, labour_price=Decimal("1.00"))
    assert PriceItem.objects.get(pk=fitting.pk).labour_price == Decimal("35.00")


@pytest.mark.django_db
def test_an_order_keeps_the_price_it_was_written_with(make_order, supervisor, fitting):
    order = make_order()
    charges.save_price_item(
        by=supervisor, item=fitting, labour_price=Decimal("50.00"), reason="调价"
    )
    assert order.lines.get().labour_price == Decimal("30.00")


# --- Dispatch ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_supervisor_sends_several_technicians_with_one_lead(
    make_order, supervisor, technician, other_technician
):
    order = make_order()
    services.dispatch_order(
        order=order,
        by=supervisor,
        technicians=[technician, other_technician],
        lead=other_technician,
    )
    team = {a.technician: a.is_lead for a in order.assignments.all()}
    assert team == {technician: False, other_technician: True}
    assert order.clocks.get(kind=ClockKind.ONSITE_URGENT).responsible == other_technician
    assert Notification.objects.filter(recipient=technician, title__contains=order.number).exists()


@pytest.mark.django_db
def test_a_technician_takes_a_job_from_the_queue_once(make_order, technician, other_technician):
    order = make_order()
    services.take_job(order=order, by=technician)
    with pytest.raises(ValidationError):
        services.take_job(order=_reload(order), by=other_technician)
    assert list(order.assignments.values_list("technician", flat=True)) == [technician.pk]


# --- R-REP-03: on site ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_technician_corrects_the_items_against_the_price_list(on_site, technician, valve):
    """R-REP-03: confirm or correct the items and charges; a correction says what differs."""
    line = on_site.lines.get()
    with pytest.raises(ValidationError) as caught:
        services.confirm_lines(
            order=on_site, by=technician, quantities={line.pk: Decimal("0")}, additions=[(valve, 2)]
        )
    assert "note" in caught.value.error_dict
    services.confirm_lines(
        order=on_site,
        by=technician,
        quantities={line.pk: Decimal("0")},
        additions=[(valve, Decimal("2"))],
        note="实际是角阀老化，需更换两个角阀",
    )
    order = _reload(on_site)
    assert [(li.code, li.quantity) for li in order.lines.all()] == [("SD-04", Decimal("2.00"))]
    assert order.total_amount == Decimal("110.00") and isinstance(order.total_amount, Decimal)
    assert "角阀" in order.correction_note and order.lines_confirmed_at
    assert line.history.filter(history_type="-").exists()  # the reported line is kept in history


@pytest.mark.django_db
def test_work_starts_only_after_the_customer_agrees_to_confirmed_charges(on_site, technician):
    with pytest.raises(ValidationError):
        services.record_decision(order=on_site, by=technician, agreed=True)
    services.confirm_lines(order=on_site, by=technician, quantities={})
    services.record_decision(order=on_site, by=technician, agreed=True)
    assert _reload(on_site).status == OrderStatus.WORKING


@pytest.mark.django_db
def test_a_refusal_is_recorded_and_goes_back_to_the_supervisor_who_co_signs(
    on_site, technician, supervisor, desk
):
    """R-REP-03: the customer may refuse — recorded with reason and both signatures, filed."""
    services.confirm_lines(order=on_site, by=technician, quantities={})
    with pytest.raises(ValidationError):
        services.record_decision(order=on_site, by=technician, agreed=False, reason=" ")
    services.record_decision(order=on_site, by=technician, agreed=False, reason="客户认为收费太高")
    order = _reload(on_site)
    assert order.status == OrderStatus.REFUSED and order.refusal_reason == "客户认为收费太高"
    assert Notification.objects.filter(recipient=supervisor, title__contains=order.number).exists()
    with pytest.raises(PermissionDenied):
        services.cosign_refusal(order=order, by=technician, note="x")
    services.cosign_refusal(order=order, by=supervisor, note="已向客户解释收费标准")
    order = _reload(order)
    assert order.status == OrderStatus.CLOSED and order.outcome == Outcome.REFUSED
    assert order.signed_off_by == supervisor and order.refused_at
    assert Notification.objects.filter(recipient=desk, title__contains="备案").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("result", "advice", "accepted"),
    [
        (MaterialResult.PASSED, "", True),
        (MaterialResult.FAILED, "", False),
        (MaterialResult.FAILED, "接口尺寸不符，使用后易渗漏，客户仍要求使用", True),
        (MaterialResult.POOR, "", False),
        (MaterialResult.POOR, "材质偏薄，已提醒客户", True),
    ],
)
def test_customer_supplied_materials_are_checked_with_advice(
    working, technician, result, advice, accepted
):
    """R-REP-03: 合格 / 不合格 / 质量不佳; advice is given when the material is not good."""
    if accepted:
        check = services.check_material(
            order=working, by=technician, material="客户自购角阀", result=result, advice=advice
        )
        assert check.result == result
        assert check.get_result_display() in {"合格", "不合格", "质量不佳"}
    else:
        with pytest.raises(ValidationError):
            services.check_material(
                order=working, by=technician, material="客户自购角阀", result=result, advice=advice
            )
    assert working.material_checks.count() == (1 if accepted else 0)


@pytest.mark.django_db
def test_strangers_to_the_job_cannot_act_on_site(
    make_order, supervisor, technician, other_technician
):
    order = make_order()
    services.dispatch_order(order=order, by=supervisor, technicians=[technician])
    with pytest.raises(PermissionDenied):
        services.record_arrival(order=order, by=other_technician)
    assert _reload(order).arrived_at is None


# --- R-REP-04: completion, return, finance --------------------------------------------------


@pytest.mark.django_db
def test_the_customer_checks_and_signs_on_the_phone(working, technician, signature):
    """R-REP-04: checked, then signed on screen; the signature is stored as a PNG image."""
    with pytest.raises(ValidationError) as caught:
        services.complete_order(
            order=working, by=technician, work_done="修好", customer_checked=True
        )
    assert "signature" in caught.value.error_dict
    services.complete_order(
        order=working,
        by=technician,
        work_done="修好",
        customer_checked=True,
        signature_png=signature,
    )
    order = _reload(working)
    assert order.status == OrderStatus.DONE and order.signature.name.endswith(".png")
    assert order.signature.read()[:8] == b"\x89PNG\r\n\x1a\n"
    assert order.clocks.get(kind=ClockKind.RETURN).state == ClockState.RUNNING


@pytest.mark.django_db
def test_or_the_customer_signs_the_paper_form(working, technician):
    services.complete_order(
        order=working, by=technician, work_done="修好", customer_checked=True, signed_on_paper=True
    )
    assert _reload(working).signed_on_paper


def test_an_empty_signature_pad_is_refused():
    import base64
    import io

    from PIL import Image

    from repairs.forms import CompletionForm

    def form(data_url):
        return CompletionForm({"work_done": "换了角阀", "signature": data_url})

    blank = io.BytesIO()
    Image.new("RGBA", (600, 220), (255, 255, 255, 0)).save(blank, format="PNG")
    assert (
        "signature"
        in form("data:image/png;base64," + base64.b64encode(blank.getvalue()).decode()).errors
    )
    assert "signature" in form("data:image/png;base64,bm90IGFuIGltYWdl").errors
    assert form("").is_valid()


@pytest.mark.django_db
def test_the_supervisor_signs_off_returned_orders(done, supervisor, technician):
    """R-REP-04: copies two and three back by 17:00, confirmed by the supervisor."""
    with pytest.raises(PermissionDenied):
        services.confirm_return(orders=[done], by=technician)
    assert services.confirm_return(orders=[done], by=supervisor) == 1
    order = _reload(done)
    assert order.signed_off_by == supervisor
    assert order.clocks.get(kind=ClockKind.RETURN).state == ClockState.MET


@pytest.mark.django_db
def test_the_front_desk_hands_the_month_to_finance_by_the_25th(done, supervisor, desk, finance):
    """R-REP-04: third copies of returned orders with charges go to finance as a monthly list."""
    with pytest.raises(ValidationError):
        charges.send_to_finance(by=desk)  # not returned yet
    services.confirm_return(orders=[done], by=supervisor)
    batch = charges.send_to_finance(by=desk)
    assert batch.order_count == 1 and batch.total_amount == Decimal("45.00")
    assert charges.handoff_due(batch.month).day == 25
    assert Notification.objects.filter(recipient=finance).exists()
    orders, found = charges.charges_of_month(batch.month)
    assert found == batch and list(orders) == [_reload(done)]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["desk", "supervisor", "technician", "admin_user"])
def test_nobody_but_finance_records_a_payment(done, request, role):
    """R-REP-04 / §8 4.3: only finance collects; a refused attempt changes nothing."""
    person = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        charges.record_payment(
            order=done,
            by=person,
            amount=Decimal("45.00"),
            paid_on=timezone.localdate(),
            method=PaymentMethod.CASH,
        )
    assert not Payment.objects.exists() and _reload(done).paid_amount == 0


@pytest.mark.django_db
def test_finance_records_payment_up_to_what_is_owed(done, finance):
    with pytest.raises(ValidationError):
        charges.record_payment(
            order=done,
            by=finance,
            amount=Decimal("99.00"),
            paid_on=timezone.localdate(),
            method=PaymentMethod.MANAGEMENT_FEE,
        )
    charges.record_payment(
        order=done,
        by=finance,
        amount=Decimal("45.00"),
        paid_on=timezone.localdate(),
        method=PaymentMethod.MANAGEMENT_FEE,
    )
    order = _reload(done)
    assert order.is_paid and order.payments.get().recorded_by == finance


# --- R-REP-05: public areas -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_public_area_job_is_completed_only_once_cleaned_up(
    make_public_order, supervisor, technician
):
    """R-REP-05: no charges or consent; the technician confirms the clean-up."""
    order = make_public_order()
    services.dispatch_order(order=order, by=supervisor, technicians=[technician])
    services.record_arrival(order=order, by=technician)
    assert order.status == OrderStatus.WORKING
    with pytest.raises(ValidationError):
        services.complete_order(order=order, by=technician, work_done="更换门机皮带")
    services.complete_order(
        order=order,
        by=technician,
        work_done="更换门机皮带",
        cleanup_confirmed=True,
        cleanup_note="现场已清扫",
    )
    order = _reload(order)
    assert order.status == OrderStatus.DONE and order.cleanup_confirmed_at


# --- Handover and the rest ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_leaving_technicians_open_jobs_pass_to_a_successor(
    make_order, supervisor, technician, other_technician
):
    """R-ARC-12: the repairs handover source lists and transfers a technician's open jobs."""
    order = make_order()
    services.dispatch_order(order=order, by=supervisor, technicians=[technician])
    source = handover.source("repairs")
    items = source.open_items(technician)
    assert [item.label.split()[0] for item in items] == [order.number]
    assert source.transfer(items, other_technician, supervisor) == 1
    assert source.open_items(technician) == []
    assert order.assignments.get().technician == other_technician
    assert order.clocks.get(kind=ClockKind.ONSITE_URGENT).responsible == other_technician


@pytest.mark.django_db
def test_cancelling_stops_the_clocks(make_order, desk):
    order = make_order()
    with pytest.raises(ValidationError):
        services.cancel_order(order=order, by=desk, reason="")
    services.cancel_order(order=order, by=desk, reason="客户来电取消，已自行修好")
    assert order.outcome == Outcome.CANCELLED
    assert not order.clocks.filter(state="running").exists()


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零元整"),
        ("45.00", "肆拾伍元整"),
        ("160", "壹佰陆拾元整"),
        ("1205.50", "壹仟贰佰零伍元伍角整"),
        ("10.05", "壹拾元零伍分"),
        ("100010", "壹拾万零壹拾元整"),
    ],
)
def test_amounts_are_written_in_chinese_capitals_for_the_form(amount, words):
    assert rmb_upper(amount) == words
