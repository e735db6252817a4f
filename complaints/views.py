"""Screens of the complaints app. Views parse input, ask crm.permissions, call one service and
redirect; state changes are POST only. Strangers get 404, readers 403 on writes."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from archives import privacy
from archives.models import Customer, CustomerPhone, Occupancy
from archives.search import search_customers
from complaints import services, summary
from complaints.forms import (
    CloseForm,
    ComplaintFilterForm,
    FollowForm,
    IntakeForm,
    LinkForm,
    MonthForm,
    ReclassifyForm,
    ReopenForm,
    ReplyForm,
    StepForm,
    visible_customers,
)
from complaints.models import (
    STEP_HELP,
    STEP_ORDER,
    Complaint,
    ComplaintStep,
    Confirmation,
    IncomingDocument,
    ReplyMethod,
    Status,
    StepKind,
)
from crm import permissions, searches
from crm.roles import Role, has_role

PAGE_SIZE = 20
LOOKUP_ROWS = 8


def _complaint(request, pk, action=permissions.VIEW) -> Complaint:
    queryset = Complaint.objects.for_list().select_related(
        "department__head", "concerned_staff", "filled_by", "closed_by", "signed_off_by"
    )
    return permissions.get_for_user_or_404(request.user, action, queryset, pk)


def _changeable(request, pk) -> Complaint:
    """404 for strangers; 403 for those who may read it but not handle it."""
    complaint = _complaint(request, pk)
    if not permissions.can(request.user, permissions.CHANGE, complaint):
        raise PermissionDenied
    return complaint


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Lists ----------------------------------------------------------------------------------


def _states(user, now) -> dict[str, tuple[str, Q]]:
    """The list's tabs: label and condition."""
    overdue = Q(replied_at__isnull=True, reply_due_at__lt=now) & ~Q(status=Status.CLOSED)
    return {
        "open": (pgettext("complaint", "Open"), ~Q(status=Status.CLOSED)),
        "new": (Status.NEW.label, Q(status=Status.NEW)),
        "handling": (Status.HANDLING.label, Q(status=Status.HANDLING)),
        "replied": (Status.REPLIED.label, Q(status=Status.REPLIED)),
        "overdue": (pgettext("complaint", "Overdue"), overdue),
        "mine": (_("Mine"), Q(handler=user) & ~Q(status=Status.CLOSED)),
        "closed": (Status.CLOSED.label, Q(status=Status.CLOSED)),
        "all": (_("All"), Q()),
    }


ORDERS = {"closed": ["-closed_at", "-pk"], "all": ["-filled_at", "-pk"]}


def _search(complaints, text: str):
    text = (text or "").strip()
    if not text:
        return complaints
    condition = (
        Q(number__icontains=text)
        | Q(subject__icontains=text)
        | Q(caller_name__icontains=text)
        | Q(customer__name__icontains=text)
    )
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 4 and len(digits) == len(re.sub(r"[\s\-+]", "", text)):
        phones = CustomerPhone.objects.filter(
            customer=OuterRef("customer"), number__endswith=digits[-11:]
        )
        condition |= Q(caller_phone__endswith=digits[-11:]) | Q(Exists(phones))
    return complaints.filter(condition)


