"""Screens of the sales office: the registration desk, 撞单 disputes, a customer's ownership,
the public pool and the duty rotation. Views parse, ask crm.permissions, call one service and
redirect; HTMX requests get the fragment they swap."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives import privacy
from archives import services as archive_services
from archives.models import (
    AccessAction,
    Customer,
    CustomerPhone,
    Dispute,
    DutyRoster,
    DutySlot,
    Outcome,
    OwnerPeriod,
    PhoneKind,
    PoolPolicy,
    Referral,
    Registration,
)
from archives.models.ownership import TO_POOL
from archives.ownership import core, pool, rotation, services
from archives.ownership.forms import (
    AssignForm,
    ContactsForm,
    DeskForm,
    PoolFilterForm,
    ReasonForm,
    RosterAddForm,
    RosterCreateForm,
    RulingForm,
)
from archives.ownership.rules import DESK
from crm import permissions
from crm.models import Project
from crm.phones import normalize_phone
from crm.roles import SALES_ROLES, Role, roles_of

PAGE_SIZE = 20


def require_roles(user, roles) -> None:
    if not (user.is_superuser or roles_of(user) & roles):
        raise PermissionDenied


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def visible_ids(user, pks) -> set[int]:
    """Which of these archives `user` may open (one query), to show or mask names."""
    queryset = Customer.objects.filter(pk__in=set(pks))
    return set(permissions.visible(user, permissions.VIEW, queryset).values_list("pk", flat=True))


def shown_name(name: str, visible: bool) -> str:
    return name if visible else core.mask_name(name)


# --- The registration desk (R-ARC-08) -------------------------------------------------------


def _desk_project(request, *, fallback: bool = True):
    """The sales office the desk works for: chosen, remembered, or one on duty today."""
    projects = Project.objects.filter(is_active=True).order_by("name")
    chosen = (
        request.POST.get("project")
        or request.GET.get("project")
        or request.session.get("desk_project")
    )
    project = projects.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    if project is None and fallback:
        on_duty = DutyRoster.objects.filter(day=timezone.localdate()).values("project")
        project = projects.filter(pk__in=on_duty).first() or projects.first()
    return project


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    require_roles(request.user, DESK)
    project = _desk_project(request)
    form = DeskForm(
        request.POST or None,
        user=request.user,
        initial={"project": project, "channel": "walk_in"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.register_at_desk(by=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_errors(form, error)
        else:
            request.session["desk_project"] = form.cleaned_data["project"].pk
            level = messages.WARNING if result.dispute else messages.SUCCESS
            messages.add_message(request, level, _result_message(request.user, result))
            return redirect("archives:desk")
    today = timezone.localdate()
    registrations = (
        permissions.visible(
            request.user,
            permissions.VIEW,
            Registration.objects.filter(day=today, registered_by=request.user),
        )
        .select_related("customer", "consultant")
        .order_by("-registered_at", "-pk")[:20]
    )
    roster = rotation.roster_for(project, today) if project else None
    slots = rotation.slots_of(roster)
    return render(
        request,
        "archives/ownership/desk.html",
        {
            "form": form,
            "project": project,
            "registrations": registrations,
            "slots": slots,
            "next_slot": rotation.next_in_line(slots),
            "today": today,
        },
    )


def _result_message(user, result: services.DeskResult) -> str:
    customer, registration = result.customer, result.registration
    visible = permissions.can(user, permissions.VIEW, customer)
    params = {
        "name": customer.name
        if registration.opened_archive or visible
        else core.mask_name(customer.name),
        "number": customer.number,
        "consultant": registration.consultant.get_full_name() if registration.consultant else "",
        "rule": registration.get_rule_display(),
    }
    if result.dispute is not None:
        owner = result.dispute.incumbent
        params["owner"] = (
            owner.get_full_name() if visible else core.mask_name(owner.get_full_name())
        )
        params["since"] = timezone.localtime(result.dispute.incumbent_registered_at).strftime(
            "%Y-%m-%d %H:%M"
        )
        return (
            _(
                "Ownership clash: %(name)s was registered first for %(owner)s (%(since)s). The "
                "customer stays with them until the sales manager rules."
            )
            % params
        )
    if registration.outcome == Outcome.NEW:
        return _("New archive %(number)s for %(name)s: goes to %(consultant)s (%(rule)s).") % params
    if registration.outcome == Outcome.FROM_POOL:
        return (
            _("%(name)s came back from the public pool: goes to %(consultant)s (%(rule)s).")
            % params
        )
    owner = customer.owner
    params["owner"] = owner.get_full_name() if visible else core.mask_name(owner.get_full_name())
    return (
        _(
            "%(name)s is a known customer of %(owner)s: no second archive; recorded as contact and "
            "their consultant was told."
        )
        % params
    )


@login_required
@require_POST
def desk_lookup(request: HttpRequest) -> HttpResponse:
    """As the mobile is typed: known or new, whose, since when — masked for strangers.
    A POST, so the number stays out of URLs and access logs; it changes nothing."""
    require_roles(request.user, DESK)
    # HTMX posts the whole desk form; the header names the field being typed in.
    trigger = request.htmx.trigger_name if request.htmx else ""
    as_referrer = trigger == "referrer_mobile" if trigger else "mobile" not in request.POST
    raw = request.POST.get("referrer_mobile" if as_referrer else "mobile", "")
    digits = "".join(ch for ch in raw if ch.isdigit())
    context = {"as_referrer": as_referrer, "state": "typing"}
    if len(digits) >= 11:
        try:
            number = normalize_phone(raw, mobile_only=True)
        except ValidationError as error:
            context.update(state="invalid", error=error_text(error))
        else:
            context.update(_lookup(request, number, as_referrer))
    return render(request, "archives/ownership/includes/lookup.html", context)


def _lookup(request, number: str, as_referrer: bool) -> dict:
    project = _desk_project(request, fallback=False)
    company = archive_services.default_company(request.user, project)
    customer = archive_services.find_by_mobile(company, number)
    if customer is None:
        context = {"state": "new"}
        if not as_referrer and project is not None:
            slots = rotation.slots_of(rotation.roster_for(project, timezone.localdate()))
            context["next_slot"] = rotation.next_in_line(slots)
            context["project"] = project
        return context
    visible = permissions.can(request.user, permissions.VIEW, customer)
    owner = customer.owner
    return {
        "state": "known",
        "customer": customer,
        "visible": visible,
        "customer_name": shown_name(customer.name, visible),
        "owner_name": shown_name(owner.get_full_name(), visible) if owner else "",
        "since": core.owner_since(customer),
        "open_disputes": customer.disputes.filter(status=Dispute.Status.OPEN).count(),
        "is_mine": owner is not None and owner.pk == request.user.pk,
    }


# --- Disputes (撞单) ------------------------------------------------------------------------


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Dispute.Status.OPEN)
    disputes = permissions.visible(request.user, permissions.VIEW, Dispute.objects.all())
    if status in Dispute.Status.values:
        disputes = disputes.filter(status=status)
    disputes = disputes.select_related(
        "customer", "incumbent", "claimant", "claimant_registration", "winner"
    ).order_by("-opened_at", "-pk")
    page = Paginator(disputes, PAGE_SIZE).get_page(request.GET.get("page"))
    seen = visible_ids(request.user, [d.customer_id for d in page.object_list])
    rows = [(d, shown_name(d.customer.name, d.customer_id in seen)) for d in page.object_list]
    return render(
        request,
        "archives/ownership/dispute_list.html",
        {"page_obj": page, "rows": rows, "status": status, "statuses": Dispute.Status.choices},
    )


def _dispute(request, pk) -> Dispute:
    queryset = Dispute.objects.select_related(
        "customer__owner",
        "incumbent",
        "claimant",
        "winner",
        "ruled_by",
        "claimant_registration__registered_by",
        "incumbent_registration__registered_by",
    )
    return permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)


def _dispute_page(request: HttpRequest, dispute, form, status: int = 200) -> HttpResponse:
    """The dispute with the ruling `form` (None: no ruling to make); the customer's name shows
    only to those who may open the archive."""
    visible = permissions.can(request.user, permissions.VIEW, dispute.customer)
    return render(
        request,
        "archives/ownership/dispute_detail.html",
        {
            "dispute": dispute,
            "customer_name": shown_name(dispute.customer.name, visible),
            "customer_visible": visible,
            "form": form,
        },
        status=status,
    )


@login_required
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = _dispute(request, pk)
    can_rule = dispute.is_open and permissions.can(request.user, permissions.CHANGE, dispute)
    return _dispute_page(request, dispute, RulingForm(dispute=dispute) if can_rule else None)


@login_required
@require_POST
def dispute_rule(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = _dispute(request, pk)
    if not permissions.can(request.user, permissions.CHANGE, dispute):
        raise PermissionDenied
    form = RulingForm(request.POST, dispute=dispute)
    if form.is_valid():
        try:
            services.rule_dispute(
                dispute=dispute,
                winner=form.winner_user(),
                ruling=form.cleaned_data["ruling"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Ruling recorded; both consultants were told."))
            return redirect("archives:dispute_detail", pk=dispute.pk)
    return _dispute_page(request, dispute, form, status=400)


# --- A customer's ownership -----------------------------------------------------------------


def _customer(request, pk) -> Customer:
    queryset = Customer.objects.select_related("owner", "project", "grade")
    return permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)


def _changeable(request, pk) -> Customer:
    customer = _customer(request, pk)
    if customer.is_voided or not permissions.can(request.user, permissions.CHANGE, customer):
        raise PermissionDenied
    return customer


@login_required
def ownership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Who owned the customer when and why; registrations, disputes, referrals, contacts."""
    customer = _customer(request, pk)
    mine = privacy.is_mine(request.user, customer)
    if not mine:
        archive_services.log_access(
            user=request.user, customer=customer, action=AccessAction.VIEW, detail="ownership"
        )
    referrals = Referral.objects.select_related("referrer", "referee", "consultant")
    related = referrals.filter(referee=customer) | referrals.filter(referrer=customer)
    seen = visible_ids(
        request.user, [r.referrer_id for r in related] + [r.referee_id for r in related]
    )
    can_change = not customer.is_voided and permissions.can(
        request.user, permissions.CHANGE, customer
    )
    protection = pool.protection_of(
        pool.with_activity(Customer.objects.filter(pk=customer.pk)), timezone.now()
    )
    return render(
        request,
        "archives/ownership/ownership_detail.html",
        {
            "customer": customer,
            "periods": customer.owner_periods.select_related("owner").order_by(
                "-started_at", "-pk"
            ),
            "events": customer.ownership_events.select_related(
                "from_owner", "to_owner", "by", "registration"
            ),
            "registrations": customer.registrations.select_related(
                "registered_by", "consultant", "named_consultant"
            ).order_by("-registered_at"),
            "disputes": customer.disputes.select_related("incumbent", "claimant", "winner"),
            "referrals": [
                {
                    "referral": r,
                    "referrer": shown_name(r.referrer.name, r.referrer_id in seen),
                    "referee": shown_name(r.referee.name, r.referee_id in seen),
                }
                for r in related
            ],
            "co_owners": list(customer.co_owners.all()),
            "staff_count": len(services.staff_in_contact(customer)),
            "min_contacts": services.MIN_CONTACTS,
            "protection": protection[0] if protection and customer.owner_id else None,
            "can_change": can_change,
            "can_release": customer.owner_id == request.user.pk and not customer.is_voided,
            "can_assign": core.is_manager(request.user) and can_change,
            "assign_form": AssignForm(),
            "release_form": ReasonForm(),
            "notices": customer.consultant_notices.select_related("successor", "previous"),
        },
    )


