"""Screens of referrals (老带新), daily registration sheets (客户信息登记表) and staff
departures, and the calls that tell customers their new consultant."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives.models import (
    ConsultantNotice,
    Customer,
    DailySheet,
    Departure,
    Referral,
    RewardStatus,
)
from archives.ownership import core, departures, referrals, sheets
from archives.ownership.forms import (
    DepartureStartForm,
    MonthForm,
    NoticeDoneForm,
    RewardForm,
    SheetSubmitForm,
    StaffChoiceField,
    StaffMultipleChoiceField,
)
from archives.ownership.views import (
    PAGE_SIZE,
    add_errors,
    error_text,
    require_roles,
    shown_name,
    visible_ids,
)
from crm import handover, permissions
from crm.models import User
from crm.roles import SALES_ROLES, Role, has_role

REFERRAL_ROLES = SALES_ROLES | {Role.GENERAL_MANAGER}
SHEET_ROLES = SALES_ROLES | {Role.GENERAL_MANAGER, Role.ARCHIVE_KEEPER}

# --- Referrals (R-ARC-09) -------------------------------------------------------------------


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    require_roles(request.user, REFERRAL_ROLES)
    status = request.GET.get("reward", "")
    found = permissions.visible(request.user, permissions.VIEW, Referral.objects.all())
    if status in RewardStatus.values:
        found = found.filter(reward_status=status)
    found = found.select_related(
        "referrer", "referee__owner", "consultant", "recorded_by"
    ).order_by("-recorded_at", "-pk")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    seen = visible_ids(
        request.user,
        [r.referrer_id for r in page.object_list] + [r.referee_id for r in page.object_list],
    )
    decide = (
        set(
            permissions.visible(
                request.user,
                permissions.CHANGE,
                Referral.objects.filter(pk__in=[r.pk for r in page.object_list]),
            ).values_list("pk", flat=True)
        )
        if core.is_manager(request.user)
        else set()
    )
    rows = [
        {
            "referral": r,
            "referrer": shown_name(r.referrer.name, r.referrer_id in seen),
            "referee": shown_name(r.referee.name, r.referee_id in seen),
            "referrer_visible": r.referrer_id in seen,
            "referee_visible": r.referee_id in seen,
            "can_decide": r.pk in decide,
            "signed": r.referee.status in referrals.SIGNED,
        }
        for r in page.object_list
    ]
    return render(
        request,
        "archives/ownership/referral_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "reward": status,
            "rewards": RewardStatus.choices,
            "reward_form": RewardForm(),
        },
    )


def _decidable(request, pk) -> Referral:
    referral = permissions.get_for_user_or_404(request.user, permissions.VIEW, Referral, pk)
    if not permissions.can(request.user, permissions.CHANGE, referral) or not core.is_manager(
        request.user
    ):
        raise PermissionDenied
    return referral


@login_required
@require_POST
def referral_approve(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _decidable(request, pk)
    form = RewardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the reward in yuan (0 or more)."))
        return redirect("archives:referral_list")
    try:
        referrals.approve_reward(
            referral=referral,
            amount=form.cleaned_data["amount"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Reward approved."))
    return redirect("archives:referral_list")


@login_required
@require_POST
def referral_pay(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _decidable(request, pk)
    try:
        referrals.pay_reward(referral=referral, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Reward marked paid."))
    return redirect("archives:referral_list")


@login_required
def key_people(request: HttpRequest) -> HttpResponse:
    require_roles(request.user, REFERRAL_ROLES)
    page = Paginator(referrals.key_people(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "archives/ownership/key_people.html",
        {"page_obj": page, "people": page.object_list, "minimum": referrals.KEY_PERSON_MIN},
    )


@login_required
def referral_tree(request: HttpRequest, pk: int) -> HttpResponse:
    customer = permissions.get_for_user_or_404(request.user, permissions.VIEW, Customer, pk)
    ancestors, root = referrals.referral_tree(customer, request.user)
    return render(
        request,
        "archives/ownership/referral_tree.html",
        {"customer": customer, "ancestors": ancestors, "root": root},
    )


@login_required
def cooperation(request: HttpRequest) -> HttpResponse:
    require_roles(request.user, REFERRAL_ROLES)
    return render(
        request,
        "archives/ownership/cooperation.html",
        {"matches": referrals.cooperation(request.user)},
    )


# --- Daily registration sheets (R-ARC-10) ---------------------------------------------------


@login_required
def sheet_list(request: HttpRequest) -> HttpResponse:
    require_roles(request.user, SHEET_ROLES)
    found = permissions.visible(request.user, permissions.VIEW, DailySheet.objects.all())
    status = request.GET.get("status", "")
    if status in DailySheet.Status.values:
        found = found.filter(status=status)
    found = found.select_related("consultant", "signed_off_by").order_by("-day", "consultant__name")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "archives/ownership/sheet_list.html",
        {
            "page_obj": page,
            "sheets": page.object_list,
            "status": status,
            "statuses": DailySheet.Status.choices,
            "is_consultant": core.is_consultant(request.user),
        },
    )


@login_required
def sheet_today(request: HttpRequest) -> HttpResponse:
    if not core.is_consultant(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    if request.user.pk not in sheets.expected_consultants(today):
        messages.info(request, _("You are not on today's rotation and registered nobody today."))
        return redirect("archives:sheet_list")
    sheet = sheets.ensure_sheet(request.user, today)
    return redirect("archives:sheet_detail", pk=sheet.pk)


def _sheet(request, pk) -> DailySheet:
    queryset = DailySheet.objects.select_related("consultant", "signed_off_by")
    return permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)


def _sheet_context(request, sheet, form=None) -> dict:
    rows = list(sheets.rows_of(sheet))
    seen = visible_ids(
        request.user, [r.customer_id for r in rows] + [r.referrer_id for r in rows if r.referrer_id]
    )
    return {
        "sheet": sheet,
        "rows": [
            {
                "registration": r,
                "name": shown_name(r.customer.name, r.customer_id in seen),
                "visible": r.customer_id in seen,
                "referrer": shown_name(r.referrer.name, r.referrer_id in seen)
                if r.referrer_id
                else "",
            }
            for r in rows
        ],
        "is_consultant": core.is_consultant(request.user),
        "mine": sheet.consultant_id == request.user.pk,
        "form": form or SheetSubmitForm(),
        "can_sign_off": sheets.may_sign_off(request.user)
        and sheet.is_submitted
        and not sheet.signed_off_at,
        "added_later": len(rows) - sheet.rows_at_submission if sheet.is_submitted else 0,
        "deadline_passed": timezone.now() > sheet.deadline,
    }


@login_required
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    return render(request, "archives/ownership/sheet_detail.html", _sheet_context(request, sheet))


@login_required
def sheet_print(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    return render(request, "archives/ownership/sheet_print.html", _sheet_context(request, sheet))


@login_required
@require_POST
def sheet_submit(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    if not permissions.can(request.user, permissions.CHANGE, sheet):
        raise PermissionDenied
    form = SheetSubmitForm(request.POST)
    if form.is_valid():
        try:
            sheet = sheets.submit_sheet(
                sheet=sheet, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Sheet of %(day)s submitted (%(punctuality)s).")
                % {"day": sheet.day.isoformat(), "punctuality": sheet.get_punctuality_display()},
            )
            return redirect("archives:sheet_detail", pk=sheet.pk)
    return render(
        request,
        "archives/ownership/sheet_detail.html",
        _sheet_context(request, sheet, form),
        status=400,
    )


@login_required
@require_POST
def sheet_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    try:
        sheets.sign_off(sheet=sheet, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Sheet received for the record."))
    return redirect("archives:sheet_detail", pk=sheet.pk)


@login_required
def sheet_month(request: HttpRequest) -> HttpResponse:
    """考核: each consultant's sheets of a month — on time, next morning, late, missing."""
    require_roles(request.user, SHEET_ROLES)
    form = MonthForm(request.GET or None)
    start = form.month_start()
    days = sheets.month_days(start.year, start.month)
    found = permissions.visible(
        request.user,
        permissions.VIEW,
        DailySheet.objects.filter(day__gte=days[0], day__lte=days[-1]),
    ).select_related("consultant")
    if core.is_consultant(request.user) and not core.is_manager(request.user):
        people = [request.user]
    else:
        people = User.objects.working().with_role(Role.SALES_CONSULTANT)
        if has_role(request.user, Role.SALES_MANAGER):
            people = people.filter(department_id=request.user.department_id)
        people = list(people.exclude(username=core.SYSTEM_USERNAME))
    rows = sheets.month_table(
        year=start.year, month=start.month, sheets=list(found), consultants=people
    )
    return render(
        request,
        "archives/ownership/sheet_month.html",
        {
            "form": form,
            "start": start,
            "days": days,
            "rows": rows,
            "is_consultant": core.is_consultant(request.user),
        },
    )


