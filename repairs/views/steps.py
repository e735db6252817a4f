"""The steps of a work order, one small POST view each: parse the form, ask the door, call one
service, redirect. Bad input redisplays the order with the message next to the field."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.roles import Role, has_role
from repairs import charges as charge_services
from repairs import services
from repairs.forms import (
    CompletionForm,
    ConsentForm,
    CosignForm,
    DecisionForm,
    DispatchForm,
    LinesForm,
    MaterialForm,
    PaymentForm,
    PhotoForm,
    PublicCompletionForm,
    QuoteForm,
    ReasonForm,
)
from repairs.models import WorkOrder
from repairs.views.context import detail_context
from repairs.views.orders import _add_errors, changeable_order, get_order


def _run_step(
    request: HttpRequest,
    pk: int,
    step: str,
    make_form: Callable[[WorkOrder], object],
    run: Callable[[WorkOrder, object], object],
    done: str,
) -> HttpResponse:
    order = changeable_order(request, pk)
    form = make_form(order)
    if form.is_valid():
        try:
            run(order, form)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(f"{order.get_absolute_url()}#{step}")
    for error in form.non_field_errors():
        messages.error(request, error)
    order = get_order(request, pk)
    return render(
        request, "repairs/order_detail.html", detail_context(request, order, **{step: form})
    )


def _form_step(request, pk, step: str, form_class, service, done: str) -> HttpResponse:
    """A step whose form's cleaned data go to `service(order=…, by=…, **data)` as they are."""
    return _run_step(
        request,
        pk,
        step,
        lambda order: form_class(request.POST),
        lambda order, form: service(order=order, by=request.user, **form.cleaned_data),
        done,
    )


@login_required
@require_POST
def quote(request: HttpRequest, pk: int) -> HttpResponse:
    def run(order, form):
        lines = form.lines()
        if form.errors:
            raise ValidationError(_("Check the items."))
        services.record_quote(
            order=order,
            by=request.user,
            feasible=form.cleaned_data["feasible"],
            note=form.cleaned_data["note"],
            lines=lines,
        )

    return _run_step(
        request, pk, "quote", lambda o: QuoteForm(request.POST), run, _("Assessment recorded.")
    )


@login_required
@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        "consent",
        ConsentForm,
        services.record_consent,
        _("The customer's answer is recorded."),
    )


@login_required
@require_POST
def dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    def run(order, form):
        services.dispatch_order(
            order=order, by=request.user, technicians=form.team(), lead=form.cleaned_data["lead"]
        )

    return _run_step(
        request, pk, "dispatch", lambda o: DispatchForm(request.POST), run, _("Dispatched.")
    )


@login_required
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    order = changeable_order(request, pk)
    try:
        services.take_job(order=order, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("repairs:my_jobs")
    messages.success(request, _("The job is yours: %(number)s.") % {"number": order.number})
    return redirect(order)


@login_required
@require_POST
def arrive(request: HttpRequest, pk: int) -> HttpResponse:
    order = changeable_order(request, pk)
    try:
        services.record_arrival(order=order, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Arrival recorded."))
    return redirect(f"{order.get_absolute_url()}#items")


@login_required
@require_POST
def items(request: HttpRequest, pk: int) -> HttpResponse:
    def make(order):
        return LinesForm(request.POST, lines=order.lines.all())

    def run(order, form):
        services.confirm_lines(
            order=order,
            by=request.user,
            quantities=form.quantities(),
            additions=form.additions(),
            note=form.cleaned_data.get("note", ""),
        )

    return _run_step(request, pk, "items", make, run, _("Items and charges confirmed."))


@login_required
@require_POST
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        "decision",
        DecisionForm,
        services.record_decision,
        _("The customer's decision is recorded."),
    )


@login_required
@require_POST
def material(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        "material",
        MaterialForm,
        services.check_material,
        _("Material check recorded."),
    )


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    def make(order):
        return (
            PublicCompletionForm(request.POST) if order.is_public else CompletionForm(request.POST)
        )

    def run(order, form):
        data = dict(form.cleaned_data)
        if "signature" in data:
            data["signature_png"] = data.pop("signature")
        services.complete_order(order=order, by=request.user, **data)

    return _run_step(request, pk, "complete", make, run, _("Completed and signed."))


@login_required
@require_POST
def cosign(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_step(
        request, pk, "cosign", CosignForm, services.cosign_refusal, _("Refusal co-signed.")
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_step(
        request, pk, "cancel", ReasonForm, services.cancel_order, _("Order cancelled.")
    )


@login_required
@require_POST
def photos(request: HttpRequest, pk: int) -> HttpResponse:
    def run(order, form):
        services.add_photos(order=order, by=request.user, photos=form.cleaned_data["photos"])

    return _run_step(
        request,
        pk,
        "photos",
        lambda o: PhotoForm(request.POST, request.FILES),
        run,
        _("Photos added."),
    )


@login_required
@require_POST
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    """Only finance records what was collected (§8 4.3)."""
    if not has_role(request.user, Role.FINANCE):
        get_order(request, pk)  # strangers still get 404
        raise PermissionDenied

    return _form_step(
        request, pk, "payment", PaymentForm, charge_services.record_payment, _("Payment recorded.")
    )
