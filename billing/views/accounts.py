"""Gas accounts and meters (R-BIL-01): list, open, detail, change, close, replace the meter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from billing import rules, services
from billing.forms import (
    AccountEditForm,
    AccountFilterForm,
    AccountForm,
    CloseAccountForm,
    MeterReplaceForm,
)
from billing.models import GasAccount, Meter, Reading, Statement
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


def _current_meter():
    return Prefetch(
        "meters", Meter.objects.filter(removed_on__isnull=True), to_attr="current_meters"
    )


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    """The gas accounts, filtered; a name, unit or phone searched for is POSTed and kept in the
    session, the URL carries a token (R-ACC-06)."""
    require_billing(request)
    if request.method == "POST":
        return redirect(searches.redirect_url(request, request.path))
    form = AccountFilterForm(searches.bound(request))
    accounts = GasAccount.objects.for_list().prefetch_related(_current_meter())
    if form.is_valid():
        accounts = accounts.search(form.cleaned_data.get("q"))
        for name in ("user_type", "status"):
            if form.cleaned_data.get(name):
                accounts = accounts.filter(**{name: form.cleaned_data[name]})
    accounts = visible(request, accounts).order_by("pk")
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/account_list.html",
        {
            "form": form,
            "page_obj": page,
            "accounts": page.object_list,
            "can": capabilities(request.user),
        },
    )


@login_required
def account_new(request: HttpRequest) -> HttpResponse:
    require_billing(request)
    require(request, rules.may_manage_accounts)
    form = AccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.open_account(
                by=request.user,
                customer=data["customer_number"],
                user_type=data["user_type"],
                unit=data.get("unit"),
                address=data.get("address", ""),
                reader=data.get("reader"),
                opened_on=data["opened_on"],
                meter_number=data["meter_number"],
                meter_model=data["meter_model"],
                installed_on=data["installed_on"],
                seal_number=data["seal_number"],
                next_verification_on=data["next_verification_on"],
                initial_value=data["initial_value"],
                notes=data.get("notes", ""),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Gas account %(number)s opened.") % {"number": account.number}
            )
            return redirect(account)
    return render(
        request,
        "billing/form.html",
        {"form": form, "title": _("Open a gas account"), "tab": "accounts"},
    )


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_or_404(request, GasAccount.objects.for_list(), pk)
    customer_visible = permissions.can(request.user, permissions.VIEW, account.customer)
    return render(
        request,
        "billing/account_detail.html",
        {
            "account": account,
            "customer_visible": customer_visible,
            "meters": account.meters.order_by("-installed_on", "-pk"),
            "readings": Reading.objects.filter(account=account)
            .select_related("meter", "entered_by", "closing_statement")
            .order_by("-read_on", "-pk")[:24],
            "statements": Statement.objects.filter(account=account).order_by("-period_end")[:24],
            "orders": account.work_orders.order_by("-planned_on", "-pk"),
            "requests": account.suspension_requests.select_related("decided_by")[:10],
            "can": capabilities(request.user),
        },
    )


@login_required
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_or_404(request, GasAccount.objects.for_list(), pk)
    require(request, rules.may_manage_accounts)
    initial = {
        "user_type": account.user_type,
        "reader": account.reader,
        "address": account.address,
        "notes": account.notes,
    }
    form = AccountEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        changes = {k: v for k, v in data.items() if v != initial[k]}
        try:
            if changes:
                services.update_account(account=account, by=request.user, reason=reason, **changes)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Account saved."))
            return redirect(account)
    return render(
        request,
        "billing/form.html",
        {"form": form, "account": account, "title": _("Change the account"), "tab": "accounts"},
    )


@login_required
def account_close(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_or_404(request, GasAccount.objects.for_list(), pk)
    require(request, rules.may_manage_accounts)
    form = CloseAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_account(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Account closed."))
            return redirect(account)
    return render(
        request,
        "billing/form.html",
        {
            "form": form,
            "account": account,
            "title": _("Close the account"),
            "danger": True,
            "tab": "accounts",
        },
    )


@login_required
def meter_replace(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_or_404(request, GasAccount.objects.for_list(), pk)
    require(request, rules.may_replace_meters)
    form = MeterReplaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meter = services.replace_meter(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Meter replaced; %(number)s is now on the account.") % {"number": meter}
            )
            return redirect(account)
    return render(
        request,
        "billing/form.html",
        {"form": form, "account": account, "title": _("Replace the meter"), "tab": "accounts"},
    )
