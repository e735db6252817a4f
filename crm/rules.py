"""Access rules for the shared core's own models (see crm.permissions)."""

from crm import permissions
from crm.models import Building, Notification, Project, SmsMessage, Unit
from crm.roles import Role, has_role


@permissions.rule(Notification)
def _own_notifications(user, action, queryset):
    return queryset.filter(recipient=user)


@permissions.rule(Project)
@permissions.rule(Building)
@permissions.rule(Unit)
def _property_structure(user, action, queryset):
    """Every member of staff may look the property up; only the admin changes it."""
    if action == permissions.VIEW:
        return queryset
    return queryset if user.is_superuser else queryset.none()


@permissions.rule(SmsMessage)
def _sms_record(user, action, queryset):
    if user.is_superuser or has_role(user, Role.GENERAL_MANAGER):
        return queryset
    return queryset.filter(created_by=user)
