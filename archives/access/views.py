"""Screens of archive access: access requests and their decisions, the archive sheet (print and
.xlsx export), revealing masked personal data, the access log, retention and destruction.

Views parse, ask crm.permissions (404 for strangers, 403 for those who may look but not act),
call one service and redirect. Every print, export and reveal is written to the access log.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from archives import services as archive_services
from archives.access import exports, retention, services, sheet
from archives.access.forms import (
    AccessLogFilterForm,
    AccessRequestForm,
    DecisionForm,
    DestructionForm,
    RequestFilterForm,
    RevealForm,
    RevokeForm,
)
from archives.models import (
    AccessAction,
    AccessLog,
    AccessRequest,
    AccessRequestItem,
    Customer,
    DestructionRequest,
)
from crm import permissions
from crm.roles import Role, has_role

PAGE_SIZE = 20
LOG_PAGE_SIZE = 50


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Access requests -----------------------------------------------------------------------


def _requests(user):
    queryset = AccessRequest.objects.select_related("filled_by", "department").annotate(
        item_count=Count("items")
    )
    return permissions.visible(user, permissions.VIEW, queryset)


@login_required
def access_request_list(request: HttpRequest) -> HttpResponse:
    form = RequestFilterForm(request.GET or None)
    requests = _requests(request.user)
    if form.is_valid():
        if form.cleaned_data["status"]:
            requests = requests.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["box"] == "mine":
            requests = requests.filter(filled_by=request.user)
        elif form.cleaned_data["box"] == "decide":
            requests = services.awaiting(request.user, requests)
    items = AccessRequestItem.objects.order_by("customer_number")
    requests = requests.prefetch_related(Prefetch("items", items, to_attr="item_list"))
    page = Paginator(requests.order_by("-filled_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "archives/access/request_list.html",
        {
            "form": form,
            "page_obj": page,
            "requests": page.object_list,
            "waiting": services.awaiting(request.user, _requests(request.user)).count(),
        },
    )


@login_required
def access_request_new(request: HttpRequest) -> HttpResponse:
    initial = {"numbers": request.GET.get("numbers", "")[:200]}
    if request.GET.get("scope") in ("view", "export"):
        initial["scope"] = request.GET["scope"]
    form = AccessRequestForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = services.file_access_request(
                by=request.user,
                customers=data["numbers"],
                reason=data["reason"],
                scope=data["scope"],
                days=data["days"],
                level=data["level"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            numbers = "、".join(item.number for item in filed)
            messages.success(request, _("Request %(numbers)s filed.") % {"numbers": numbers})
            return redirect("archives:access_request_detail", pk=filed[0].pk)
    return render(
        request,
        "archives/access/request_form.html",
        {"form": form, "max_days": services.max_days()},
    )


def _request(request: HttpRequest, pk: int) -> AccessRequest:
    queryset = AccessRequest.objects.select_related("filled_by", "department", "signed_off_by")
    return permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)


@login_required
def access_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = _request(request, pk)
    items = list(access_request.items.select_related("customer__owner", "ended_by"))
    visible_ids = set(
        permissions.visible(
            request.user,
            permissions.VIEW,
            Customer.objects.filter(pk__in=[item.customer_id for item in items]),
        ).values_list("pk", flat=True)
    )
    step = services.current_step(access_request)
    return render(
        request,
        "archives/access/request_detail.html",
        {
            "access_request": access_request,
            "items": items,
            "visible_ids": visible_ids,
            "decisions": access_request.decisions.select_related("by"),
            "step_deciders": services.deciders(access_request, step) if step else [],
            "may_decide": services.may_decide(request.user, access_request),
            "may_revoke": services.may_revoke(request.user, access_request),
            "may_withdraw": access_request.is_pending
            and access_request.filled_by_id == request.user.pk,
            "decision_form": DecisionForm(),
            "revoke_form": RevokeForm(),
        },
    )


def _decide(request: HttpRequest, decide) -> None:
    """Reads the approve/refuse decision and its comment from the POST, hands them to
    `decide(approve=…, comment=…)` and tells the user the outcome, or why not."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The comment is too long."))
        return
    approve = request.POST.get("decision") == "approve"
    try:
        decide(approve=approve, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Approved.") if approve else _("Refused."))


@login_required
@require_POST
def access_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = _request(request, pk)
    _decide(
        request,
        partial(services.decide_access_request, request=access_request, by=request.user),
    )
    return redirect("archives:access_request_detail", pk=access_request.pk)


@login_required
@require_POST
def access_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = _request(request, pk)
    try:
        services.withdraw_access_request(request=access_request, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect("archives:access_request_detail", pk=access_request.pk)


@login_required
@require_POST
def access_request_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = _request(request, pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for revoking."))
        return redirect("archives:access_request_detail", pk=access_request.pk)
    try:
        count = services.revoke_access(
            request=access_request, by=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Access to %(n)s archive(s) revoked.") % {"n": count})
    return redirect("archives:access_request_detail", pk=access_request.pk)


@login_required
def access_request_print(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = _request(request, pk)
    return render(
        request,
        "archives/access/request_print.html",
        {
            "access_request": access_request,
            "form_record": access_request,
            "items": access_request.items.all(),
            "decisions": access_request.decisions.select_related("by"),
            "title": _("Archive access request"),
        },
    )


# --- The archive sheet: print, export, reveal ------------------------------------------------


def _archive(request: HttpRequest, pk: int) -> Customer:
    queryset = Customer.objects.select_related("owner", "grade", "project", "created_by")
    return permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)


def _needs_export_approval(request: HttpRequest, customer: Customer) -> HttpResponse:
    """Someone who may read the archive but not copy it: say what approval to ask for."""
    return render(
        request, "archives/access/needs_approval.html", {"customer": customer}, status=403
    )


@login_required
def archive_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The A4 archive sheet (客户档案表): printing is copying, so it needs the export right."""
    customer = _archive(request, pk)
    if not permissions.can(request.user, permissions.EXPORT, customer):
        return _needs_export_approval(request, customer)
    archive_services.log_access(user=request.user, customer=customer, action=AccessAction.PRINT)
    return render(
        request,
        "archives/access/archive_print.html",
        {
            "customer": customer,
            "sections": sheet.sections(customer, request.user),
            "form_record": services.SheetRecord(customer, request.user),
            "title": _("Customer archive sheet"),
        },
    )


@login_required
def archive_export(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _archive(request, pk)
    if not permissions.can(request.user, permissions.EXPORT, customer):
        return _needs_export_approval(request, customer)
    archive_services.log_access(user=request.user, customer=customer, action=AccessAction.EXPORT)
    content = sheet.workbook(customer, request.user, exports.company_name())
    return exports.xlsx_response(content, f"{customer.number}.xlsx")


@never_cache
@login_required
@require_POST
def archive_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one masked value in full: a POST (never a link), logged (R-ACC-06)."""
    customer = _archive(request, pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        value = services.reveal(
            user=request.user,
            customer=customer,
            kind=form.cleaned_data["kind"],
            pk=form.cleaned_data["pk"],
        )
    except ValidationError:
        raise Http404 from None
    template = "archives/access/revealed.html"
    if not request.htmx:
        template = "archives/access/revealed_page.html"
    return render(request, template, {"customer": customer, "value": value})


# --- Access log ------------------------------------------------------------------------------


def _may_read_register(user) -> bool:
    return user.is_superuser or has_role(
        user, Role.GENERAL_MANAGER, Role.ARCHIVE_KEEPER, Role.SALES_MANAGER
    )


def _filtered_log(request: HttpRequest) -> tuple[AccessLogFilterForm, object]:
    if not _may_read_register(request.user):
        raise PermissionDenied
    form = AccessLogFilterForm(request.GET or None)
    rows = permissions.visible(
        request.user, permissions.VIEW, AccessLog.objects.select_related("user")
    )
    if form.is_valid():
        rows = exports.filter_log(rows, form.cleaned_data)
    return form, rows.order_by("-at", "-pk")


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered_log(request)
    page = Paginator(rows, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "archives/access/access_log.html",
        {"form": form, "page_obj": page, "rows": page.object_list},
    )


@login_required
def access_log_export(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered_log(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the search before exporting."))
        return redirect("archives:access_log")
    content, count = exports.log_workbook(rows)
    exports.log_register_export(request.user, count, form.cleaned_data if form.is_bound else {})
    return exports.xlsx_response(content, "access-log.xlsx")


# --- Retention and destruction ------------------------------------------------------------------


def _destruction(request: HttpRequest, pk: int) -> DestructionRequest:
    queryset = DestructionRequest.objects.select_related(
        "filled_by", "department", "signed_off_by", "carried_out_by"
    )
    return permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)


@login_required
def retention_list(request: HttpRequest) -> HttpResponse:
    if not retention.may_request(request.user):
        raise PermissionDenied
    due = permissions.visible(
        request.user,
        permissions.VIEW,
        retention.due_for_destruction().select_related("owner", "project"),
    ).order_by("status_changed_at", "pk")
    page = Paginator(due, PAGE_SIZE).get_page(request.GET.get("page"))
    records = permissions.visible(
        request.user,
        permissions.VIEW,
        DestructionRequest.objects.select_related("filled_by", "carried_out_by"),
    )
    return render(
        request,
        "archives/access/retention.html",
        {
            "page_obj": page,
            "due": page.object_list,
            "records": records[:50],
            "years": retention.retention_years(),
            "waiting": services.awaiting(request.user, records).count(),
        },
    )


@login_required
def destruction_new(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _archive(request, pk)
    if not retention.may_request(request.user):
        raise PermissionDenied
    form = DestructionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = retention.request_destruction(
                customer=customer, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, _("Destruction %(number)s requested.") % {"number": record.number}
            )
            return redirect("archives:destruction_detail", pk=record.pk)
    return render(
        request, "archives/access/destruction_form.html", {"form": form, "customer": customer}
    )


@login_required
def destruction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _destruction(request, pk)
    step = services.current_step(record)
    return render(
        request,
        "archives/access/destruction_detail.html",
        {
            "record": record,
            "decisions": record.decisions.select_related("by"),
            "step_deciders": services.deciders(record, step) if step else [],
            "may_decide": services.may_decide(request.user, record),
            "may_carry_out": retention.may_carry_out(request.user, record),
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def destruction_decide(request: HttpRequest, pk: int) -> HttpResponse:
    record = _destruction(request, pk)
    _decide(request, partial(retention.decide_destruction, record=record, by=request.user))
    return redirect("archives:destruction_detail", pk=record.pk)


@login_required
@require_POST
def destruction_carry_out(request: HttpRequest, pk: int) -> HttpResponse:
    record = _destruction(request, pk)
    if request.POST.get("confirm") != record.customer_number:
        messages.error(request, _("Type the archive number to confirm the destruction."))
        return redirect("archives:destruction_detail", pk=record.pk)
    try:
        retention.carry_out_destruction(record=record, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("Archive %(number)s destroyed.") % {"number": record.customer_number}
        )
    return redirect("archives:destruction_detail", pk=record.pk)


@login_required
def destruction_print(request: HttpRequest, pk: int) -> HttpResponse:
    record = _destruction(request, pk)
    return render(
        request,
        "archives/access/destruction_print.html",
        {
            "record": record,
            "form_record": record,
            "decisions": record.decisions.select_related("by"),
            "title": _("Archive destruction record"),
        },
    )
