from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from crm.roles import Role

_VIEW = [
    "billing.view_gasaccount",
    "billing.view_meter",
    "billing.view_reading",
    "billing.view_statement",
    "billing.view_payment",
    "billing.view_adjustment",
    "billing.view_paymentreminder",
    "billing.view_arrearsnotice",
    "billing.view_suspensionrequest",
    "billing.view_gasworkorder",
    "billing.view_tariff",
]


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Gas billing")

    role_permissions = {
        Role.METER_READER: [
            *_VIEW,
            "billing.add_reading",
            "billing.add_meter",
            "billing.add_statement",
            "billing.add_paymentreminder",
            "billing.change_arrearsnotice",
            "billing.change_gasworkorder",
        ],
        Role.CASHIER: [*_VIEW, "billing.add_payment", "billing.change_statement"],
        Role.FINANCE: [
            *_VIEW,
            "billing.add_gasaccount",
            "billing.change_gasaccount",
            "billing.change_reading",
            "billing.add_statement",
            "billing.add_adjustment",
        ],
        Role.GENERAL_MANAGER: [*_VIEW, "billing.change_suspensionrequest"],
    }

    def ready(self):
        from billing import rules, ui  # noqa: F401  (access rules, menu, panels, timeline)