@login_required
@permission_required("complaints.view_complaint", raise_exception=True)
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Lists by state, with the clock of each reply deadline (R-CMP-03). The search words are
    POSTed and kept in the session; the URL carries a token (R-ACC-06)."""
    if request.method == "POST":
        return redirect(searches.redirect_url(request, request.path))
    now = timezone.now()
    states = _states(request.user, now)
    state = request.GET.get("state") if request.GET.get("state") in states else "open"
    form = ComplaintFilterForm(searches.bound(request))
    complaints = permissions.visible(request.user, permissions.VIEW, Complaint.objects.all())
    if form.is_valid():
        data = form.cleaned_data
        complaints = _search(complaints, data.get("q"))
        for name in ("category", "severity", "department"):
            if data.get(name):
                complaints = complaints.filter(**{name: data[name]})
    counts = complaints.aggregate(
        **{key: Count("pk", filter=condition) for key, (_label, condition) in states.items()}
    )
    rows = (
        complaints.filter(states[state][1])
        .for_list()
        .order_by(*ORDERS.get(state, ["reply_due_at", "pk"]))
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [(key, label, counts[key]) for key, (label, _condition) in states.items()]
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "form": form,
            "tabs": tabs,
            "state": state,
            "page_obj": page,
            "complaints": page.object_list,
            "query": _query_without("state", request),
            "can_add": request.user.has_perm("complaints.add_complaint"),
        },
    )


def _query_without(name: str, request) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    query.pop("page", None)
    return query.urlencode()


@login_required
@permission_required("complaints.view_incomingdocument", raise_exception=True)
def incoming_register(request: HttpRequest) -> HttpResponse:
    """收文登记簿: written complaints with their SW numbers and replies (§11 二(三))."""
    documents = permissions.visible(
        request.user, permissions.VIEW, IncomingDocument.objects.all()
    ).select_related("complaint", "presented_to", "filled_by")
    page = Paginator(documents.order_by("-received_on", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "complaints/register.html",
        {"page_obj": page, "documents": page.object_list, "title": _("Incoming-document register")},
    )


@login_required
@permission_required("complaints.view_complaint", raise_exception=True)
def monthly_summary(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.GET or None)
    if form.is_valid():
        year, month = form.cleaned_data["month"]
    else:
        today = timezone.localdate()
        year, month = today.year, today.month
    visible = permissions.visible(request.user, permissions.VIEW, Complaint.objects.all())
    context = summary.monthly_summary(visible, year, month)
    return render(
        request,
        "complaints/summary.html",
        {
            **context,
            "form": form,
            "month_value": f"{year:04d}-{month:02d}",
            "title": _("Monthly complaint summary"),
        },
    )


# --- Intake ---------------------------------------------------------------------------------


@login_required
@permission_required("complaints.add_complaint", raise_exception=True)
def complaint_create(request: HttpRequest) -> HttpResponse:
    """The front desk and customer service take a complaint on one form (R-CMP-01)."""
    form = IntakeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.receive_complaint(by=request.user, **form.service_arguments())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Complaint %(number)s recorded; the reply is due %(due)s.")
                % {
                    "number": complaint.number,
                    "due": f"{timezone.localtime(complaint.reply_due_at):%Y-%m-%d %H:%M}",
                },
            )
            return redirect(complaint)
    chosen = form.cleaned_data.get("customer") if form.is_bound and form.is_valid() else None
    if form.is_bound and not chosen:
        chosen = _chosen_customer(request, form)
    return render(
        request,
        "complaints/complaint_form.html",
        {"form": form, "chosen": _lookup_rows(request, [chosen]) if chosen else []},
    )


def _chosen_customer(request, form):
    pk = form.data.get("customer")
    if not pk or not str(pk).isdigit():
        return None
    return visible_customers(request.user).filter(pk=pk).first()


def _lookup_rows(request, customers) -> list[dict]:
    full = privacy.role_sees_full_contact(request.user)
    pks = [customer.pk for customer in customers if customer is not None]
    current = Occupancy.objects.current().select_related("unit__floor__building__project")
    found = (
        Customer.objects.filter(pk__in=pks)
        .with_primary_phone()
        .prefetch_related(Prefetch("occupancies", current, to_attr="current_occupancies"))
    )
    found = privacy.annotate_is_mine(found, request.user)
    rows = []
    for customer in found:
        units = [occupancy.unit for occupancy in customer.current_occupancies]
        rows.append(
            {
                "customer": customer,
                "units": units,
                "unit_pk": units[0].pk if len(units) == 1 else "",
                "full_phone": full or customer.is_mine,
            }
        )
    return rows


@login_required
@require_POST
def customer_lookup(request: HttpRequest) -> HttpResponse:
    """HTMX: customers the user may see, found by name, pinyin, phone or unit number.

    POST, although it only reads: what is typed is a name or a phone number, and personal
    data stays out of URLs and access logs."""
    text = (request.POST.get("find") or "").strip()
    customers = []
    if len(text) >= 1:
        visible = visible_customers(request.user)
        by_unit = Occupancy.objects.current().filter(
            Q(unit__number__iexact=text)
            | Q(
                unit__number__iexact=text.split("-")[-1],
                unit__floor__building__name=text.split("-")[0],
            )
        )
        matches = visible.filter(
            Q(pk__in=search_customers(visible, text).values("pk"))
            | Q(pk__in=by_unit.values("customer_id"))
        )
        customers = list(matches.order_by("name", "pk")[:LOOKUP_ROWS])
    return render(
        request,
        "complaints/includes/customer_choices.html",
        {"rows": _lookup_rows(request, customers), "searched": bool(text)},
    )


# --- One complaint --------------------------------------------------------------------------


def _step_form(kind, complaint, data=None):
    if kind == StepKind.REPLIED:
        return ReplyForm(data, complaint=complaint, prefix=kind)
    if kind == StepKind.FOLLOWED:
        return FollowForm(data, complaint=complaint, prefix=kind)
    return StepForm(data, prefix=kind)


def _clears(complaint, steps, can_change: bool, bound: dict) -> list[dict]:
    """The five clears as the page shows them: entries, state, and a form where allowed."""
    scope = services.steps_in_scope(complaint, steps)
    allowed = services.allowed_steps(complaint, steps)
    coming = services.next_step(complaint, steps)
    clears = []
    for kind in STEP_ORDER:
        form = None
        if can_change and kind in allowed and kind != StepKind.RECORDED:
            form = bound.get(kind) or _step_form(kind, complaint)
        clears.append(
            {
                "kind": kind,
                "label": StepKind(kind).label,
                "help": STEP_HELP[kind],
                "entries": [s for s in steps if s.kind == kind],
                "done": bool(scope[kind]),
                "current": kind == coming,
                "form": form,
            }
        )
    return clears


def _detail(request, complaint: Complaint, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    user = request.user
    steps = list(ComplaintStep.objects.filter(complaint=complaint).select_related("by"))
    can_change = permissions.can(user, permissions.CHANGE, complaint)
    clears = _clears(complaint, steps, can_change, bound)
    allowed = services.allowed_steps(complaint, steps)
    closing = can_change and StepKind.RECORDED in allowed
    customer_visible = complaint.customer_id and permissions.can(
        user, permissions.VIEW, complaint.customer
    )
    return render(
        request,
        "complaints/complaint_detail.html",
        {
            "complaint": complaint,
            "clears": clears,
            "can_change": can_change,
            "close_form": (bound.get("close") or CloseForm(complaint=complaint))
            if closing
            else None,
            "reopen_form": (bound.get("reopen") or ReopenForm()) if complaint.is_closed else None,
            "reclassify_form": bound.get("reclassify")
            or ReclassifyForm(initial=_classes(complaint)),
            "link_form": (bound.get("link") or LinkForm(user=user))
            if not complaint.customer_id
            else None,
            "log": complaint.log.select_related("by")[:50],
            "confirmations": complaint.confirmations.select_related("recorded_by"),
            "document": IncomingDocument.objects.filter(complaint=complaint).first(),
            "full_contact": _full_contact(user, complaint),
            "customer_visible": customer_visible,
            "may_sign_off": can_change and _may_sign_off(user, complaint),
            "has_letter": any(s.method == ReplyMethod.WRITTEN for s in steps),
        },
        status=status,
    )


def _full_contact(user, complaint) -> bool:
    """Phones in full for property staff and the customer's own consultant (R-ACC-06)."""
    if privacy.role_sees_full_contact(user):
        return True
    return bool(complaint.customer_id) and privacy.is_mine(user, complaint.customer)


