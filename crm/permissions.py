"""The one door: who may read, change, export or download which rows.

Every view, export, API endpoint and download asks here:

    visible(user, action, queryset)                 -> the rows the user may act on
    get_for_user_or_404(user, action, model, pk)    -> one row, or 404 for strangers
    can(user, action, obj)                          -> yes or no for one row

Each model that views serve has one rule, registered by its app (`@rule(Model)` in the app's
`rules.py`, imported by its AppConfig). A model without a rule is refused loudly, so a new
view cannot leak by forgetting one. Strangers get 404, never 403, so record numbers cannot be
probed.

Object grants (an approved archive access request) are django-guardian rows on the
direct-foreign-key permission models, with an expiry of our own; this module is the only one
that writes or reads them. A grant counts only until `expires_at`, whether or not the beat
sweep has deleted the row yet.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, Lookup, Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from guardian.utils import get_user_obj_perms_model

VIEW = "view"
CHANGE = "change"
EXPORT = "export"
DOWNLOAD = "download"
ACTIONS = (VIEW, CHANGE, EXPORT, DOWNLOAD)

Rule = Callable[[object, str, QuerySet], QuerySet]
_rules: dict[type[Model], Rule] = {}


def rule(model: type[Model]) -> Callable[[Rule], Rule]:
    """Register the access rule of `model`: (user, action, queryset) -> allowed queryset."""

    def register(function: Rule) -> Rule:
        _rules[model] = function
        return function

    return register


# True while the door looks up one row (get_for_user_or_404, can): a rule may then prefer a
# correlated EXISTS (one index probe) to an uncorrelated IN-subquery that PostgreSQL hashes
# once — the better shape for a list that scans many rows, the worse for a single row.
_one_row: ContextVar[bool] = ContextVar("snowball_door_one_row", default=False)


def looking_up_one_row() -> bool:
    return _one_row.get()


@contextmanager
def single_row():
    """Build rules in their per-row shape: for one row, or rows of one parent (attachments)."""
    token = _one_row.set(True)
    try:
        yield
    finally:
        _one_row.reset(token)


def registered_models() -> list[type[Model]]:
    return list(_rules)


def visible(user, action: str, queryset: QuerySet) -> QuerySet:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    model = queryset.model._meta.concrete_model
    try:
        access_rule = _rules[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"No access rule for {model._meta.label}; register one with crm.permissions.rule."
        ) from None
    return access_rule(user, action, queryset)


def get_for_user_or_404(user, action: str, model_or_queryset, pk) -> Model:
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, QuerySet)
        else model_or_queryset._default_manager.all()
    )
    try:
        with single_row():
            allowed = visible(user, action, queryset)
        return allowed.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can(user, action: str, obj: Model) -> bool:
    with single_row():
        allowed = visible(user, action, type(obj)._default_manager.filter(pk=obj.pk))
    return allowed.exists()


# --- Object grants (django-guardian, direct foreign keys, with expiry) ----------------------


def _grant_model(model: type[Model]):
    return get_user_obj_perms_model(model)


def _permission(model: type[Model], codename: str):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(model)
    return Permission.objects.get(content_type=content_type, codename=codename)


def grant_object_permission(
    user, codename: str, obj: Model, *, expires_at: datetime | None, **fields
):
    """Give `user` the object permission until `expires_at` (None: until revoked).

    `fields` are further columns of the grant model (for archives: the confidentiality
    `level` covered and the `source` access-request item). A second grant of the same
    permission replaces the first: one row per user, permission and object.
    """
    grant_model = _grant_model(type(obj))
    row, _created = grant_model.objects.update_or_create(
        user=user,
        permission=_permission(type(obj), codename),
        content_object=obj,
        defaults={"expires_at": expires_at, **fields},
    )
    return row


def revoke_object_permission(user, codename: str, obj: Model, **filters) -> int:
    grant_model = _grant_model(type(obj))
    deleted, _per_model = grant_model.objects.filter(
        user=user, permission__codename=codename, content_object=obj, **filters
    ).delete()
    return deleted


def revoke_grants(model: type[Model], **filters) -> int:
    """Delete grant rows of `model` matching `filters` (e.g. those of one access request)."""
    deleted, _per_model = _grant_model(model).objects.filter(**filters).delete()
    return deleted


def live_grants(
    model: type[Model], user, codename: str, *conditions, now: datetime | None = None, **filters
):
    """The user's unexpired grants of `codename` on rows of `model` (narrowed by `conditions`
    and `filters`)."""
    now = now or timezone.now()
    return _grant_model(model).objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        *conditions,
        user=user,
        permission__codename=codename,
        **filters,
    )


class _AnyOfArray(Lookup):
    """`field = ANY(ARRAY(subquery))`: an array computed once, which PostgreSQL can feed to an
    index (and combine with other index conditions in a BitmapOr/BitmapAnd).

    A lookup rather than a boolean expression: Django resolves a lookup's subquery once, when
    the filter is built, where a boolean expression is wrapped in `= true` and its subquery
    copied and resolved again every time the query is compiled."""

    lookup_name = "any_of_array"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def among(field: str, subquery: QuerySet) -> Q | Lookup:
    """`field IN (subquery)` written so that the planner can use indexes on both sides.

    A plain `IN (subquery)` becomes a hashed filter that PostgreSQL must test row by row
    while scanning in list order; with a LIMIT and a rare match (a search) that scan reads the
    whole table. The array form is an index condition instead (see bench/archives.py).
    """
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        unordered = subquery if subquery.query.is_sliced else subquery.order_by()
        return _AnyOfArray(F(field), ArraySubquery(unordered))
    return Q(**{f"{field}__in": subquery})


class _Exists(Lookup):
    """`EXISTS (subquery)` as a filter condition, resolved once like _AnyOfArray."""

    lookup_name = "exists"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return compiler.compile(self.lhs)


def exists(subquery: QuerySet) -> Lookup:
    """A correlated EXISTS (the subquery refers to the row with OuterRef), to filter by."""
    return _Exists(Exists(subquery), True)


class RowExists(Func):
    """`EXISTS (<sql>)` about the outer row, its SQL written out: the door's one-row shape.

    An ORM Exists is a Query that is cloned, relabelled and compiled at every step; for one row
    that cost three times what PostgreSQL takes to answer (bench/access.py), where this costs a
    string format. `sql` refers to the outer row's columns as {0}, {1} … in the order of
    `outer` (field names of the outer model) and takes `params` for its %s, in order: the SQL
    is the code's own (table and column names from the models' _meta), never user input. Lists
    keep the ORM shapes (`among`, `granted_ids`), which PostgreSQL computes once.
    """

    output_field = BooleanField()

    def __init__(self, sql: str, *outer: str, params=()):
        super().__init__(*(F(name) for name in outer))
        self.sql, self.params = sql, tuple(params)

    def as_sql(self, compiler, connection, **extra_context):
        columns = []
        for expression in self.get_source_expressions():
            column, column_params = compiler.compile(expression)
            if column_params:  # the format below could not keep %s of the outer row in order
                raise ValueError(f"{expression!r} is not a plain column")
            columns.append(column)
        params = [
            connection.ops.adapt_datetimefield_value(value)
            if isinstance(value, datetime)
            else value
            for value in self.params
        ]
        return f"EXISTS ({self.sql.format(*columns)})", params


def quoted(model: type[Model], *fields: str) -> tuple[str, ...]:
    """The quoted table name of `model`, then the quoted columns of `fields`: for RowExists."""
    quote = connection.ops.quote_name
    meta = model._meta
    return (quote(meta.db_table), *(quote(meta.get_field(name).column) for name in fields))


def granted(model: type[Model], user, codename: str, where: str = "", *outer: str, params=()) -> Q:
    """A live grant on the row, to filter a queryset of `model` when looking up one row.

    `where` narrows the grant (alias g) in SQL, with `params` for its %s; it may name the
    outer row's columns {1}, {2} … given by `outer` (see RowExists).
    """
    from django.contrib.auth.models import Permission

    grants, on, person, permission, expires = quoted(
        _grant_model(model), "content_object", "user", "permission", "expires_at"
    )
    permission_table, permission_id, codename_column = quoted(Permission, "id", "codename")
    sql = (
        f"SELECT 1 FROM {grants} g JOIN {permission_table} p ON p.{permission_id} = g.{permission} "
        f"WHERE g.{on} = {{0}} AND g.{person} = %s AND p.{codename_column} = %s "
        f"AND (g.{expires} IS NULL OR g.{expires} > %s)"
    )
    if where:
        sql += f" AND {where}"
    now = timezone.now()
    return Q(RowExists(sql, "pk", *outer, params=(user.pk, codename, now, *params)))


def granted_ids(model: type[Model], user, codename: str, **filters) -> QuerySet:
    """The primary keys of rows of `model` the user holds a live grant on, as a subquery.

    `pk__in=granted_ids(...)` is uncorrelated: PostgreSQL computes it once and hashes it,
    which beats a per-row EXISTS when a list scans many rows (a consultant with thousands of
    grants among hundreds of thousands of archives).
    """
    return live_grants(model, user, codename, **filters).values("content_object_id")


def remove_expired_grants(model: type[Model], *, now: datetime | None = None) -> list[tuple]:
    """Delete expired grant rows; returns (user_id, object_id, codename) of each removed."""
    now = now or timezone.now()
    expired = _grant_model(model).objects.filter(expires_at__lte=now)
    removed = list(expired.values_list("user_id", "content_object_id", "permission__codename"))
    expired.delete()
    return removed
