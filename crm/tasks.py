"""Celery tasks of the shared core: thin wrappers that take primary keys and call a service."""

from celery import shared_task

from crm import notifications, workcalendar
from crm.models import User
from crm.roles import Role


@shared_task
def deliver_sms(message_pk: int) -> bool:
    return notifications.deliver_sms(message_pk)


@shared_task
def deliver_pending_sms() -> int:
    """Beat: send what a broker outage or a carrier failure left pending."""
    return sum(notifications.deliver_sms(pk) for pk in notifications.pending_sms_ids())


@shared_task
def email_notification(notification_pk: int) -> None:
    notifications.email_notification(notification_pk)


@shared_task
def warn_missing_work_calendar() -> int:
    """Beat, daily: remind administrators to enter next year's official holidays."""
    missing = workcalendar.missing_years()
    if not missing:
        return 0
    admins = User.objects.working().filter(is_superuser=True) | User.objects.with_role(
        Role.GENERAL_MANAGER
    )
    return len(workcalendar.notify_missing_years(missing, admins.distinct()))