# --- Staff departures (R-ARC-12) ------------------------------------------------------------


@login_required
def departure_list(request: HttpRequest) -> HttpResponse:
    if not core.is_manager(request.user):
        raise PermissionDenied
    found = permissions.visible(request.user, permissions.VIEW, Departure.objects.all())
    found = found.select_related("leaver", "started_by", "closed_by").order_by("-started_at", "-pk")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "archives/ownership/departure_list.html",
        {
            "page_obj": page,
            "departures": page.object_list,
            "form": DepartureStartForm(user=request.user),
        },
    )


@login_required
@require_POST
def departure_start(request: HttpRequest) -> HttpResponse:
    if not core.is_manager(request.user):
        raise PermissionDenied
    form = DepartureStartForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            departure = departures.start_departure(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Handover started."))
            return redirect("archives:departure_detail", pk=departure.pk)
    found = permissions.visible(request.user, permissions.VIEW, Departure.objects.all())
    page = Paginator(found.select_related("leaver", "started_by", "closed_by"), PAGE_SIZE).get_page(
        1
    )
    return render(
        request,
        "archives/ownership/departure_list.html",
        {"page_obj": page, "departures": page.object_list, "form": form},
        status=400,
    )


def _departure(request, pk) -> Departure:
    queryset = Departure.objects.select_related("leaver__department", "started_by", "closed_by")
    departure = permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)
    if not departures.may_manage(request.user, departure.leaver):
        raise Http404
    return departure


