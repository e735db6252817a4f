"""Screens of the customer archive. Views parse input, ask crm.permissions, call one service
and redirect; every read of another person's archive is written to the access log."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives import history, privacy, profile, services, timeline
from archives.forms import (
    SORTS,
    AttachmentForm,
    CompanyRecordForm,
    CustomerFilterForm,
    CustomerForm,
    DealForm,
    FamilyMemberForm,
    MoveInForm,
    MoveOutForm,
    NewCustomerForm,
    PhoneForm,
    ReasonForm,
    StatusForm,
    UnitDocumentForm,
)
from archives.models import (
    AccessAction,
    Attachment,
    Customer,
    CustomerPhone,
    FamilyMember,
    Occupancy,
)
from archives.search import search_customers
from crm import permissions, searches
from crm.models import Unit
from crm.roles import Role, has_role

PAGE_SIZE = 20


def _customer(request, pk, action=permissions.VIEW) -> Customer:
    queryset = Customer.objects.select_related("owner", "grade", "project", "created_by")
    return permissions.get_for_user_or_404(request.user, action, queryset, pk)


def _changeable(request, pk) -> Customer:
    """404 for strangers; 403 for those who may look but not change (e.g. property staff)."""
    customer = _customer(request, pk)
    if not permissions.can(request.user, permissions.CHANGE, customer):
        raise PermissionDenied
    if customer.is_voided:
        raise PermissionDenied
    return customer


def filtered_customers(request) -> tuple[CustomerFilterForm, object]:
    data = searches.query_with(request) if request.GET else None
    form = CustomerFilterForm(data)
    customers = Customer.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if not data.get("voided"):
            customers = customers.active()
        for name in ("status", "source", "category"):
            if data.get(name):
                customers = customers.filter(**{name: data[name]})
        for name in ("grade", "project", "owner"):
            if data.get(name):
                customers = customers.filter(**{name: data[name]})
        customers = search_customers(customers, data.get("q"))
        customers = customers.order_by(
            *SORTS.get(data.get("sort") or "-created", SORTS["-created"])
        )
    else:
        customers = customers.active()
    return form, permissions.visible(request.user, permissions.VIEW, customers)


def listed_customers(request) -> tuple[CustomerFilterForm, object]:
    """The list's rows: the filtered archives the user may see, shaped for the table (and
    measured as such by bench/archives.py and bench/access.py)."""
    form, customers = filtered_customers(request)
    return form, privacy.annotate_is_mine(customers.list_rows(), request.user)


@login_required
@permission_required("archives.view_customer", raise_exception=True)
def customer_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":  # the search words go to the session, not the URL
        return redirect(searches.redirect_url(request, request.path))
    form, rows = listed_customers(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "archives/customer_list.html",
        {
            "form": form,
            "page_obj": page,
            "customers": page.object_list,
            "full_for_role": privacy.role_sees_full_contact(request.user),
            "filters_active": form.is_bound
            and form.is_valid()
            and any(
                value for name, value in form.cleaned_data.items() if name not in ("q", "sort")
            ),
            "can_export": request.user.has_perm("archives.export_customer"),
        },
    )


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    mine = privacy.is_mine(request.user, customer)
    if not mine:
        services.log_access(user=request.user, customer=customer, action=AccessAction.VIEW)
    full = privacy.shows_full_contact(request.user, customer, mine=mine)
    # §1's 42-item profile and the family describe a person; a company shows its own data.
    sections = (
        [] if customer.is_company else profile.sections_of(profile.template_for(customer.project))
    )
    data = profile.ArchiveData(customer, show_full_phones=full)
    can_change = not customer.is_voided and permissions.can(
        request.user, permissions.CHANGE, customer
    )
    attachments = permissions.visible(
        request.user, permissions.VIEW, Attachment.objects.filter(customer=customer)
    ).select_related("uploaded_by")
    return render(
        request,
        "archives/customer_detail.html",
        {
            "customer": customer,
            "full_contact": full,
            "can_change": can_change,
            "co_owners": list(customer.co_owners.all()),
            "sections": [(section, profile.rows_for(section, data)) for section in sections],
            "completeness": profile.completeness(sections, data),
            "phones": data.phones,
            "family": data.family,
            "occupancies": customer.occupancies.select_related("unit__floor__building__project"),
            "deals": customer.deals.select_related("unit__floor__building__project", "consultant"),
            "company_records": customer.company_records.all(),
            "attachments": attachments,
            "entries": timeline.for_customer(customer, request.user),
            "status_form": StatusForm(customer=customer),
        },
    )


@login_required
@permission_required("archives.add_customer", raise_exception=True)
def customer_create(request: HttpRequest) -> HttpResponse:
    form = NewCustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {
            name: value for name, value in form.cleaned_data.items() if name in form.Meta.fields
        }
        owner = request.user if has_role(request.user, Role.SALES_CONSULTANT) else None
        try:
            customer = services.register_customer(
                by=request.user,
                kind=form.cleaned_data["kind"],
                phones=form.phones(),
                owner=owner,
                id_number=form.cleaned_data.get("id_number", ""),
                **data,
            )
        except services.DuplicateCustomer as duplicate:
            form.add_error("mobile", _duplicate_message(request.user, duplicate))
        else:
            messages.success(request, _("Archive %(number)s opened.") % {"number": customer.number})
            return redirect(customer)
    return render(request, "archives/customer_form.html", {"form": form, "creating": True})


def _duplicate_message(user, duplicate: services.DuplicateCustomer) -> str:
    existing = duplicate.existing
    visible = permissions.can(user, permissions.VIEW, existing)
    owner = existing.owner
    owner_name = (
        (owner.name if visible else f"{owner.name[:1]}**") if owner else _("the public pool")
    )
    return _(
        "This mobile already belongs to archive %(number)s (owner: %(owner)s, since %(date)s); "
        "no second archive is opened."
    ) % {"number": existing.number, "owner": owner_name, "date": f"{existing.created_at:%Y-%m-%d}"}


@login_required
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _changeable(request, pk)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_customer(
                customer=Customer.objects.get(pk=customer.pk),
                by=request.user,
                changes=form.changes(),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Archive saved."))
            return redirect(customer)
    return render(request, "archives/customer_form.html", {"form": form, "customer": customer})


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def customer_status(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _changeable(request, pk)
    form = StatusForm(request.POST, customer=customer)
    if form.is_valid():
        try:
            services.change_status(
                customer=customer,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            messages.success(request, _("Status changed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose the new status and give the reason."))
    return redirect(customer)


@login_required
def profile_section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    customer = _changeable(request, pk)
    sections = profile.sections_of(profile.template_for(customer.project))
    section = next((s for s in sections if s.pk == section_pk), None)
    if section is None:
        raise Http404
    form = profile.ProfileSectionForm(request.POST or None, section=section, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_profile(
                customer=customer,
                by=request.user,
                answers=form.answers(),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(section)s saved.") % {"section": section.title})
            return redirect(f"{customer.get_absolute_url()}#section-{section.key}")
    return render(
        request,
        "archives/profile_form.html",
        {"form": form, "customer": customer, "section": section},
    )


@login_required
def family_edit(request: HttpRequest, pk: int, member_pk: int | None = None) -> HttpResponse:
    customer = _changeable(request, pk)
    member = customer.family.filter(pk=member_pk).first() if member_pk else None
    if member_pk and member is None:
        raise Http404
    form = FamilyMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        if member is not None:
            corrections = services.corrected_fields(FamilyMember.objects.get(pk=member.pk), fields)
            if corrections and not form.cleaned_data.get("reason"):
                form.add_error(
                    "reason", _("Changing recorded information is a correction: give the reason.")
                )
        if not form.errors:
            services.save_family_member(
                customer=customer,
                by=request.user,
                member=FamilyMember.objects.get(pk=member.pk) if member else None,
                **fields,
            )
            messages.success(request, _("Family member saved."))
            return redirect(f"{customer.get_absolute_url()}#family")
    return render(
        request, "archives/family_form.html", {"form": form, "customer": customer, "member": member}
    )


@login_required
@require_POST
def family_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    customer = _changeable(request, pk)
    member = customer.family.filter(pk=member_pk).first()
    form = ReasonForm(request.POST)
    if member and form.is_valid():
        services.remove_family_member(
            member=member, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Family member removed."))
    else:
        messages.error(request, _("Give the reason for removing this family member."))
    return redirect(f"{customer.get_absolute_url()}#family")


@login_required
@require_POST
def phone_add(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _changeable(request, pk)
    form = PhoneForm(request.POST)
    if form.is_valid():
        try:
            services.add_phone(customer=customer, by=request.user, **form.cleaned_data)
            messages.success(request, _("Phone added."))
        except services.DuplicateCustomer as duplicate:
            messages.error(request, _duplicate_message(request.user, duplicate))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Enter a phone number."))
    return redirect(f"{customer.get_absolute_url()}#contacts")


@login_required
@require_POST
def phone_remove(request: HttpRequest, pk: int, phone_pk: int) -> HttpResponse:
    customer = _changeable(request, pk)
    phone = CustomerPhone.objects.filter(customer=customer, pk=phone_pk).first()
    form = ReasonForm(request.POST)
    if phone and form.is_valid():
        try:
            services.remove_phone(phone=phone, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Phone removed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Give the reason for removing the number."))
    return redirect(f"{customer.get_absolute_url()}#contacts")


@login_required
def customer_void(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _changeable(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.void_customer(
            customer=customer, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Archive %(number)s voided.") % {"number": customer.number})
        return redirect(customer)
    return render(
        request,
        "archives/simple_form.html",
        {"form": form, "customer": customer, "title": _("Void archive"), "danger": True},
    )


@login_required
def deal_add(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _changeable(request, pk)
    form = DealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_deal(customer=customer, by=request.user, **form.cleaned_data)
        messages.success(request, _("Deal recorded."))
        return redirect(customer)
    return render(
        request,
        "archives/simple_form.html",
        {"form": form, "customer": customer, "title": _("Record a deal")},
    )


@login_required
def company_record_add(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _changeable(request, pk)
    form = CompanyRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        record.customer = customer
        record.recorded_by = request.user
        record._history_user = request.user
        record.save()
        messages.success(request, _("Record added."))
        return redirect(f"{customer.get_absolute_url()}#company")
    return render(
        request,
        "archives/simple_form.html",
        {"form": form, "customer": customer, "title": _("Add a company record")},
    )


def _may_record_occupancy(user) -> bool:
    return user.is_superuser or has_role(
        user, Role.FRONT_DESK, Role.CUSTOMER_SERVICE, Role.SALES_MANAGER, Role.ARCHIVE_KEEPER
    )


def _occupancy_customer(request: HttpRequest, pk: int):
    """The archive whose move-in or move-out the user records: front desk, customer service,
    sales managers and archive keepers record them on any archive they may open, anyone else
    only on archives they may change."""
    customer = _customer(request, pk)
    if not (
        _may_record_occupancy(request.user) or permissions.can(request.user, "change", customer)
    ):
        raise PermissionDenied
    return customer


def _record_occupancy(request, customer, form, record, done: str, title: str) -> HttpResponse:
    """Shows `form`; once it is valid, `record(by=…, **cleaned_data)` saves it — a refusal
    comes back as the form's errors."""
    if request.method == "POST" and form.is_valid():
        try:
            record(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(customer)
    return render(
        request,
        "archives/simple_form.html",
        {"form": form, "customer": customer, "title": title},
    )


@login_required
def move_in(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _occupancy_customer(request, pk)
    return _record_occupancy(
        request,
        customer,
        MoveInForm(request.POST or None),
        partial(services.move_in, customer=customer),
        _("Move-in recorded."),
        _("Record a move-in"),
    )


@login_required
def move_out(request: HttpRequest, pk: int, occupancy_pk: int) -> HttpResponse:
    customer = _occupancy_customer(request, pk)
    occupancy = (
        Occupancy.objects.filter(customer=customer, pk=occupancy_pk).select_related("unit").first()
    )
    if occupancy is None:
        raise Http404
    return _record_occupancy(
        request,
        customer,
        MoveOutForm(request.POST or None),
        partial(services.move_out, occupancy=occupancy),
        _("Move-out recorded."),
        _("Record a move-out"),
    )


@login_required
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _changeable(request, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.upload_attachment(customer=customer, by=request.user, **form.cleaned_data)
        messages.success(request, _("Attachment stored."))
        return redirect(f"{customer.get_absolute_url()}#attachments")
    return render(
        request,
        "archives/simple_form.html",
        {"form": form, "customer": customer, "title": _("Upload an attachment"), "multipart": True},
    )


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    customer = _customer(request, pk, permissions.DOWNLOAD)
    attachments = Attachment.objects.filter(customer=customer)
    attachment = permissions.get_for_user_or_404(
        request.user, permissions.DOWNLOAD, attachments, attachment_pk
    )
    services.log_access(
        user=request.user,
        customer=customer,
        action=AccessAction.DOWNLOAD,
        detail=attachment.original_name,
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def customer_history(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    mine = privacy.is_mine(request.user, customer)
    if not mine:
        services.log_access(user=request.user, customer=customer, action=AccessAction.HISTORY)
    revisions = history.revisions_for(
        customer, show_full_phones=privacy.shows_full_contact(request.user, customer, mine=mine)
    )
    return render(
        request, "archives/customer_history.html", {"customer": customer, "revisions": revisions}
    )


@login_required
def unit_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's one file (R-ARC-14): current occupants, those who moved out kept apart,
    and the unit's documents and events newest first."""
    unit = permissions.get_for_user_or_404(
        request.user, permissions.VIEW, Unit.objects.with_location(), pk
    )
    occupancies = (
        Occupancy.objects.filter(unit=unit).select_related("customer").order_by("-moved_in")
    )
    visible_ids = set(
        permissions.visible(
            request.user, permissions.VIEW, Customer.objects.filter(occupancies__unit=unit)
        ).values_list("pk", flat=True)
    )
    current = [o for o in occupancies if o.is_current]
    past = [o for o in occupancies if not o.is_current]
    form = None
    if _may_record_occupancy(request.user):
        form = UnitDocumentForm(
            request.POST or None,
            customers=Customer.objects.filter(occupancies__unit=unit).distinct(),
        )
        if request.method == "POST" and form.is_valid():
            services.add_unit_document(unit=unit, by=request.user, **form.cleaned_data)
            messages.success(request, _("Added to the unit file."))
            return redirect("archives:unit_file", pk=unit.pk)
    return render(
        request,
        "archives/unit_file.html",
        {
            "unit": unit,
            "current": current,
            "past": past,
            "visible_ids": visible_ids,
            "entries": timeline.for_unit(unit, request.user),
            "form": form,
        },
    )


@login_required
def unit_files(request: HttpRequest) -> HttpResponse:
    """All unit files of a project, organised by building and floor (§14 按楼层存放)."""
    from crm.models import Building, Floor, Project

    projects = Project.objects.filter(is_active=True).order_by("name")
    project = projects.filter(pk=request.GET.get("project")).first() or projects.first()
    current = Occupancy.objects.current().select_related("customer")
    units = Unit.objects.order_by("number").prefetch_related(
        Prefetch("occupancies", current, to_attr="current")
    )
    floors = Floor.objects.order_by("-number").prefetch_related(Prefetch("units", units))
    buildings = Building.objects.filter(project=project).prefetch_related(
        Prefetch("floors", floors)
    )
    visible_ids = set(
        permissions.visible(
            request.user,
            permissions.VIEW,
            Customer.objects.filter(occupancies__unit__floor__building__project=project),
        ).values_list("pk", flat=True)
    )
    return render(
        request,
        "archives/unit_files.html",
        {
            "projects": projects,
            "project": project,
            "buildings": buildings,
            "visible_ids": visible_ids,
        },
    )
