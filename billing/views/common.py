"""What every billing view shares: the door (404 for strangers, 403 for the wrong role), the
capability flags templates show buttons by, and form errors from services."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from billing import rules
from crm import permissions

PAGE_SIZE = 20


def require_billing(request) -> None:
    """Strangers to billing get 404: they learn nothing, not even that the page exists."""
    if not rules.sees_billing(request.user):
        raise Http404


def require(request, capability: Callable) -> None:
    if not capability(request.user):
        raise PermissionDenied


def get_or_404(request, model_or_queryset, pk):
    require_billing(request)
    return permissions.get_for_user_or_404(request.user, permissions.VIEW, model_or_queryset, pk)


def visible(request, queryset):
    require_billing(request)
    return permissions.visible(request.user, permissions.VIEW, queryset)


def capabilities(user) -> dict[str, bool]:
    return {
        "read": rules.may_read_meters(user),
        "manage": rules.may_manage_accounts(user),
        "replace": rules.may_replace_meters(user),
        "review": rules.may_review_readings(user),
        "issue": rules.may_issue_statements(user),
        "run": rules.may_run_billing(user),
        "sign": rules.may_collect_signatures(user),
        "pay": rules.may_take_payments(user),
        "note": rules.may_issue_notes(user),
        "remind": rules.may_remind(user),
        "field": rules.may_do_field_work(user),
        "decide": rules.may_decide_suspension(user),
        "reports": rules.may_see_reports(user),
    }


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
