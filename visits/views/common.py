"""Helpers every screen of the visits app uses: opening a customer through the door, who may
work with a customer, form errors from services, pagination."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils.http import url_has_allowed_host_and_scheme

from archives.models import Customer
from archives.search import search_customers
from crm import permissions, searches
from crm.roles import Role, has_role
from visits.forms import CustomerSearchForm

PAGE_SIZE = 20


def get_customer(request, pk) -> Customer:
    """404 for a stranger's customer, so archive numbers cannot be probed."""
    queryset = Customer.objects.select_related("owner", "project", "company")
    return permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)


def may_work_with(user, customer: Customer) -> bool:
    """Who records visits, plans, follow-ups and surveys for a customer: whoever may change
    the archive (owner, co-owner, manager), and customer service for the customers it sees."""
    if customer.is_voided:
        return False
    if permissions.can(user, permissions.CHANGE, customer):
        return True
    return has_role(user, Role.CUSTOMER_SERVICE)


def customer_for_work(request, pk) -> Customer:
    customer = get_customer(request, pk)
    if not may_work_with(request.user, customer):
        raise PermissionDenied
    return customer


def changeable(request, model_or_queryset, pk):
    """404 for strangers, 403 for those who may look but not change."""
    obj = permissions.get_for_user_or_404(request.user, permissions.VIEW, model_or_queryset, pk)
    if not permissions.can(request.user, permissions.CHANGE, obj):
        raise PermissionDenied
    return obj


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def paginate(request, queryset, size: int | None = None):
    return Paginator(queryset, size or PAGE_SIZE).get_page(request.GET.get("page"))


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


def find_customers(request, customers):
    """The search form (words recalled from the session token) and the page of `customers`
    it finds among those the user may see, by name."""
    form = CustomerSearchForm(searches.bound(request))
    if form.is_valid():
        customers = search_customers(customers, form.cleaned_data.get("q"))
        if form.cleaned_data.get("status"):
            customers = customers.filter(status=form.cleaned_data["status"])
    customers = permissions.visible(request.user, permissions.VIEW, customers).order_by("name")
    return form, paginate(request, customers)
