"""Who may see and do what in gas billing, registered with crm.permissions.

- meter readers, cashiers, finance and the general manager see billing (strangers get 404);
- readers enter readings, replace meters, give reminders, deliver arrears notices and carry
  out suspension / reconnection orders; customers sign statements on the reader's phone or
  at the cashier's counter;
- cashiers take payments and sign statements off as received;
- finance opens and closes accounts, reviews held readings, runs billing and issues
  credit / debit notes;
- the general manager approves or rejects a suspension of supply.
The capability helpers below are what views ask after opening a row through the door; a user
who may see a row but not do the action gets 403.
"""

from __future__ import annotations

from django.db.models import QuerySet

from billing.models import (
    Adjustment,
    ArrearsNotice,
    GasAccount,
    GasWorkOrder,
    Meter,
    Payment,
    PaymentReminder,
    Reading,
    Statement,
    StatementLine,
    SuspensionRequest,
    Tariff,
)
from crm import permissions
from crm.roles import Role, roles_of

BILLING_ROLES = frozenset({Role.METER_READER, Role.CASHIER, Role.FINANCE, Role.GENERAL_MANAGER})


def _has(user, *roles: str) -> bool:
    return bool(user.is_superuser or roles_of(user) & set(roles))


def sees_billing(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and _has(user, *BILLING_ROLES)


def may_read_meters(user) -> bool:
    return _has(user, Role.METER_READER)


def may_manage_accounts(user) -> bool:
    return _has(user, Role.FINANCE)


def may_replace_meters(user) -> bool:
    return _has(user, Role.METER_READER, Role.FINANCE)


def may_review_readings(user) -> bool:
    return _has(user, Role.FINANCE)


def may_issue_statements(user) -> bool:
    return _has(user, Role.METER_READER, Role.FINANCE)


def may_run_billing(user) -> bool:
    return _has(user, Role.FINANCE)


def may_collect_signatures(user) -> bool:
    return _has(user, Role.METER_READER, Role.CASHIER)


def may_take_payments(user) -> bool:
    return _has(user, Role.CASHIER)


def may_issue_notes(user) -> bool:
    return _has(user, Role.FINANCE)


def may_remind(user) -> bool:
    return _has(user, Role.METER_READER)


def may_do_field_work(user) -> bool:
    """Deliver arrears notices, carry out suspension and reconnection orders."""
    return _has(user, Role.METER_READER)


def may_decide_suspension(user) -> bool:
    return _has(user, Role.GENERAL_MANAGER)


def may_see_reports(user) -> bool:
    return _has(user, Role.FINANCE, Role.GENERAL_MANAGER, Role.CASHIER)


# Which capability "change" means for each model.
_CHANGE = {
    GasAccount: lambda u: may_manage_accounts(u) or may_replace_meters(u),
    Meter: may_replace_meters,
    Reading: lambda u: may_read_meters(u) or may_review_readings(u),
    Statement: lambda u: may_issue_statements(u) or may_take_payments(u),
    StatementLine: lambda u: False,
    Payment: may_take_payments,
    Adjustment: may_issue_notes,
    PaymentReminder: may_remind,
    ArrearsNotice: may_do_field_work,
    SuspensionRequest: may_decide_suspension,
    GasWorkOrder: may_do_field_work,
    Tariff: lambda u: u.is_superuser,
}


def _billing_rule(model):
    def rule(user, action: str, queryset: QuerySet) -> QuerySet:
        if not sees_billing(user):
            return queryset.none()
        if action == permissions.CHANGE and not _CHANGE[model](user):
            return queryset.none()
        if action == permissions.EXPORT and not may_see_reports(user):
            return queryset.none()
        return queryset

    return rule


for _model in _CHANGE:
    permissions.rule(_model)(_billing_rule(_model))