class HandOverForm:
    """Successor per item, or one rule for all that is left (round-robin among the chosen)."""

    def __init__(self, data, *, departure, work):
        self.data = data
        self.departure = departure
        self.work = work
        self.people = departures.successors_for(departure.leaver)
        self.bulk = StaffMultipleChoiceField(queryset=self.people, required=False)
        self.single = StaffChoiceField(queryset=self.people, required=False)
        self.errors: list[str] = []

    def assignments(self) -> dict:
        items = [item for _source, found in self.work for item in found]
        chosen = {}
        try:
            for item in items:
                value = self.data.get(f"item-{item.source}-{item.pk}")
                if value:
                    chosen[(item.source, item.pk)] = self.single.clean(value)
            if self.data.get("rule") == "round_robin":
                successors = list(self.bulk.clean(self.data.getlist("successors")))
                rest = [i for i in items if (i.source, i.pk) not in chosen]
                chosen.update(departures.round_robin(rest, successors))
        except ValidationError as error:
            self.errors.extend(error.messages)
            return {}
        if not chosen:
            self.errors.append(_("Choose a successor for at least one item, or a bulk rule."))
        return chosen


def _departure_context(request, departure, errors=()) -> dict:
    work = handover.open_work(departure.leaver) if departure.in_progress else []
    return {
        "departure": departure,
        "work": work,
        "left": sum(len(items) for _source, items in work),
        "successors": departures.successors_for(departure.leaver),
        "records": departure.records.select_related("successor", "by"),
        "errors": errors,
    }


@login_required
def departure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    departure = _departure(request, pk)
    return render(
        request, "archives/ownership/departure_detail.html", _departure_context(request, departure)
    )


@login_required
@require_POST
def departure_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    departure = _departure(request, pk)
    work = handover.open_work(departure.leaver)
    form = HandOverForm(request.POST, departure=departure, work=work)
    assignments = form.assignments()
    if assignments:
        try:
            moved = departures.hand_over(
                departure=departure, assignments=assignments, by=request.user
            )
        except ValidationError as error:
            form.errors.extend(error.messages)
        else:
            messages.success(request, _("%(n)s items handed over.") % {"n": moved})
            return redirect("archives:departure_detail", pk=departure.pk)
    return render(
        request,
        "archives/ownership/departure_detail.html",
        _departure_context(request, departure, form.errors),
        status=400,
    )


@login_required
@require_POST
def departure_complete(request: HttpRequest, pk: int) -> HttpResponse:
    departure = _departure(request, pk)
    try:
        departures.complete_departure(departure=departure, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("%(name)s has left: their access is closed.")
            % {"name": departure.leaver.get_full_name()},
        )
    return redirect("archives:departure_detail", pk=departure.pk)


@login_required
@require_POST
def departure_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    departure = _departure(request, pk)
    try:
        departures.cancel_departure(
            departure=departure, by=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Departure cancelled; the employee stays."))
    return redirect("archives:departure_detail", pk=departure.pk)


@login_required
@require_POST
def notice_called(request: HttpRequest, pk: int) -> HttpResponse:
    notice = permissions.get_for_user_or_404(
        request.user, permissions.VIEW, ConsultantNotice.objects.all(), pk
    )
    if not permissions.can(request.user, permissions.CHANGE, notice):
        raise PermissionDenied
    form = NoticeDoneForm(request.POST)
    form.is_valid()
    try:
        departures.mark_called(
            notice=notice, by=request.user, note=form.cleaned_data.get("note", "")
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Call recorded."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("crm:dashboard")
    return redirect(target)