def _classes(complaint) -> dict:
    return {
        "kind": complaint.kind,
        "category": complaint.category,
        "severity": complaint.severity,
        "concerned_staff": complaint.concerned_staff_id,
    }


def _may_sign_off(user, complaint) -> bool:
    if not complaint.is_closed or complaint.is_signed_off:
        return False
    if user.is_superuser or has_role(user, Role.GENERAL_MANAGER):
        return True
    heads = {complaint.department.head_id if complaint.department_id else None}
    if complaint.handler_id and complaint.handler.department_id:
        heads.add(complaint.handler.department.head_id)
    return user.pk in heads


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _complaint(request, pk))


@login_required
@require_POST
def complaint_take(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _changeable(request, pk)
    try:
        services.take_complaint(complaint=complaint, by=request.user)
        messages.success(request, _("You now handle this complaint."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(complaint)


@login_required
@require_POST
def step_record(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """听清楚 / 问清楚 / 跟清楚 / 复清楚: one entry of the five clears (R-CMP-02)."""
    complaint = _changeable(request, pk)
    if kind not in STEP_ORDER or kind == StepKind.RECORDED:
        raise Http404
    form = _step_form(kind, complaint, request.POST)
    if form.is_valid():
        try:
            _record(kind, complaint, form.cleaned_data, request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(step)s recorded.") % {"step": StepKind(kind).label})
            return redirect(f"{complaint.get_absolute_url()}#clear-{kind}")
    return _detail(request, complaint, {kind: form}, status=400)


def _record(kind, complaint, data, by) -> None:
    if kind == StepKind.FOLLOWED:
        services.follow_up_complaint(complaint=complaint, by=by, **data)
    else:
        services.record_step(complaint=complaint, kind=kind, by=by, **data)


@login_required
@require_POST
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    """记清楚 and close, with the customer's confirmation kept (R-CMP-04)."""
    complaint = _changeable(request, pk)
    form = CloseForm(request.POST, request.FILES, complaint=complaint)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.close_complaint(
                complaint=complaint,
                by=request.user,
                outcome=data["outcome"],
                opinion=data["opinion"],
                confirmation=data["confirmation"],
                signature=data["signature"] or None,
                form_file=data["form_file"],
                note=data["note"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Complaint %(number)s closed.") % {"number": complaint.number}
            )
            return redirect(complaint)
    return _detail(request, complaint, {"close": form}, status=400)


@login_required
@require_POST
def complaint_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _changeable(request, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_complaint(
                complaint=complaint, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Complaint reopened."))
            return redirect(complaint)
    return _detail(request, complaint, {"reopen": form}, status=400)


@login_required
@require_POST
def complaint_reclassify(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _changeable(request, pk)
    form = ReclassifyForm(request.POST)
    if form.is_valid():
        try:
            changed = services.reclassify_complaint(
                complaint=complaint, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if changed:
                messages.success(request, _("Classification saved."))
            return redirect(complaint)
    return _detail(request, complaint, {"reclassify": form}, status=400)


@login_required
@require_POST
def complaint_link(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _changeable(request, pk)
    form = LinkForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.link_customer(
                complaint=complaint, customer=form.cleaned_data["customer"], by=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Linked to the customer's archive."))
            return redirect(complaint)
    return _detail(request, complaint, {"link": form}, status=400)


@login_required
@require_POST
def complaint_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _changeable(request, pk)
    if not _may_sign_off(request.user, complaint):
        raise PermissionDenied
    services.sign_off_complaint(complaint=complaint, by=request.user)
    messages.success(request, _("Signed off."))
    return redirect(complaint)


@login_required
def confirmation_file(request: HttpRequest, pk: int, confirmation_pk: int) -> FileResponse:
    """The customer's signature or returned form, only for those who may see the complaint."""
    complaint = _complaint(request, pk, permissions.DOWNLOAD)
    confirmation = permissions.get_for_user_or_404(
        request.user,
        permissions.DOWNLOAD,
        Confirmation.objects.filter(complaint=complaint).exclude(file=""),
        confirmation_pk,
    )
    response = FileResponse(
        confirmation.file.open("rb"),
        as_attachment=not confirmation.is_image,
        filename=f"{complaint.number}-{confirmation.round}",
        content_type=confirmation.content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Printing (R-FRM-03) --------------------------------------------------------------------


@login_required
def complaint_print(request: HttpRequest, pk: int) -> HttpResponse:
    """用户意见受理表: the complaint, its five clears and the customer's confirmation on A4."""
    complaint = _complaint(request, pk)
    return render(
        request,
        "complaints/complaint_print.html",
        {
            "complaint": complaint,
            "form_record": complaint,
            "title": _("Customer opinion form"),
            "steps": complaint.steps.select_related("by"),
            "confirmation": complaint.confirmations.first(),
            "document": IncomingDocument.objects.filter(complaint=complaint).first(),
            "full_contact": _full_contact(request.user, complaint),
        },
    )


@login_required
def reply_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The written reply on company letterhead (§11 二(三): 以书面回复用户)."""
    complaint = _complaint(request, pk)
    reply = (
        complaint.steps.filter(kind=StepKind.REPLIED, method=ReplyMethod.WRITTEN)
        .select_related("by")
        .last()
    )
    if reply is None:
        raise Http404
    return render(
        request,
        "complaints/reply_letter.html",
        {
            "complaint": complaint,
            "form_record": complaint,
            "title": _("Reply to your letter"),
            "reply": reply,
            "document": IncomingDocument.objects.filter(complaint=complaint).first(),
        },
    )
