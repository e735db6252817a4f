"""Settlement statements, signatures, payments, receipts, notes and the billing run
(R-BIL-02, R-BIL-04)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import rules, services
from billing.forms import (
    AdjustmentForm,
    DayForm,
    PaymentForm,
    ReminderForm,
    SignatureForm,
    StatementFilterForm,
)
from billing.models import (
    ArrearsNotice,
    Payment,
    PaymentMethod,
    Statement,
)
from billing.models.statements import UNPAID
from billing.services.statements import unbilled_readings
from billing.views.common import (
    PAGE_SIZE,
    add_errors,
    capabilities,
    get_or_404,
    require,
    require_billing,
    visible,
)
from crm import permissions, searches


def _statement(request, pk) -> Statement:
    return get_or_404(request, Statement.objects.for_list(), pk)


def filtered_statements(request, form):
    statements = Statement.objects.for_list().with_outstanding()
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            text = data["q"].strip()
            condition = Q(number__icontains=text) | Q(account__customer__name__icontains=text)
            digits = text.upper().removeprefix("RQ").lstrip("0")
            if digits.isdigit():
                condition |= Q(account_id=int(digits))
            statements = statements.filter(condition)
        if data.get("status") == "unpaid":
            statements = statements.filter(status__in=UNPAID)
        elif data.get("status"):
            statements = statements.filter(status=data["status"])
        if data.get("step"):
            statements = statements.filter(ladder_step=data["step"])
        if data.get("user_type"):
            statements = statements.filter(user_type=data["user_type"])
    return visible(request, statements)


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    """The statements, filtered; a customer's name searched for is POSTed and kept in the
    session, the URL carries a token (R-ACC-06)."""
    require_billing(request)
    if request.method == "POST":
        return redirect(searches.redirect_url(request, request.path))
    form = StatementFilterForm(searches.bound(request))
    statements = filtered_statements(request, form).order_by("-issued_on", "-pk")
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/statement_list.html",
        {
            "form": form,
            "page_obj": page,
            "statements": page.object_list,
            "can": capabilities(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "billing/statement_detail.html",
        {
            "statement": statement,
            "account": statement.account,
            "lines": statement.lines.select_related("tariff"),
            "payments": statement.payments.select_related("filled_by"),
            "notes": statement.adjustments.select_related("filled_by"),
            "reminders": statement.reminders.select_related("made_by"),
            "notice": ArrearsNotice.objects.filter(statement=statement).first(),
            "overdue": statement.status in UNPAID and today > statement.due_on,
            "customer_visible": permissions.can(
                request.user, permissions.VIEW, statement.account.customer
            ),
            "reminder_form": ReminderForm(),
            "can": capabilities(request.user),
        },
    )


@login_required
def statement_print(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    return render(
        request,
        "billing/statement_print.html",
        {
            "statement": statement,
            "account": statement.account,
            "lines": statement.lines.all(),
            "meter": statement.closing_reading.meter,
            "form_record": statement,
            "title": _("Gas settlement statement"),
        },
    )


@login_required
def statement_sign(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    require(request, rules.may_collect_signatures)
    if statement.is_signed or statement.is_paid:
        messages.info(request, _("The statement has been signed already."))
        return redirect(statement)
    form = SignatureForm(
        request.POST or None, initial={"signer_name": statement.account.customer.name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_statement(
                statement=statement,
                by=request.user,
                signer_name=form.cleaned_data["signer_name"],
                png=form.cleaned_data.get("signature"),
                on_paper=form.cleaned_data.get("on_paper", False),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Signature saved."))
            return redirect(statement)
    return render(request, "billing/sign.html", {"form": form, "statement": statement})


@login_required
def statement_signature(request: HttpRequest, pk: int) -> FileResponse:
    require_billing(request)
    statement = permissions.get_for_user_or_404(request.user, permissions.DOWNLOAD, Statement, pk)
    if not statement.signature:
        raise Http404
    response = FileResponse(statement.signature.open("rb"), content_type="image/png")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def statement_receive(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    require(request, rules.may_take_payments)
    try:
        services.receive_statement(statement=statement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Statement received at the counter."))
    return redirect(statement)


@login_required
def payment_new(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_or_404(request, Statement.objects.for_list(), pk)
    require(request, rules.may_take_payments)
    form = PaymentForm(request.POST or None, initial={"amount": statement.outstanding})
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.record_payment(
                statement=statement, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Payment taken; receipt %(number)s.") % {"number": payment.number},
            )
            return redirect("billing:receipt", pk=payment.pk)
    return render(request, "billing/payment_form.html", {"form": form, "statement": statement})


@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = Payment.objects.select_related(
        "statement", "account__customer", "account__unit__floor__building__project", "filled_by"
    )
    payment = get_or_404(request, queryset, pk)
    return render(
        request,
        "billing/receipt.html",
        {"payment": payment, "form_record": payment, "title": _("Gas payment receipt")},
    )


@login_required
def adjustment_new(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    require(request, rules.may_issue_notes)
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.issue_adjustment(
                statement=statement, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Note %(number)s issued.") % {"number": note.number})
            return redirect(statement)
    return render(
        request,
        "billing/form.html",
        {
            "form": form,
            "statement": statement,
            "title": _("Credit or debit note"),
            "tab": "statements",
        },
    )


@login_required
@require_POST
def reminder_new(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    require(request, rules.may_remind)
    form = ReminderForm(request.POST)
    if form.is_valid():
        try:
            services.record_reminder(statement=statement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Reminder recorded."))
    else:
        messages.error(request, _("Choose how the customer was reminded."))
    return redirect(statement)


@login_required
def payment_list(request: HttpRequest) -> HttpResponse:
    """The cashier's takings of a day, by method."""
    require_billing(request)
    require(request, rules.may_see_reports)
    form = DayForm(request.GET or None)
    day = (form.is_valid() and form.cleaned_data.get("day")) or timezone.localdate()
    payments = visible(
        request,
        Payment.objects.filter(received_on=day).select_related(
            "statement", "account__customer", "filled_by"
        ),
    ).order_by("-pk")
    totals = dict(payments.values_list("method").annotate(s=Sum("amount")).order_by())
    page = Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/payment_list.html",
        {
            "form": form,
            "day": day,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "page_obj": page,
            "payments": page.object_list,
            "totals": [(label, totals.get(method, 0)) for method, label in PaymentMethod.choices],
            "total": sum(totals.values(), 0),
            "count": page.paginator.count,
        },
    )


@login_required
def billing_run(request: HttpRequest) -> HttpResponse:
    """Finance issues the statements the readers did not issue on the spot."""
    require_billing(request)
    require(request, rules.may_run_billing)
    if request.method == "POST":
        result = services.run_billing(by=request.user)
        messages.success(request, _("%(n)s statements issued.") % {"n": result.issued})
        for _reading, account, why in result.skipped[:20]:
            messages.warning(request, f"{account}: {why}")
        return redirect("billing:statement_list")
    pending = unbilled_readings().aggregate(n=Count("pk"), accounts=Count("account", distinct=True))
    return render(request, "billing/run.html", {"pending": pending})
