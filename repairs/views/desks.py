"""The desks around the orders: orders not yet returned by 17:00 (supervisor), the monthly
list of charges for finance (front desk sends, finance collects), the breach report, and the
price list the supervisor keeps."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, UpdateView

from crm import permissions
from crm.roles import Role, has_role
from repairs import charges as charge_services
from repairs import reports, services
from repairs.forms import PriceItemForm
from repairs.models import ClockKind, OrderStatus, PriceItem, WorkOrder
from repairs.views.orders import _add_errors


def _supervisor(request) -> None:
    if not (request.user.is_superuser or has_role(request.user, Role.ENGINEERING_SUPERVISOR)):
        raise PermissionDenied


def not_returned(user):
    """Completed orders whose copies are not yet back with the supervisor (due 17:00)."""
    orders = WorkOrder.objects.filter(status=OrderStatus.DONE, signed_off_at__isnull=True)
    return permissions.visible(user, permissions.VIEW, orders)


@login_required
def returns(request: HttpRequest) -> HttpResponse:
    """The supervisor's 17:00 list: tick the orders handed back and sign them off."""
    _supervisor(request)
    pending = not_returned(request.user)
    if request.method == "POST":
        chosen = pending.filter(pk__in=request.POST.getlist("order"))
        count = services.confirm_return(orders=list(chosen), by=request.user)
        if count:
            messages.success(request, _("%(n)s orders signed off as returned.") % {"n": count})
        else:
            messages.error(request, _("Tick the orders that were handed back."))
        return redirect("repairs:returns")
    now = timezone.now()
    orders = list(pending.for_list().order_by("completed_at"))
    return render(
        request,
        "repairs/returns.html",
        {
            "orders": orders,
            "now": now,
            "late": sum(1 for o in orders for c in o.running_clocks if c.due_at < now),
        },
    )


# --- Charges for finance (R-REP-04) ---------------------------------------------------------


def _month(request) -> dt.date:
    try:
        return dt.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        return charge_services.month_start(timezone.localdate())


def _charges_context(request, action=permissions.VIEW) -> dict:
    month = _month(request)
    orders, batch = charge_services.charges_of_month(month)
    orders = permissions.visible(request.user, action, orders).for_list()
    orders = orders.select_related("finance_batch").order_by("completed_at", "pk")
    totals = orders.aggregate(total=Sum("total_amount"), paid=Sum("paid_amount"))
    this_month = charge_services.month_start(timezone.localdate())
    return {
        "month": month,
        "previous": (month - dt.timedelta(days=1)).replace(day=1),
        "next": (month + dt.timedelta(days=32)).replace(day=1) if month < this_month else None,
        "batch": batch,
        "due": charge_services.handoff_due(month),
        "orders": orders,
        "total": totals["total"] or 0,
        "paid": totals["paid"] or 0,
        "waiting": charge_services.awaiting_finance().count() if month == this_month else 0,
        "is_current": month == this_month,
    }


@login_required
@permission_required("repairs.export_workorder", raise_exception=True)
def charges(request: HttpRequest) -> HttpResponse:
    context = _charges_context(request)
    context["can_send"] = has_role(request.user, Role.FRONT_DESK) and context["is_current"]
    context["is_finance"] = has_role(request.user, Role.FINANCE)
    return render(request, "repairs/charges.html", context)


@login_required
@require_POST
def charges_send(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.FRONT_DESK):
        raise PermissionDenied
    try:
        batch = charge_services.send_to_finance(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("repairs:charges")
    messages.success(
        request,
        _("%(count)s orders handed to finance for %(month)s.")
        % {"count": batch.order_count, "month": f"{batch.month:%Y-%m}"},
    )
    return redirect(f"{reverse('repairs:charges')}?month={batch.month:%Y-%m}")


@login_required
@permission_required("repairs.export_workorder", raise_exception=True)
def charges_export(request: HttpRequest) -> HttpResponse:
    """The month's list as a spreadsheet, to collect with the management fee."""
    from openpyxl import Workbook

    context = _charges_context(request, permissions.EXPORT)
    book = Workbook()
    sheet = book.active
    sheet.title = f"{context['month']:%Y-%m}"
    sheet.append(
        [
            _("Order number"),
            _("Customer"),
            _("Address"),
            pgettext("repair order", "Completed"),
            _("Items"),
            _("Charges"),
            _("Paid"),
            _("Outstanding"),
        ]
    )
    for order in context["orders"].prefetch_related("lines"):
        sheet.append(
            [
                order.number,
                order.customer.name if order.customer else "",
                order.location,
                timezone.localtime(order.completed_at).strftime("%Y-%m-%d %H:%M"),
                "；".join(f"{line.name}×{line.quantity.normalize()}" for line in order.lines.all()),
                order.total_amount,
                order.paid_amount,
                order.outstanding,
            ]
        )
    sheet.append(["", "", "", "", _("Total"), context["total"], context["paid"]])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"repair-charges-{context['month']:%Y-%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Breach report (R-REP-06) ---------------------------------------------------------------


@login_required
def report(request: HttpRequest) -> HttpResponse:
    if not (
        request.user.is_superuser
        or has_role(request.user, Role.ENGINEERING_SUPERVISOR, Role.GENERAL_MANAGER)
    ):
        raise PermissionDenied
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year)
    return render(
        request,
        "repairs/report.html",
        {
            "year": year,
            "years": list(range(this_year, this_year - 4, -1)),
            "by_month": reports.by_month(year),
            "by_kind": reports.by_kind(year),
            "by_person": reports.by_person(year),
            "breaches": reports.breaches(year),
            "kinds": ClockKind,
        },
    )


# --- The price list (R-REP-02) --------------------------------------------------------------


@login_required
@permission_required("repairs.view_priceitem", raise_exception=True)
def price_list(request: HttpRequest) -> HttpResponse:
    items = permissions.visible(request.user, permissions.VIEW, PriceItem.objects.all())
    if not request.GET.get("all"):
        items = items.active()
    return render(
        request,
        "repairs/price_list.html",
        {
            "items": items.order_by("category", "sort_order", "code"),
            "can_edit": request.user.is_superuser
            or has_role(request.user, Role.ENGINEERING_SUPERVISOR),
            "showing_all": bool(request.GET.get("all")),
        },
    )


class _PriceItemEdit(LoginRequiredMixin):
    model = PriceItem
    form_class = PriceItemForm
    template_name = "repairs/price_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _supervisor(request)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        fields = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        current = PriceItem.objects.get(pk=form.instance.pk) if form.instance.pk else None
        try:
            self.object = charge_services.save_price_item(
                by=self.request.user, item=current, reason=form.cleaned_data["reason"], **fields
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Price list saved."))
        return redirect("repairs:price_list")


class PriceItemCreate(_PriceItemEdit, CreateView):
    pass


class PriceItemUpdate(_PriceItemEdit, UpdateView):
    def get_object(self, queryset=None):
        return permissions.get_for_user_or_404(
            self.request.user, permissions.CHANGE, PriceItem, self.kwargs["pk"]
        )


@login_required
@permission_required("repairs.view_priceitem", raise_exception=True)
def price_history(request: HttpRequest, pk: int) -> HttpResponse:
    item = permissions.get_for_user_or_404(request.user, permissions.VIEW, PriceItem, pk)
    revisions = item.history.select_related("history_user").order_by("-history_date")
    return render(
        request, "repairs/price_history.html", {"item": item, "revisions": revisions[:100]}
    )
