"""Work orders: the list, the front desk's intake (with the tenant lookup), the order page,
its A4 print in four copies, its photos and signature, and a technician's jobs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from archives import privacy
from archives.models import Customer, Occupancy
from crm import permissions, searches
from crm.models import Unit
from crm.phones import national
from crm.roles import Role, has_role
from repairs import services, sla, tenants
from repairs.forms import CustomerOrderForm, OrderFilterForm, PublicOrderForm
from repairs.models import Clock, ClockKind, OrderKind, OrderStatus, Photo, WorkOrder
from repairs.views.context import detail_context, form_clock, print_copies

PAGE_SIZE = 20
FILE_CSP = "default-src 'none'; sandbox"


def get_order(request, pk, action=permissions.VIEW) -> WorkOrder:
    queryset = WorkOrder.objects.select_related(
        "customer__owner",
        "unit__floor__building__project",
        "filled_by",
        "quoted_by",
        "consent_recorded_by",
        "completed_by",
        "signed_off_by",
        "finance_batch",
    )
    return permissions.get_for_user_or_404(request.user, action, queryset, pk)


def changeable_order(request, pk) -> WorkOrder:
    """404 for strangers; 403 for those who may only read (the sales owner, the manager)."""
    order = get_order(request, pk)
    if not permissions.can(request.user, permissions.CHANGE, order):
        raise PermissionDenied
    return order


def filtered_orders(request, queryset=None):
    form = OrderFilterForm(searches.bound(request))
    orders = queryset if queryset is not None else WorkOrder.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data.get("status") == "open":
            orders = orders.open()
        elif data.get("status"):
            orders = orders.filter(status=data["status"])
        if data.get("kind"):
            orders = orders.filter(kind=data["kind"])
        if data.get("broken"):
            broken = Clock.objects.filter(order=OuterRef("pk"), breached_at__isnull=False)
            orders = orders.filter(Exists(broken))
        if text := (data.get("q") or "").strip():
            orders = orders.filter(
                Q(number__icontains=text)
                | Q(customer__name__icontains=text)
                | Q(location__icontains=text)
                | Q(problem__icontains=text)
            )
    visible = permissions.visible(request.user, permissions.VIEW, orders)
    return form, visible.for_list().order_by("-received_at", "-pk")


@login_required
@permission_required("repairs.view_workorder", raise_exception=True)
def order_list(request: HttpRequest) -> HttpResponse:
    """The orders, filtered; the words searched for (a name, a unit) are POSTed and kept in the
    session, the URL carries a token (R-ACC-06)."""
    if request.method == "POST":
        return redirect(searches.redirect_url(request, request.path))
    form, orders = filtered_orders(request)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "repairs/order_list.html",
        {
            "form": form,
            "page_obj": page,
            "orders": page.object_list,
            "now": timezone.now(),
            "can_write": request.user.has_perm("repairs.add_workorder"),
        },
    )


# --- Intake (R-REP-01, R-REP-05) ------------------------------------------------------------


def _may_write(user) -> bool:
    return user.is_superuser or has_role(user, Role.FRONT_DESK, Role.ENGINEERING_SUPERVISOR)


def _require_writer(request) -> None:
    if not _may_write(request.user):
        raise PermissionDenied


def _visible_customers(request):
    return permissions.visible(request.user, permissions.VIEW, Customer.objects.active())


def _tenant_initial(request, occupancy_pk) -> dict:
    occupancy = tenants.occupancies_for(request.user).filter(pk=occupancy_pk).first()
    if occupancy is None:
        return {}
    return {
        "customer": occupancy.customer_id,
        "unit": occupancy.unit_id,
        "location": occupancy.unit.label,
        "contact_name": occupancy.customer.name,
        "contact_phone": national(occupancy.phone or ""),
    }


def _units_of(customer_pk):
    if not customer_pk:
        return Unit.objects.none()
    current = Occupancy.objects.current().filter(customer_id=customer_pk)
    return Unit.objects.with_location().filter(pk__in=current.values("unit_id"))


def _posted_customer(request) -> int | None:
    try:
        return int(request.POST.get("customer") or request.GET.get("customer") or 0) or None
    except ValueError:
        return None


@login_required
def order_create(request: HttpRequest) -> HttpResponse:
    """维修单, filled in one go on a phone while the caller is on the line."""
    _require_writer(request)
    opened = timezone.now()
    customers = _visible_customers(request)
    if request.method == "POST":
        form = CustomerOrderForm(
            request.POST,
            request.FILES,
            customers=customers,
            units=_units_of(_posted_customer(request)),
        )
        if form.is_valid():
            data = form.cleaned_data
            unit = data.get("unit")
            try:
                order = services.create_order(
                    by=request.user,
                    kind=OrderKind.CUSTOMER,
                    customer=data["customer"],
                    unit=unit,
                    location=data["location"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    problem=data["problem"],
                    urgency=data["urgency"],
                    appointment_at=data.get("appointment_at"),
                    price_items=[data["price_item"]] if data.get("price_item") else [],
                    received_at=data["received_at"],
                    photos=data.get("photos") or [],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _written_message(order))
                return redirect(order)
        opened = _opened_from(form) or opened
    else:
        initial = {"received_at": timezone.localtime(opened).replace(microsecond=0)}
        initial |= _tenant_initial(request, request.GET.get("occupancy"))
        form = CustomerOrderForm(
            initial=initial, customers=customers, units=_units_of(initial.get("customer"))
        )
    chosen = customers.filter(pk=form["customer"].value() or 0).first()
    query = searches.words(request)  # a tenant search without JavaScript (see tenant_search)
    return render(
        request,
        "repairs/order_form.html",
        {
            "form": form,
            "public": False,
            "chosen": chosen,
            "clock": form_clock(opened, ClockKind.WRITE),
            "query": query,
            "results": tenants.find_tenants(request.user, query),
        },
    )


def _opened_from(form):
    """On a redisplay the write clock keeps counting from the call, not from the error."""
    try:
        return form.fields["received_at"].clean(form.data.get("received_at"))
    except ValidationError:
        return None


def _written_message(order: WorkOrder) -> str:
    if order.status == OrderStatus.QUOTE:
        return _("%(number)s written; engineering was told and will quote the job.") % {
            "number": order.number
        }
    return _("%(number)s written; engineering was told.") % {"number": order.number}


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def public_order_create(request: HttpRequest) -> HttpResponse:
    """公共区域维修单: engineering is told within 10 minutes and on site within 15."""
    _require_writer(request)
    opened = timezone.now()
    if request.method == "POST":
        form = PublicOrderForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = services.create_order(
                    by=request.user,
                    kind=OrderKind.PUBLIC,
                    unit=data.get("unit"),
                    location=data["location"],
                    contact_name=data["contact_name"],
                    contact_phone=data.get("contact_phone", ""),
                    problem=data["problem"],
                    received_at=data["received_at"],
                    photos=data.get("photos") or [],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _written_message(order))
                return redirect(order)
        opened = _opened_from(form) or opened
    else:
        form = PublicOrderForm(
            initial={"received_at": timezone.localtime(opened).replace(microsecond=0)}
        )
    return render(
        request,
        "repairs/order_form.html",
        {"form": form, "public": True, "clock": form_clock(opened, ClockKind.PUBLIC_NOTIFY)},
    )


@login_required
@require_POST
def tenant_search(request: HttpRequest) -> HttpResponse:
    """HTMX: the tenants matching what the front desk typed. A POST, although it only reads:
    a name, a unit or a phone number stays out of URLs and access logs (R-ACC-06). Without
    JavaScript the form lands here too and goes back to the intake with the words by token."""
    _require_writer(request)
    query = request.POST.get("q", "").strip()
    if not request.htmx:
        return redirect(searches.redirect_url(request, reverse("repairs:order_create")))
    return render(
        request,
        "repairs/includes/tenant_results.html",
        {"results": tenants.find_tenants(request.user, query), "query": query},
    )


@login_required
@require_GET
def tenant_pick(request: HttpRequest) -> HttpResponse:
    """HTMX: the chosen tenant's fields (customer, unit, address, contact, phone) filled in."""
    _require_writer(request)
    initial = _tenant_initial(request, request.GET.get("occupancy"))
    if not initial:
        raise Http404
    form = CustomerOrderForm(
        initial=initial,
        customers=_visible_customers(request),
        units=_units_of(initial["customer"]),
    )
    chosen = _visible_customers(request).filter(pk=initial["customer"]).first()
    return render(request, "repairs/includes/tenant_fields.html", {"form": form, "chosen": chosen})


