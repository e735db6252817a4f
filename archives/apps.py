from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from crm.roles import Role

ARCHIVE_READERS = [
    "archives.view_customer",
    "archives.add_customer",
    "archives.change_customer",
]


class ArchivesConfig(AppConfig):
    name = "archives"
    verbose_name = _("Customer archives")

    role_permissions = {
        Role.SALES_CONSULTANT: [*ARCHIVE_READERS],
        Role.SALES_MANAGER: [*ARCHIVE_READERS, "archives.export_customer"],
        Role.GENERAL_MANAGER: [*ARCHIVE_READERS, "archives.export_customer"],
        Role.ARCHIVE_KEEPER: [*ARCHIVE_READERS, "archives.export_customer"],
        Role.FRONT_DESK: ["archives.view_customer", "archives.add_customer"],
        Role.CUSTOMER_SERVICE: ["archives.view_customer", "archives.add_customer"],
        Role.ENGINEERING_SUPERVISOR: ["archives.view_customer"],
        Role.TECHNICIAN: ["archives.view_customer"],
        Role.METER_READER: ["archives.view_customer"],
        Role.CASHIER: ["archives.view_customer"],
        Role.FINANCE: ["archives.view_customer"],
    }

    def ready(self):
        from archives import rules, ui  # noqa: F401  (access rules, panels, menu, timeline)
        from archives.access import ui as access_ui  # noqa: F401  (requests, log, retention)
        from archives.ownership import rules as ownership_rules  # noqa: F401
        from archives.ownership import ui as ownership_ui  # noqa: F401
