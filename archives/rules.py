"""Who may see, change and export customer archives (R-ACC-01), registered with crm.permissions.

- the owner and co-owners see and change their archives;
- a sales manager covers the archives owned by their department;
- the general manager and the archive keeper cover the whole company;
- property staff (front desk, customer service, engineering, billing) see the customers who
  occupy or occupied a unit — the residents and tenants they serve — but no sales leads;
- anyone else needs an approved access request: a guardian grant that counts until it expires.
Export is narrower: archives above 公开 leave the system only by approval (R-ACC-03).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from archives.models import (
    AccessLog,
    Attachment,
    CompanyRecord,
    Customer,
    CustomerEvent,
    CustomerPhone,
    Deal,
    FamilyMember,
    ImportBatch,
    Occupancy,
    Secrecy,
    StatusChange,
    UnitDocument,
)
from crm import permissions
from crm.models import User
from crm.roles import Role, roles_of

COMPANY_WIDE = frozenset({Role.GENERAL_MANAGER, Role.ARCHIVE_KEEPER})
PROPERTY_STAFF = frozenset(
    {
        Role.FRONT_DESK,
        Role.CUSTOMER_SERVICE,
        Role.ENGINEERING_SUPERVISOR,
        Role.TECHNICIAN,
        Role.METER_READER,
        Role.CASHIER,
        Role.FINANCE,
    }
)


def _co_owned_ids(user):
    return Customer.co_owners.through.objects.filter(user=user).values("customer_id")


def _occupant_ids():
    return Occupancy.objects.values("customer_id")


def customer_condition(user, action: str) -> Q | None:
    """The rows `user` may act on, as a condition; None means every archive of the company.

    Each part is an index condition (crm.permissions.among): an EXISTS correlated to each row
    would be re-run for every archive scanned, and a UNION of the parts would fetch a
    consultant's whole portfolio before taking the first page (measured, bench/archives.py).
    """
    roles = roles_of(user)
    if user.is_superuser or roles & COMPANY_WIDE:
        return None
    own = Q(owner=user) | permissions.among("pk", _co_owned_ids(user))
    if action == permissions.EXPORT:
        condition = (own & Q(secrecy=Secrecy.PUBLIC)) | permissions.among(
            "pk", permissions.granted_ids(Customer, user, "export_customer")
        )
    else:
        condition = own | permissions.among(
            "pk", permissions.granted_ids(Customer, user, "view_customer")
        )
        if action in (permissions.VIEW, permissions.DOWNLOAD) and roles & PROPERTY_STAFF:
            condition |= permissions.among("pk", _occupant_ids())
    if Role.SALES_MANAGER in roles and user.department_id:
        colleagues = User.objects.filter(department_id=user.department_id).values("pk")
        condition |= permissions.among("owner_id", colleagues)
    return condition


@permissions.rule(Customer)
def _customers(user, action, queryset: QuerySet) -> QuerySet:
    condition = customer_condition(user, action)
    return queryset if condition is None else queryset.filter(condition)


@permissions.rule(CustomerPhone)
@permissions.rule(FamilyMember)
@permissions.rule(StatusChange)
@permissions.rule(CompanyRecord)
@permissions.rule(Deal)
@permissions.rule(Occupancy)
@permissions.rule(CustomerEvent)
def _parts_of_an_archive(user, action, queryset: QuerySet) -> QuerySet:
    customers = _customers(user, action, Customer.objects.all())
    return queryset.filter(customer__in=customers.values("pk"))


@permissions.rule(Attachment)
def _attachments(user, action, queryset: QuerySet) -> QuerySet:
    customers = _customers(user, permissions.VIEW, Customer.objects.all())
    return queryset.filter(customer__in=customers.values("pk"), voided_at__isnull=True)


@permissions.rule(UnitDocument)
def _unit_documents(user, action, queryset: QuerySet) -> QuerySet:
    roles = roles_of(user)
    if user.is_superuser or roles & (COMPANY_WIDE | PROPERTY_STAFF):
        return queryset
    customers = _customers(user, action, Customer.objects.all())
    return queryset.filter(customer__in=customers.values("pk"))


@permissions.rule(AccessLog)
def _access_log(user, action, queryset: QuerySet) -> QuerySet:
    roles = roles_of(user)
    if user.is_superuser or roles & COMPANY_WIDE:
        return queryset
    if Role.SALES_MANAGER in roles and user.department_id:
        return queryset.filter(user__department_id=user.department_id)
    return queryset.filter(user=user)


def access_basis(user, customer: Customer) -> str:
    """By what right `user` opens `customer`: written into the access log (R-ACC-04)."""
    roles = roles_of(user)
    if customer.owner_id == user.pk:
        return str(_("owner"))
    if customer.co_owners.filter(pk=user.pk).exists():
        return str(_("co-owner"))
    grant = (
        permissions.live_grants(Customer, user, "view_customer")
        .filter(content_object=customer)
        .first()
    )
    if grant is not None:
        return str(_("grant #%(id)s") % {"id": grant.pk})
    labels = dict(Role.choices)
    for role in (Role.GENERAL_MANAGER, Role.ARCHIVE_KEEPER, Role.SALES_MANAGER, *PROPERTY_STAFF):
        if role in roles:
            return str(labels[role])
    return str(_("administrator")) if user.is_superuser else ""


@permissions.rule(ImportBatch)
def _imports(user, action, queryset: QuerySet) -> QuerySet:
    """An uploaded list is seen only by the person who uploaded it."""
    return queryset.filter(created_by=user)