# --- One order ------------------------------------------------------------------------------


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_order(request, pk)
    return render(request, "repairs/order_detail.html", detail_context(request, order))


@login_required
def order_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The A4 form: four copies (customer, engineering, finance, front desk), one per page."""
    order = get_order(request, pk)
    context = detail_context(request, order)
    context["copies"] = print_copies(order)
    return render(request, "repairs/order_print.html", context)


@login_required
def photo_download(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    order = get_order(request, pk, permissions.DOWNLOAD)
    photo = permissions.get_for_user_or_404(
        request.user, permissions.DOWNLOAD, Photo.objects.filter(order=order), photo_pk
    )
    response = FileResponse(
        photo.file.open("rb"),
        as_attachment=True,
        filename=photo.original_name,
        content_type=photo.content_type,
    )
    response["Content-Security-Policy"] = FILE_CSP
    return response


@login_required
def order_signature(request: HttpRequest, pk: int) -> FileResponse:
    """The customer's signature: a PNG we re-encoded ourselves, shown on the order and print."""
    order = get_order(request, pk, permissions.DOWNLOAD)
    if not order.signature:
        raise Http404
    response = FileResponse(order.signature.open("rb"), content_type="image/png")
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_jobs(request: HttpRequest) -> HttpResponse:
    """The technician's phone screen: my jobs with their clocks, then the open queue."""
    if not has_role(request.user, Role.TECHNICIAN):
        raise PermissionDenied
    mine = WorkOrder.objects.assigned_to(request.user)
    active = mine.filter(status__in=[*OrderStatus.open(), OrderStatus.REFUSED])
    to_return = mine.filter(status=OrderStatus.DONE, signed_off_at__isnull=True)
    queue = permissions.visible(request.user, permissions.VIEW, WorkOrder.objects.in_queue())
    return render(
        request,
        "repairs/my_jobs.html",
        {
            "active": sla.by_deadline(active.for_list()),
            "to_return": to_return.for_list().order_by("completed_at"),
            "queue": queue.for_list().order_by("received_at"),
            "now": timezone.now(),
            "full_contact": privacy.role_sees_full_contact(request.user),
        },
    )
