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
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
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
        return visible(user, action, queryset).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can(user, action: str, obj: Model) -> bool:
    return visible(user, action, type(obj)._default_manager.filter(pk=obj.pk)).exists()


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


def live_grants(model: type[Model], user, codename: str, *, now: datetime | None = None, **filters):
    """The user's unexpired grants of `codename` on rows of `model` (narrowed by `filters`)."""
    now = now or timezone.now()
    return _grant_model(model).objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        user=user,
        permission__codename=codename,
        **filters,
    )


def granted(model: type[Model], user, codename: str, **filters) -> Exists:
    """An EXISTS over live grants, to filter or annotate a queryset of `model` in one query."""
    return Exists(
        live_grants(model, user, codename, **filters).filter(content_object=OuterRef("pk"))
    )


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
