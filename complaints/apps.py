from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from crm.roles import Role

HANDLING = [
    "complaints.view_complaint",
    "complaints.add_complaint",
    "complaints.change_complaint",
    "complaints.view_incomingdocument",
]


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    # Object access is decided by complaints.rules; these gate the intake form and the menu.
    role_permissions = {
        Role.FRONT_DESK: HANDLING,
        Role.CUSTOMER_SERVICE: HANDLING,
        Role.GENERAL_MANAGER: HANDLING,
        **{
            role: ["complaints.view_complaint"]
            for role in Role.values
            if role not in {Role.FRONT_DESK, Role.CUSTOMER_SERVICE, Role.GENERAL_MANAGER}
        },
    }

    def ready(self):
        from complaints import rules, ui  # noqa: F401  (access rules, menu, panels, timeline)
