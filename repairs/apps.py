from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from crm.roles import Role

ORDER_READER = ["repairs.view_workorder", "repairs.view_priceitem"]


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs")

    role_permissions = {
        Role.FRONT_DESK: [*ORDER_READER, "repairs.add_workorder", "repairs.export_workorder"],
        Role.ENGINEERING_SUPERVISOR: [
            *ORDER_READER,
            "repairs.add_workorder",
            "repairs.change_workorder",
            "repairs.dispatch_workorder",
            "repairs.export_workorder",
            "repairs.add_priceitem",
            "repairs.change_priceitem",
        ],
        Role.TECHNICIAN: [*ORDER_READER, "repairs.change_workorder"],
        Role.FINANCE: [*ORDER_READER, "repairs.add_payment", "repairs.export_workorder"],
        Role.GENERAL_MANAGER: [*ORDER_READER],
        Role.CUSTOMER_SERVICE: ["repairs.view_priceitem"],
        Role.CASHIER: ["repairs.view_priceitem"],
    }

    def ready(self):
        from repairs import rules, ui  # noqa: F401  (access rules, panels, menu, timeline, handover)
