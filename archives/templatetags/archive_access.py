"""Template tags of archive access: the print / export / request buttons on an archive."""

from django import template

from crm import permissions
from crm.roles import Role, has_role

register = template.Library()


@register.inclusion_tag("archives/access/includes/detail_actions.html", takes_context=True)
def access_actions(context, customer):
    """Print and export if the viewer may copy the archive; else a way to ask for it."""
    user = context["request"].user
    return {
        "customer": customer,
        "can_export": permissions.can(user, permissions.EXPORT, customer),
        "reads_register": user.is_superuser
        or has_role(user, Role.GENERAL_MANAGER, Role.ARCHIVE_KEEPER, Role.SALES_MANAGER),
    }
