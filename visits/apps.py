"""Visits and follow-ups: visit plans and logs, follow-up plans, greetings, surveys, events."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from crm.roles import Role

CONFIGURATION = [
    "visits.view_followupplan",
    "visits.view_followupstep",
    "visits.view_greetingtemplate",
    "visits.view_questionnaire",
]


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits and follow-ups")

    # Model permissions only open the menus; which rows a person sees is visits.rules.
    role_permissions = {
        Role.SALES_CONSULTANT: ["visits.view_followup", "visits.view_visitlog"],
        Role.SALES_MANAGER: ["visits.view_followup", "visits.view_visitlog", *CONFIGURATION],
        Role.GENERAL_MANAGER: ["visits.view_followup", "visits.view_visitlog", *CONFIGURATION],
        Role.CUSTOMER_SERVICE: ["visits.view_followup", "visits.view_visitlog"],
    }

    def ready(self):
        from archives import events
        from visits import followups, rules, ui  # noqa: F401  (rules, panels, menu, timeline)

        events.register_handler(followups.schedule_from_event)
