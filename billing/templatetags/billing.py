"""The billing section's tabs, shown by role."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from billing import rules

register = template.Library()

TABS = [
    ("round", _("Round"), "billing:round", rules.sees_billing),
    ("accounts", _("Accounts"), "billing:account_list", rules.sees_billing),
    ("held", _("Held readings"), "billing:held_list", rules.sees_billing),
    ("statements", _("Statements"), "billing:statement_list", rules.sees_billing),
    ("payments", _("Takings"), "billing:payment_list", rules.may_see_reports),
    ("arrears", _("Arrears ladder"), "billing:arrears", rules.sees_billing),
    ("suspensions", _("Suspensions"), "billing:suspension_list", rules.sees_billing),
    ("work_orders", _("Gas work orders"), "billing:work_order_list", rules.sees_billing),
    ("reports", _("Reports"), "billing:reports", rules.may_see_reports),
]


@register.inclusion_tag("billing/includes/tabs.html", takes_context=True)
def billing_tabs(context, current: str = ""):
    user = context["request"].user
    tabs = [
        {"key": key, "label": label, "url": reverse(url_name), "current": key == current}
        for key, label, url_name, allowed in TABS
        if allowed(user)
    ]
    return {"tabs": tabs}


@register.filter
def days_after(day, later):
    """Whole days from `day` to `later` (e.g. days overdue)."""
    try:
        return (later - day).days
    except TypeError:
        return ""


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
