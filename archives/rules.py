"""Who may see, change and export customer archives (R-ACC-01, R-ACC-03), registered with
crm.permissions.

- the owner and co-owners see and change their archives, at every level;
- a sales manager covers the archives owned by their department, except 绝密;
- the general manager covers the whole company; the archive keeper too, except 绝密 (§10:
  绝密 only for the people the general manager names, 机密 only for the responsible manager
  and those they name);
- property staff (front desk, customer service, engineering, billing) see the customers who
  occupy or occupied a unit — the residents and tenants they serve — up to 秘密, but no leads;
- anyone else needs an approved access request: a guardian grant that counts until it expires
  and only while its level covers the archive's level.
Attachments carry their own level: a person whose right covers a lower level does not see them.
Export, print and copy are narrower: archives above 公开 leave the system only with an approved
export grant (§10 保管备份), whoever owns them; only the general manager needs none.
"""

from __future__ import annotations

from django.db.models import Func, IntegerField, OuterRef, Q, QuerySet
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from archives.models import (
    AccessDecision,
    AccessLog,
    AccessRequest,
    AccessRequestItem,
    Attachment,
    CompanyRecord,
    Customer,
    CustomerEvent,
    CustomerPhone,
    CustomerUserObjectPermission,
    Deal,
    DestructionDecision,
    DestructionRequest,
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
LEVELS: list[str] = list(Secrecy.values)  # 公开 < 秘密 < 机密 < 绝密


def rank(level: str) -> int:
    return LEVELS.index(level)


def levels_up_to(level: str) -> list[str]:
    return LEVELS[: rank(level) + 1]


def levels_from(level: str) -> list[str]:
    return LEVELS[rank(level) :]


def highest(*levels: str) -> str:
    return max(levels, key=rank)


def _co_owned_by(user) -> Q:
    through = Customer.co_owners.through
    if permissions.looking_up_one_row():
        table, archive, person = permissions.quoted(through, "customer", "user")
        sql = f"SELECT 1 FROM {table} WHERE {archive} = {{0}} AND {person} = %s"
        return Q(permissions.RowExists(sql, "pk", params=(user.pk,)))
    return permissions.among("pk", through.objects.filter(user=user).values("customer_id"))


def _owned_in_department(department_id: int) -> Q:
    """The owner is one of the department's people: a small subquery that PostgreSQL hashes
    once, with no join for the count and no array whose size the planner must guess (a guess
    that made it scan the date index in parallel for a rare pinyin; see bench/archives.py)."""
    return Q(owner_id__in=User.objects.filter(department_id=department_id).values("pk"))


def _occupies_a_unit() -> Q:
    if permissions.looking_up_one_row():
        table, archive = permissions.quoted(Occupancy, "customer")
        return Q(permissions.RowExists(f"SELECT 1 FROM {table} WHERE {archive} = {{0}}", "pk"))
    return permissions.among("pk", Occupancy.objects.values("customer_id"))


class _Rank(Func):
    """A secrecy level's rank in SQL (公开 0 … 绝密 3), so that "the grant's level covers the
    archive's" is one comparison rather than a test per level."""

    template = (
        "CASE %(expressions)s "
        + " ".join(f"WHEN '{level}' THEN {rank}" for rank, level in enumerate(LEVELS))
        + " END"
    )
    output_field = IntegerField()

    @classmethod
    def sql(cls, column: str) -> str:
        """The same CASE written out, for SQL of the door's one-row shape."""
        return cls.template % {"expressions": column}


def _granted(user, codename: str, clearance: str) -> Q:
    """Archives with a live grant whose level covers both the archive's level and `clearance`.

    One subquery over the grants joined to their archive: an array computed once for lists
    (permissions.among), a correlated EXISTS when the door looks up one archive.
    """
    if permissions.looking_up_one_row():
        # The archive is the row outside the EXISTS ({1}): its level without joining it again.
        level = "g." + permissions.quoted(CustomerUserObjectPermission, "level")[1]
        covers = f"{_Rank.sql('{1}')} <= {_Rank.sql(level)}"
        above = levels_from(clearance) if clearance != Secrecy.PUBLIC else []
        if above:
            covers += f" AND {level} IN ({', '.join(['%s'] * len(above))})"
        return permissions.granted(Customer, user, codename, covers, "secrecy", params=above)
    covering = [] if clearance == Secrecy.PUBLIC else [Q(level__in=levels_from(clearance))]
    covers = LessThanOrEqual(_Rank("content_object__secrecy"), _Rank("level"))
    grants = permissions.granted_ids(Customer, user, codename).filter(covers, *covering)
    return permissions.among("pk", grants)


def customer_condition(user, action: str, clearance: str = Secrecy.PUBLIC) -> Q | None:
    """The archives `user` may act on, as a condition; None means every archive.

    `clearance` asks for more than the archive itself: the level of an attachment of it.
    """
    roles = roles_of(user)
    if user.is_superuser or Role.GENERAL_MANAGER in roles:
        return None
    own = Q(owner=user) | _co_owned_by(user)
    department = (
        _owned_in_department(user.department_id)
        if Role.SALES_MANAGER in roles and user.department_id
        else None
    )
    if action == permissions.EXPORT:
        if Role.ARCHIVE_KEEPER in roles:
            unprotected = Q(secrecy=Secrecy.PUBLIC)
        else:
            mine = own if department is None else own | department
            unprotected = mine & Q(secrecy=Secrecy.PUBLIC)
        return unprotected | _granted(user, "export_customer", clearance)
    condition = own
    below_top = rank(clearance) < rank(Secrecy.TOP_SECRET)
    if department is not None and below_top:
        condition |= department & ~Q(secrecy=Secrecy.TOP_SECRET)
    if Role.ARCHIVE_KEEPER in roles and below_top:
        condition |= ~Q(secrecy=Secrecy.TOP_SECRET)
    if (
        action in (permissions.VIEW, permissions.DOWNLOAD)
        and roles & PROPERTY_STAFF
        and rank(clearance) <= rank(Secrecy.SECRET)
    ):
        condition |= _occupies_a_unit() & Q(secrecy__in=levels_up_to(Secrecy.SECRET))
    if action != permissions.CHANGE:  # a grant lets one read (查阅), never change
        condition |= _granted(user, "view_customer", clearance)
    return condition


@permissions.rule(Customer)
def _customers(user, action, queryset: QuerySet) -> QuerySet:
    condition = customer_condition(user, action)
    return queryset if condition is None else queryset.filter(condition)


def on_visible_archive(
    user, action: str, field: str = "customer", clearance: str = Secrecy.PUBLIC
) -> Q:
    """Rows whose `field` (a foreign key to Customer) is an archive `user` may act on: for the
    rules of everything that hangs off an archive, in this app and in others. `clearance` as
    in customer_condition (an attachment's level).

    Looking up one row, a correlated EXISTS that probes that row's archive by its key; for a
    list, the keys of the visible archives, computed once and hashed. Not `field__in` for one
    row: OR-ed with other conditions it cannot become a join, so PostgreSQL first hashed every
    archive the user may see, testing each with its own EXISTS (1.8 s per lookup among
    200,000 archives; see bench/access.py).
    """
    condition = customer_condition(user, action, clearance)
    if condition is None:  # every archive: a condition that holds for every row, also OR-ed
        return Q(pk__isnull=False)
    archives = Customer.objects.filter(condition)
    if permissions.looking_up_one_row():
        return Q(permissions.exists(archives.filter(pk=OuterRef(field))))
    return Q(**{f"{field}__in": archives.values("pk")})


@permissions.rule(CustomerPhone)
@permissions.rule(FamilyMember)
@permissions.rule(StatusChange)
@permissions.rule(CompanyRecord)
@permissions.rule(Deal)
@permissions.rule(Occupancy)
@permissions.rule(CustomerEvent)
def _parts_of_an_archive(user, action, queryset: QuerySet) -> QuerySet:
    return queryset.filter(on_visible_archive(user, action))


@permissions.rule(Attachment)
def _attachments(user, action, queryset: QuerySet) -> QuerySet:
    """An attachment shows only to those whose right on the archive covers its level: per
    level, its archive probed by key (the attachments of one archive at a time)."""
    read = permissions.CHANGE if action == permissions.CHANGE else permissions.VIEW
    condition = Q(pk__in=[])
    for level in LEVELS:
        with permissions.single_row():
            condition |= Q(secrecy=level) & on_visible_archive(user, read, clearance=level)
    return queryset.filter(condition, voided_at__isnull=True)


@permissions.rule(UnitDocument)
def _unit_documents(user, action, queryset: QuerySet) -> QuerySet:
    roles = roles_of(user)
    if user.is_superuser or roles & (COMPANY_WIDE | PROPERTY_STAFF):
        return queryset
    return queryset.filter(on_visible_archive(user, action))


@permissions.rule(AccessLog)
def _access_log(user, action, queryset: QuerySet) -> QuerySet:
    """Company-wide roles read the whole register; a sales manager reads what their people
    looked at and who looked at their department's archives; everyone else their own rows."""
    roles = roles_of(user)
    if user.is_superuser or roles & COMPANY_WIDE:
        return queryset
    if Role.SALES_MANAGER in roles and user.department_id:
        return queryset.filter(
            Q(user__department_id=user.department_id)
            | Q(customer__owner__department_id=user.department_id)
        )
    return queryset.filter(user=user)


def _headed_or_managed(user) -> Q:
    """Departments `user` decides for: the one they head, or the one they are sales manager of."""
    condition = Q(department__head=user)
    if Role.SALES_MANAGER in roles_of(user) and user.department_id:
        condition |= Q(department_id=user.department_id)
    return condition


@permissions.rule(AccessRequest)
@permissions.rule(DestructionRequest)
def _requests(user, action, queryset: QuerySet) -> QuerySet:
    """The requester, the department that decides, and the company-wide roles (the whole
    record is visible to managers, R-ACC-02)."""
    if user.is_superuser or roles_of(user) & COMPANY_WIDE:
        return queryset
    return queryset.filter(Q(filled_by=user) | _headed_or_managed(user))


@permissions.rule(AccessRequestItem)
@permissions.rule(AccessDecision)
@permissions.rule(DestructionDecision)
def _request_parts(user, action, queryset: QuerySet) -> QuerySet:
    model = queryset.model._meta.get_field("request").related_model
    requests = _requests(user, action, model.objects.all())
    return queryset.filter(request__in=requests.values("pk"))


def access_basis(user, customer: Customer, action: str = "") -> str:
    """By what right `user` opens `customer`: written into the access log (R-ACC-04).

    A copy (export, print) of a protected archive rests on its export grant, also for the
    owner; a look rests on ownership first.
    """
    copying = action in ("export", "print")
    if copying and (basis := _grant_basis(user, customer, "export_customer")):
        return basis
    if customer.owner_id == user.pk:
        return str(_("owner"))
    if customer.co_owners.filter(pk=user.pk).exists():
        return str(_("co-owner"))
    if basis := _grant_basis(user, customer, "view_customer"):
        return basis
    roles = roles_of(user)
    labels = dict(Role.choices)
    for role in (Role.GENERAL_MANAGER, Role.ARCHIVE_KEEPER, Role.SALES_MANAGER, *PROPERTY_STAFF):
        if role in roles:
            return str(labels[role])
    return str(_("administrator")) if user.is_superuser else ""


def _grant_basis(user, customer: Customer, codename: str) -> str:
    grant = (
        permissions.live_grants(Customer, user, codename)
        .filter(content_object=customer)
        .select_related("source__request")
        .first()
    )
    if grant is None:
        return ""
    if grant.source is not None:
        return str(_("access request %(number)s") % {"number": grant.source.request.number})
    return str(_("grant #%(id)s") % {"id": grant.pk})


@permissions.rule(ImportBatch)
def _imports(user, action, queryset: QuerySet) -> QuerySet:
    """An uploaded list is seen only by the person who uploaded it."""
    return queryset.filter(created_by=user)
