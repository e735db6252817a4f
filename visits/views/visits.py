"""Visit screens: picking a customer, the customer's care page, visit plans, visit logs with
their commitments (R-VIS-01, R-VIS-02)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives.models import Customer
from crm import permissions, searches
from visits import services
from visits.forms import (
    CommitmentFormSet,
    FulfilForm,
    ReasonForm,
    VisitLogForm,
    VisitPlanForm,
)
from visits.models import (
    Commitment,
    FollowUp,
    FollowUpRecord,
    Greeting,
    Invitation,
    PlanStatus,
    Survey,
    VisitKind,
    VisitLog,
    VisitPlan,
)
from visits.views.common import (
    add_errors,
    changeable,
    customer_for_work,
    find_customers,
    get_customer,
    may_work_with,
    paginate,
)

PICK_TARGETS = {
    "care": "visits:customer_care",
    "log": "visits:log_new",
    "plan": "visits:plan_new",
    "followup": "visits:followup_new",
    "survey": "visits:survey_new",
}


@login_required
def customer_pick(request: HttpRequest) -> HttpResponse:
    """Find a customer (name, pinyin, initials, phone, archive number) to work with. The words
    are POSTed and kept in the session; the URL carries a token (R-ACC-06)."""
    if request.method == "POST":
        return redirect(searches.redirect_url(request, request.path))
    target = request.GET.get("for") if request.GET.get("for") in PICK_TARGETS else "care"
    form, page = find_customers(request, Customer.objects.active().for_list())
    return render(
        request,
        "visits/customer_pick.html",
        {
            "form": form,
            "page_obj": page,
            "customers": page.object_list,
            "target": PICK_TARGETS[target],
            "for": target,
        },
    )


@login_required
def customer_care(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """Everything the visits app holds about one customer, and the buttons to add to it."""
    customer = get_customer(request, customer_pk)
    user = request.user
    return render(
        request,
        "visits/customer_care.html",
        {
            "customer": customer,
            "can_work": may_work_with(user, customer),
            "open_calls": FollowUp.objects.open()
            .filter(customer=customer)
            .select_related("caller", "event", "step")
            .order_by("call_on", "pk"),
            "records": FollowUpRecord.objects.filter(follow_up__customer=customer).select_related(
                "by", "follow_up"
            )[:20],
            "logs": VisitLog.objects.filter(customer=customer).select_related("visitor")[:20],
            "plans": VisitPlan.objects.open().filter(customer=customer).select_related("visitor"),
            "commitments": Commitment.objects.filter(customer=customer).select_related(
                "responsible"
            ),
            "surveys": Survey.objects.filter(customer=customer).select_related(
                "questionnaire", "conducted_by"
            ),
            "greetings": Greeting.objects.filter(customer=customer).select_related("family_member")[
                :20
            ],
            "invitations": Invitation.objects.filter(customer=customer).select_related("event"),
            "today": timezone.localdate(),
        },
    )


# --- Visit logs -----------------------------------------------------------------------------


@login_required
def log_list(request: HttpRequest) -> HttpResponse:
    logs = permissions.visible(request.user, permissions.VIEW, VisitLog.objects.for_list())
    mine = request.GET.get("scope", "mine") != "all"
    if mine:
        logs = logs.filter(visitor=request.user)
    kind = request.GET.get("kind")
    if kind in VisitKind.values:
        logs = logs.filter(kind=kind)
    page = paginate(request, logs.order_by("-visited_at", "-pk"))
    return render(
        request,
        "visits/log_list.html",
        {
            "page_obj": page,
            "logs": page.object_list,
            "mine": mine,
            "kind": kind,
            "kinds": VisitKind.choices,
        },
    )


def _open_plan(request, customer) -> VisitPlan | None:
    plan_pk = request.GET.get("plan") or request.POST.get("plan")
    if not plan_pk:
        return None
    plans = VisitPlan.objects.filter(customer=customer, status=PlanStatus.PLANNED)
    return permissions.get_for_user_or_404(request.user, permissions.VIEW, plans, plan_pk)


@login_required
def log_new(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = customer_for_work(request, customer_pk)
    plan = _open_plan(request, customer)
    initial = {"visited_at": timezone.localtime().replace(second=0, microsecond=0)}
    if plan:
        initial["kind"] = plan.kind
    form = VisitLogForm(request.POST or None, initial=initial)
    commitments = CommitmentFormSet(request.POST or None, prefix="c")
    if request.method == "POST" and form.is_valid() and commitments.is_valid():
        promised = [
            (row["description"], row["due_on"], None)
            for row in commitments.cleaned_data
            if row.get("description")
        ]
        texts = {k: v for k, v in form.cleaned_data.items() if k not in ("kind", "visited_at")}
        try:
            log = services.log_visit(
                customer=customer,
                by=request.user,
                kind=form.cleaned_data["kind"],
                visited_at=form.cleaned_data["visited_at"],
                plan=plan,
                commitments=promised,
                **texts,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Visit logged."))
            return redirect(log)
    return render(
        request,
        "visits/log_form.html",
        {"form": form, "commitments": commitments, "customer": customer, "plan": plan},
    )


@login_required
def log_detail(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = VisitLog.objects.for_list().select_related("recorded_by")
    log = permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)
    commitments = log.commitments.select_related("responsible", "fulfilled_by")
    changeable_ids = set(
        permissions.visible(request.user, permissions.CHANGE, commitments).values_list(
            "pk", flat=True
        )
    )
    return render(
        request,
        "visits/log_detail.html",
        {
            "log": log,
            "commitments": commitments,
            "changeable_ids": changeable_ids,
            "fulfil_form": FulfilForm(initial={"fulfilled_on": timezone.localdate()}),
            "customer_visible": permissions.can(request.user, permissions.VIEW, log.customer),
        },
    )


@login_required
@require_POST
def commitment_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = changeable(request, Commitment, pk)
    form = FulfilForm(request.POST)
    if form.is_valid():
        try:
            services.fulfil_commitment(
                commitment=commitment,
                by=request.user,
                fulfilled_on=form.cleaned_data["fulfilled_on"],
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Commitment fulfilled: a return visit is now due."))
    else:
        messages.error(request, _("Give the date the commitment was fulfilled."))
    return redirect("visits:log_detail", pk=commitment.visit_log_id)


@login_required
@require_POST
def commitment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = changeable(request, Commitment, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_commitment(
                commitment=commitment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Commitment cancelled."))
    else:
        messages.error(request, _("Give the reason for cancelling."))
    return redirect("visits:log_detail", pk=commitment.visit_log_id)


# --- Visit plans ----------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = VisitPlan.objects.select_related("customer", "visitor")
    plans = permissions.visible(request.user, permissions.VIEW, plans)
    mine = request.GET.get("scope", "mine") != "all"
    if mine:
        plans = plans.filter(visitor=request.user)
    status = request.GET.get("status") or PlanStatus.PLANNED
    if status in PlanStatus.values:
        plans = plans.filter(status=status)
    ordering = ("planned_on", "pk") if status == PlanStatus.PLANNED else ("-planned_on", "-pk")
    page = paginate(request, plans.order_by(*ordering))
    return render(
        request,
        "visits/plan_list.html",
        {
            "page_obj": page,
            "plans": page.object_list,
            "mine": mine,
            "status": status,
            "statuses": PlanStatus.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
def plan_new(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = customer_for_work(request, customer_pk)
    form = VisitPlanForm(request.POST or None, initial={"planned_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_visit(
                customer=customer, visitor=request.user, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Visit planned."))
            return redirect(plan)
    return render(
        request,
        "visits/simple_form.html",
        {"form": form, "customer": customer, "title": _("Plan a visit")},
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = VisitPlan.objects.select_related("customer", "visitor", "created_by")
    plan = permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)
    can_change = plan.status == PlanStatus.PLANNED and permissions.can(
        request.user, permissions.CHANGE, plan
    )
    log = VisitLog.objects.filter(plan=plan).first()
    return render(
        request,
        "visits/plan_detail.html",
        {
            "plan": plan,
            "can_change": can_change,
            "log": log,
            "reason_form": ReasonForm(),
            "log_url": reverse("visits:log_new", args=[plan.customer_id]) + f"?plan={plan.pk}",
        },
    )


@login_required
@require_POST
def plan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    plan = changeable(request, VisitPlan, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for cancelling."))
        return redirect(plan)
    try:
        services.cancel_visit_plan(plan=plan, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Visit plan cancelled."))
    return redirect(plan)
