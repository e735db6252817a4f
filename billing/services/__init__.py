"""Every write of gas billing: one function per change, each one transaction, each leaving
history with the user who made it. Views, commands, tasks and the demo call these."""

from billing.services.accounts import (
    close_account,
    open_account,
    replace_meter,
    transfer_rounds,
    update_account,
)
from billing.services.arrears import (
    complete_work_order,
    decide_suspension,
    deliver_notice,
    record_reminder,
    sweep_ladder,
    transfer_work_orders,
)
from billing.services.payments import issue_adjustment, record_payment
from billing.services.readings import record_reading, review_reading, transfer_held_readings
from billing.services.statements import (
    RunResult,
    issue_statement,
    receive_statement,
    run_billing,
    sign_statement,
    unbilled_readings,
)

__all__ = [
    "RunResult",
    "close_account",
    "complete_work_order",
    "decide_suspension",
    "deliver_notice",
    "issue_adjustment",
    "issue_statement",
    "open_account",
    "receive_statement",
    "record_payment",
    "record_reading",
    "record_reminder",
    "replace_meter",
    "review_reading",
    "run_billing",
    "sign_statement",
    "sweep_ladder",
    "transfer_held_readings",
    "transfer_rounds",
    "transfer_work_orders",
    "unbilled_readings",
    "update_account",
]
