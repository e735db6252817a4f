"""The arrears ladder on screen (R-BIL-05): the board, arrears notices, the general manager's
decisions, and suspension / reconnection work orders."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import rules, services
from billing.forms import DecisionForm, DeliverForm, WorkOrderDoneForm
from billing.models import (
    ArrearsNotice,
    GasWorkOrder,
    LadderStep,
    Statement,
    SuspensionRequest,
    SuspensionStatus,
    WorkOrderStatus,
)
from billing.models.statements import UNPAID
from billing.views.common import (
    PAGE_SIZE,
    capabilities,
    get_or_404,
    require,
    require_billing,
    visible,
)

LADDER = [
    LadderStep.OVERDUE,
    LadderStep.NOTIFIED,
    LadderStep.ARREARS_NOTICE,
    LadderStep.SUSPENSION_REQUESTED,
    LadderStep.SUSPENDED,
]


@login_required
def arrears(request: HttpRequest) -> HttpResponse:
    """Every unpaid statement past its due date, by ladder step (filter with ?step=)."""
    require_billing(request)
    today = timezone.localdate()
    overdue = visible(request, Statement.objects.filter(status__in=UNPAID, due_on__lt=today))
    counts = dict(overdue.values_list("ladder_step").annotate(n=Count("pk")).order_by())
    step = request.GET.get("step") or ""
    rows = overdue.for_list().with_outstanding().select_related("arrears_notice")
    if step in LadderStep.values:
        rows = rows.filter(ladder_step=step)
    page = Paginator(rows.order_by("due_on", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/arrears.html",
        {
            "steps": [
                (s, LadderStep(s).label, counts.get(s, 0)) for s in [LadderStep.CURRENT, *LADDER]
            ],
            "step": step,
            "page_obj": page,
            "statements": page.object_list,
            "today": today,
            "can": capabilities(request.user),
        },
    )


@login_required
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = ArrearsNotice.objects.select_related(
        "statement",
        "account__customer",
        "account__unit__floor__building__project",
        "filled_by",
        "delivered_by",
        "sms",
    )
    notice = get_or_404(request, queryset, pk)
    return render(
        request,
        "billing/notice_print.html",
        {
            "notice": notice,
            "account": notice.account,
            "form_record": notice,
            "title": _("Gas arrears notice"),
            "deliver_form": DeliverForm() if not notice.delivered_on else None,
            "can": capabilities(request.user),
        },
    )


def _record_field_work(request, form, record, done: str, invalid: str | None = None) -> None:
    """Once `form` is valid, `record(by=…, **cleaned_data)` saves what was done in the field;
    the user is told so, or why not (`invalid`, or else the form's own errors)."""
    if not form.is_valid():
        messages.error(
            request, invalid or " ".join(e for errors in form.errors.values() for e in errors)
        )
        return
    try:
        record(by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)


@login_required
@require_POST
def notice_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_or_404(request, ArrearsNotice, pk)
    require(request, rules.may_do_field_work)
    _record_field_work(
        request,
        DeliverForm(request.POST),
        partial(services.deliver_notice, notice=notice),
        _("Delivery recorded."),
        invalid=_("Enter the delivery date."),
    )
    return redirect("billing:notice_print", pk=notice.pk)


@login_required
def suspension_list(request: HttpRequest) -> HttpResponse:
    require_billing(request)
    requests = visible(
        request,
        SuspensionRequest.objects.select_related(
            "account__customer",
            "account__unit__floor__building__project",
            "statement",
            "notice",
            "requested_by",
            "decided_by",
        ),
    ).order_by("-requested_on", "-pk")
    pending = list(requests.filter(status=SuspensionStatus.PENDING))
    page = Paginator(requests.exclude(status=SuspensionStatus.PENDING), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "billing/suspension_list.html",
        {
            "pending": pending,
            "page_obj": page,
            "decided": page.object_list,
            "decision_form": DecisionForm(),
            "can": capabilities(request.user),
        },
    )


@login_required
@require_POST
def suspension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    suspension = get_or_404(request, SuspensionRequest, pk)
    require(request, rules.may_decide_suspension)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            order = services.decide_suspension(
                request=suspension,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if order:
                messages.success(
                    request, _("Approved: work order %(number)s.") % {"number": order.number}
                )
            else:
                messages.success(request, _("Request rejected."))
    else:
        messages.error(request, _("Choose approve or reject."))
    return redirect("billing:suspension_list")


def _orders():
    return GasWorkOrder.objects.select_related(
        "account__customer",
        "account__unit__floor__building__project",
        "assigned_to",
        "done_by",
        "filled_by",
    )


@login_required
def work_order_list(request: HttpRequest) -> HttpResponse:
    require_billing(request)
    status = request.GET.get("status") or WorkOrderStatus.OPEN
    orders = visible(request, _orders())
    if status in WorkOrderStatus.values:
        orders = orders.filter(status=status)
    page = Paginator(orders.order_by("-planned_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "billing/work_order_list.html",
        {
            "page_obj": page,
            "orders": page.object_list,
            "status": status,
            "statuses": WorkOrderStatus.choices,
        },
    )


@login_required
def work_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_or_404(request, _orders().select_related("request__statement"), pk)
    return render(
        request,
        "billing/work_order_detail.html",
        {
            "order": order,
            "account": order.account,
            "form_record": order,
            "title": order.get_kind_display(),
            "done_form": WorkOrderDoneForm() if order.status == WorkOrderStatus.OPEN else None,
            "can": capabilities(request.user),
        },
    )


@login_required
@require_POST
def work_order_done(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_or_404(request, GasWorkOrder, pk)
    require(request, rules.may_do_field_work)
    _record_field_work(
        request,
        WorkOrderDoneForm(request.POST),
        partial(services.complete_work_order, order=order),
        _("Work order done."),
    )
    return redirect("billing:work_order_detail", pk=order.pk)
