"""Gas billing data: accounts and meters, readings and their schedules, tariffs, statements,
payments and notes, and the arrears ladder. One module per subject; all exported here."""

from billing.models.accounts import AccountStatus, GasAccount, GasAccountQuerySet, Meter, UserType
from billing.models.arrears import (
    ArrearsNotice,
    GasWorkOrder,
    PaymentReminder,
    ReminderMethod,
    SuspensionRequest,
    SuspensionStatus,
    WorkOrderKind,
    WorkOrderStatus,
)
from billing.models.readings import (
    BillingPolicy,
    HoldReason,
    Reading,
    ReadingKind,
    ReadingSchedule,
    ReadingStatus,
)
from billing.models.statements import (
    Adjustment,
    AdjustmentKind,
    ImmutableStatement,
    LadderStep,
    Payment,
    PaymentMethod,
    Statement,
    StatementLine,
    StatementQuerySet,
    StatementStatus,
)
from billing.models.tariffs import Tariff, TariffTier

__all__ = [
    "AccountStatus",
    "Adjustment",
    "AdjustmentKind",
    "ArrearsNotice",
    "BillingPolicy",
    "GasAccount",
    "GasAccountQuerySet",
    "GasWorkOrder",
    "HoldReason",
    "ImmutableStatement",
    "LadderStep",
    "Meter",
    "Payment",
    "PaymentMethod",
    "PaymentReminder",
    "Reading",
    "ReadingKind",
    "ReadingSchedule",
    "ReadingStatus",
    "ReminderMethod",
    "Statement",
    "StatementLine",
    "StatementQuerySet",
    "StatementStatus",
    "SuspensionRequest",
    "SuspensionStatus",
    "Tariff",
    "TariffTier",
    "UserType",
    "WorkOrderKind",
    "WorkOrderStatus",
]