@login_required
def ownership_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    """R-ARC-11: co-owners and the important flag (two or more staff in contact)."""
    customer = _changeable(request, pk)
    form = ContactsForm(
        request.POST or None,
        customer=customer,
        initial={"co_owners": customer.co_owners.all(), "is_important": customer.is_important},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_contacts(
                customer=customer,
                co_owners=list(form.cleaned_data["co_owners"]),
                important=form.cleaned_data["is_important"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Contacts saved."))
            return redirect("archives:ownership_detail", pk=customer.pk)
    return render(
        request,
        "archives/ownership/contacts_form.html",
        {"form": form, "customer": customer, "min_contacts": services.MIN_CONTACTS},
    )


@login_required
@require_POST
def ownership_release(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _changeable(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for releasing the customer."))
        return redirect("archives:ownership_detail", pk=customer.pk)
    try:
        pool.release_customer(
            customer=customer, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("archives:ownership_detail", pk=customer.pk)
    messages.success(request, _("%(name)s is now in the public pool.") % {"name": customer.name})
    return redirect("archives:pool")


@login_required
@require_POST
def ownership_assign(request: HttpRequest, pk: int) -> HttpResponse:
    # Moving an owned customer is a change of the archive: a read grant does not allow it.
    customer = _changeable(request, pk)
    if not core.is_manager(request.user):
        raise PermissionDenied
    return _assign(request, customer, redirect("archives:ownership_detail", pk=customer.pk))


def _assign(request, customer, done) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a working sales consultant."))
        return done
    try:
        services.assign_customer(
            customer=customer,
            to=form.cleaned_data["to"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, _("Assigned to %(name)s.") % {"name": form.cleaned_data["to"].get_full_name()}
        )
    return done


# --- The public pool (公海) -----------------------------------------------------------------


@login_required
def pool_view(request: HttpRequest) -> HttpResponse:
    require_roles(request.user, SALES_ROLES | {Role.GENERAL_MANAGER})
    form = PoolFilterForm(request.GET or None)
    periods = OwnerPeriod.objects.in_pool().filter(
        pool.in_sales_pool("customer__"), customer__voided_at__isnull=True
    )
    if form.is_valid():
        for name in ("project", "grade"):
            if form.cleaned_data.get(name):
                periods = periods.filter(**{f"customer__{name}": form.cleaned_data[name]})
    previous = OwnerPeriod.objects.filter(
        customer=OuterRef("customer_id"), ended_at__isnull=False, owner__isnull=False
    ).order_by("-ended_at")
    mine_lost = OwnerPeriod.objects.filter(
        customer=OuterRef("customer_id"), owner=request.user, end_rule__in=TO_POOL
    ).order_by("-ended_at")
    tail = CustomerPhone.objects.filter(
        customer=OuterRef("customer_id"), kind=PhoneKind.MOBILE
    ).order_by("-is_primary", "pk")
    periods = (
        permissions.visible(request.user, permissions.VIEW, periods)
        .select_related("customer__grade", "customer__project")
        .annotate(
            previous_owner=Subquery(previous.values("owner__name")[:1]),
            my_loss=Subquery(mine_lost.values("ended_at")[:1]),
            phone=Subquery(tail.values("number")[:1]),
        )
        .order_by("-started_at", "-pk")
    )
    page = Paginator(periods, PAGE_SIZE).get_page(request.GET.get("page"))
    seen = visible_ids(request.user, [p.customer_id for p in page.object_list])
    policy = PoolPolicy.for_company(archive_services.default_company(request.user))
    lock = dt.timedelta(days=policy.reclaim_lock_days)
    now = timezone.now()
    manager = core.is_manager(request.user)
    rows = [
        {
            "period": p,
            "name": shown_name(p.customer.name, p.customer_id in seen),
            "previous": shown_name(p.previous_owner or "", manager),
            "locked_until": p.my_loss + lock if p.my_loss and p.my_loss + lock > now else None,
        }
        for p in page.object_list
    ]
    consultant = core.is_consultant(request.user)
    return render(
        request,
        "archives/ownership/pool.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "policy": policy,
            "is_consultant": consultant,
            "can_assign": manager,
            "assign_form": AssignForm(),
            "claims_today": pool.claims_today(request.user, now) if consultant else 0,
            "owned": pool.private_customers(request.user).count() if consultant else 0,
            "warnings": pool.warnings_for(request.user, now) if consultant else [],
        },
    )


def _pool_period(request, pk) -> OwnerPeriod:
    periods = OwnerPeriod.objects.in_pool().select_related("customer")
    return permissions.get_for_user_or_404(request.user, permissions.VIEW, periods, pk)


@login_required
@require_POST
def pool_claim(request: HttpRequest, pk: int) -> HttpResponse:
    period = _pool_period(request, pk)
    try:
        pool.claim_customer(customer=period.customer, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("archives:pool")
    messages.success(
        request,
        _("%(name)s is now in your private pool.") % {"name": period.customer.name},
    )
    return redirect("archives:ownership_detail", pk=period.customer_id)


@login_required
@require_POST
def pool_assign(request: HttpRequest, pk: int) -> HttpResponse:
    period = _pool_period(request, pk)
    if not core.is_manager(request.user):
        raise PermissionDenied
    return _assign(request, period.customer, redirect("archives:pool"))


# --- The duty rotation (轮排) ---------------------------------------------------------------


def _rotation_context(request, project, day) -> dict:
    roster = rotation.roster_for(project, day) if project else None
    if roster is not None and not permissions.can(request.user, permissions.VIEW, roster):
        roster = None
    slots = rotation.slots_of(roster)
    return {
        "project": project,
        "day": day,
        "today": timezone.localdate(),
        "roster": roster,
        "slots": slots,
        "next_slot": rotation.next_in_line(slots),
        "can_edit": core.is_manager(request.user),
        "may_mark": {s.pk for s in slots if rotation.may_mark_away(request.user, s)},
        "add_form": RosterAddForm(roster=roster) if roster else None,
        "create_form": RosterCreateForm(initial={"project": project, "day": day}),
    }


def _render_rotation(request, project, day) -> HttpResponse:
    context = _rotation_context(request, project, day)
    if request.htmx:
        return render(request, "archives/ownership/includes/roster.html", context)
    context["projects"] = Project.objects.filter(is_active=True).order_by("name")
    return render(request, "archives/ownership/rotation.html", context)


@login_required
def rotation_view(request: HttpRequest) -> HttpResponse:
    require_roles(request.user, DESK)
    project = _desk_project(request)
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    return _render_rotation(request, project, day)


def _slot(request, pk, action=permissions.VIEW) -> DutySlot:
    slots = DutySlot.objects.select_related("roster__project", "consultant")
    slot = permissions.get_for_user_or_404(request.user, permissions.VIEW, slots, pk)
    if action == permissions.CHANGE and not permissions.can(request.user, action, slot):
        raise PermissionDenied
    return slot


def _after_rotation_change(request, roster) -> HttpResponse:
    if request.htmx:
        return _render_rotation(request, roster.project, roster.day)
    url = reverse("archives:rotation") + f"?project={roster.project_id}&day={roster.day:%Y-%m-%d}"
    return redirect(url)


@login_required
@require_POST
def rotation_away(request: HttpRequest, pk: int) -> HttpResponse:
    slot = _slot(request, pk)
    away = request.POST.get("away") == "1"
    rotation.set_away(slot=slot, away=away, by=request.user)
    return _after_rotation_change(request, slot.roster)


@login_required
@require_POST
def rotation_move(request: HttpRequest, pk: int) -> HttpResponse:
    slot = _slot(request, pk, permissions.CHANGE)
    rotation.move_slot(slot=slot, up=request.POST.get("up") == "1", by=request.user)
    return _after_rotation_change(request, slot.roster)


@login_required
@require_POST
def rotation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    slot = _slot(request, pk, permissions.CHANGE)
    roster = slot.roster
    rotation.remove_from_roster(slot=slot, by=request.user)
    return _after_rotation_change(request, roster)


@login_required
@require_POST
def rotation_add(request: HttpRequest, pk: int) -> HttpResponse:
    roster = permissions.get_for_user_or_404(
        request.user, permissions.VIEW, DutyRoster.objects.select_related("project"), pk
    )
    if not permissions.can(request.user, permissions.CHANGE, roster):
        raise PermissionDenied
    form = RosterAddForm(request.POST, roster=roster)
    if form.is_valid():
        try:
            rotation.add_to_roster(
                roster=roster, consultant=form.cleaned_data["consultant"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
    else:
        messages.error(request, _("Choose a consultant."))
    return _after_rotation_change(request, roster)


@login_required
@require_POST
def rotation_create(request: HttpRequest) -> HttpResponse:
    if not core.is_manager(request.user):
        raise PermissionDenied
    form = RosterCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the project and the day."))
        return redirect("archives:rotation")
    try:
        roster = rotation.create_roster(
            project=form.cleaned_data["project"], day=form.cleaned_data["day"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("archives:rotation")
    messages.success(request, _("Rotation created from the last one; adjust it below."))
    return _after_rotation_change(request, roster)
