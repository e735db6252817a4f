"""Follow-up screens: the call list, one follow-up with its log, the one-tap result (HTMX in
place on the dashboard, a plain POST elsewhere) and scheduling a call by hand."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives.models import Customer
from archives.search import search_customers
from crm import permissions, searches
from visits import followups
from visits.forms import FollowUpFilterForm, ResultForm, ScheduleForm
from visits.models import FollowUp, FollowUpStatus
from visits.rules import managed_departments
from visits.ui import with_phone
from visits.views.common import (
    add_errors,
    changeable,
    customer_for_work,
    paginate,
    safe_next,
)


def _filtered(request, form: FollowUpFilterForm):
    user = request.user
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    scope = data.get("scope") or "mine"
    when = data.get("when") or "today"
    calls = FollowUp.objects.for_list()
    if scope == "mine":
        calls = calls.filter(caller=user)
    elif scope == "team":
        calls = calls.filter(caller__department_id__in=managed_departments(user))
    calls = permissions.visible(user, permissions.VIEW, calls)
    if data.get("q"):
        matching = search_customers(Customer.objects.all(), data["q"]).values("pk")
        calls = calls.filter(customer__in=matching)
    if when == "today":
        calls = calls.on_list(today).overdue_first(today)
    elif when == "overdue":
        calls = calls.overdue(today).order_by("due_on", "pk")
    elif when == "upcoming":
        calls = calls.open().filter(call_on__gt=today).order_by("call_on", "pk")
    elif when == "done":
        calls = calls.filter(status=FollowUpStatus.DONE).order_by("-completed_on", "-pk")
    else:
        calls = calls.filter(status=FollowUpStatus.CANCELLED).order_by("-due_on", "-pk")
    return scope, when, with_phone(calls)


@login_required
def followup_list(request: HttpRequest) -> HttpResponse:
    """The calls by whose and when; a customer's name or phone to search for is POSTed and
    kept in the session, the URL carries a token (R-ACC-06)."""
    if request.method == "POST":
        return redirect(searches.redirect_url(request, request.path))
    form = FollowUpFilterForm(searches.bound(request))
    scope, when, calls = _filtered(request, form)
    page = paginate(request, calls)
    return render(
        request,
        "visits/followup_list.html",
        {
            "form": form,
            "scope": scope,
            "when": when,
            "page_obj": page,
            "calls": page.object_list,
            "today": timezone.localdate(),
            "manages": bool(managed_departments(request.user)),
        },
    )


@login_required
def followup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = with_phone(FollowUp.objects.for_list())
    follow_up = permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)
    return render(request, "visits/followup_detail.html", _detail_context(request, follow_up))


def _detail_context(request, follow_up, form=None) -> dict:
    user = request.user
    return {
        "call": follow_up,
        "records": follow_up.records.select_related("by"),
        "can_change": follow_up.is_open and permissions.can(user, permissions.CHANGE, follow_up),
        "customer_visible": permissions.can(user, permissions.VIEW, follow_up.customer),
        "form": form or ResultForm(),
        "next_call": followups.next_step(follow_up),
        "today": timezone.localdate(),
    }


@login_required
@require_POST
def followup_result(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a call. From the dashboard (HTMX) the call's card is replaced in place by the
    result and the next step; without JavaScript the page reloads with a message."""
    queryset = with_phone(FollowUp.objects.for_list())
    follow_up = changeable(request, queryset, pk)
    form = ResultForm(request.POST)
    saved = None
    if form.is_valid():
        try:
            saved = followups.record_result(
                follow_up=follow_up,
                outcome=form.cleaned_data["outcome"],
                by=request.user,
                notes=form.cleaned_data.get("notes") or "",
                satisfaction=form.cleaned_data.get("satisfaction"),
                call_again_on=form.cleaned_data.get("call_again_on"),
            )
        except ValidationError as error:
            add_errors(form, error)
    if request.htmx:
        if saved is None:
            context = {"call": follow_up, "form": form, "today": timezone.localdate()}
            return render(request, "visits/includes/call.html", context)
        return render(
            request,
            "visits/includes/call_done.html",
            {"call": saved, "next_call": followups.next_step(saved)},
        )
    if saved is None:
        context = _detail_context(request, follow_up, form)
        return render(request, "visits/followup_detail.html", context, status=400)
    messages.success(
        request, _("Result recorded: %(outcome)s.") % {"outcome": saved.get_outcome_display()}
    )
    return redirect(safe_next(request, saved.get_absolute_url()))


@login_required
def followup_new(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """约定回访: a call agreed with the customer, outside the plans."""
    customer = customer_for_work(request, customer_pk)
    initial = {"caller": request.user.pk, "channel": "phone"}
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up = followups.schedule_follow_up(
                customer=customer,
                caller=form.cleaned_data["caller"],
                due_on=form.cleaned_data["due_on"],
                question=form.cleaned_data["question"],
                channel=form.cleaned_data["channel"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Follow-up scheduled."))
            return redirect(follow_up)
    return render(
        request,
        "visits/simple_form.html",
        {"form": form, "customer": customer, "title": _("Schedule a follow-up")},
    )
