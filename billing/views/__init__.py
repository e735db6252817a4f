"""Screens of gas billing. Views parse input, open rows through crm.permissions, call one
service and redirect; state changes are POST only."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse

from billing import rules
from billing.views.accounts import (
    account_close,
    account_detail,
    account_edit,
    account_list,
    account_new,
    meter_replace,
)
from billing.views.arrears import (
    arrears,
    notice_deliver,
    notice_print,
    suspension_decide,
    suspension_list,
    work_order_detail,
    work_order_done,
    work_order_list,
)
from billing.views.common import require_billing
from billing.views.readings import (
    held_list,
    reading_detail,
    reading_new,
    reading_photo,
    reading_review,
    round_view,
    statement_issue,
)
from billing.views.reports import reading_report_view, reports_view
from billing.views.statements import (
    adjustment_new,
    billing_run,
    payment_list,
    payment_new,
    receipt,
    reminder_new,
    statement_detail,
    statement_list,
    statement_print,
    statement_receive,
    statement_sign,
    statement_signature,
)


@login_required
def home(request):
    """Each role starts where its work is."""
    require_billing(request)
    user = request.user
    if rules.may_read_meters(user):
        return redirect("billing:round")
    if rules.may_take_payments(user):
        return redirect(f"{reverse('billing:statement_list')}?status=unpaid")
    if rules.may_decide_suspension(user) and not rules.may_manage_accounts(user):
        return redirect("billing:arrears")
    return redirect("billing:reports")


__all__ = [
    "account_close",
    "account_detail",
    "account_edit",
    "account_list",
    "account_new",
    "adjustment_new",
    "arrears",
    "billing_run",
    "held_list",
    "home",
    "meter_replace",
    "notice_deliver",
    "notice_print",
    "payment_list",
    "payment_new",
    "reading_detail",
    "reading_new",
    "reading_photo",
    "reading_report_view",
    "reading_review",
    "receipt",
    "reminder_new",
    "reports_view",
    "round_view",
    "statement_detail",
    "statement_issue",
    "statement_list",
    "statement_print",
    "statement_receive",
    "statement_sign",
    "statement_signature",
    "suspension_decide",
    "suspension_list",
    "work_order_detail",
    "work_order_done",
    "work_order_list",
]
