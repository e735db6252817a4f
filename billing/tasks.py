"""Celery tasks of gas billing: thin wrappers that call a service."""

from celery import shared_task

from billing import services
from crm.models import User
from crm.roles import Role


@shared_task
def sweep_arrears_ladder() -> dict:
    """Beat: move unpaid statements along the arrears ladder (R-BIL-05)."""
    return services.sweep_ladder()


@shared_task
def issue_pending_statements() -> int:
    """Beat, each evening: statements for accepted readings the reader did not bill on site.

    The run acts for the first finance user: finance owns billing."""
    finance = User.objects.working().with_role(Role.FINANCE).order_by("pk").first()
    if finance is None:
        return 0
    return services.run_billing(by=finance).issued
