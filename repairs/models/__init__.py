"""Repairs (§8): work orders and public-area work orders, the paid-repair price list, the
limits of the SLA clocks, the engineering duty roster, and the clocks themselves."""

from repairs.models.clocks import Clock, ClockKind, ClockLimit, ClockState
from repairs.models.config import DutyShift
from repairs.models.orders import (
    Assignment,
    FinanceBatch,
    MaterialCheck,
    MaterialResult,
    OrderKind,
    OrderLine,
    OrderQuerySet,
    OrderStatus,
    Outcome,
    Payment,
    PaymentMethod,
    Photo,
    Urgency,
    WorkOrder,
)
from repairs.models.pricing import PriceItem

__all__ = [
    "Assignment",
    "Clock",
    "ClockKind",
    "ClockLimit",
    "ClockState",
    "DutyShift",
    "FinanceBatch",
    "MaterialCheck",
    "MaterialResult",
    "OrderKind",
    "OrderLine",
    "OrderQuerySet",
    "OrderStatus",
    "Outcome",
    "Payment",
    "PaymentMethod",
    "Photo",
    "PriceItem",
    "Urgency",
    "WorkOrder",
]
