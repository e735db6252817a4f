"""The shared core's dashboard panels and menu entries."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm import dashboard, navigation, permissions, workcalendar
from crm.models import Notification, User
from crm.navigation import NavItem
from crm.roles import Role, has_role

navigation.register(
    NavItem("dashboard", _("Dashboard"), "crm:dashboard", order=0),
    NavItem("property", _("Property"), "crm:project_list", permission="crm.view_unit", order=80),
    NavItem("admin", _("Administration"), "admin:index", staff_only=True, order=999),
)


def _notifications(request):
    unread = permissions.visible(request.user, "view", Notification.objects.unread())
    return {"notifications": list(unread[:6])}


def _department(request):
    department = request.user.department
    if department is None:
        return None
    colleagues = (
        User.objects.working()
        .filter(department=department)
        .exclude(pk=request.user.pk)
        .prefetch_related("groups")
        .order_by("name")
    )
    return {"department": department, "colleagues": colleagues[:12]}


def _quick_links(request):
    links = [item for item in navigation.menu_for(request.user) if item["key"] not in {"dashboard"}]
    return {"links": links} if links else None


def _calendar(request):
    today = timezone.localdate()
    upcoming = [
        festival
        for year in (today.year, today.year + 1)
        for festival in workcalendar.festivals(year)
        if 0 <= (festival.date - today).days <= 60
    ]
    context = {"upcoming": upcoming[:4], "today": today}
    if request.user.is_superuser or has_role(request.user, Role.GENERAL_MANAGER):
        context["missing_years"] = workcalendar.missing_years(today)
    return context


dashboard.register(
    dashboard.Panel("crm.calendar", _("Calendar"), "crm/panels/calendar.html", _calendar, order=90)
)
dashboard.register(
    dashboard.Panel(
        "crm.notifications",
        _("Notifications"),
        "crm/panels/notifications.html",
        _notifications,
        order=95,
    )
)
dashboard.register(
    dashboard.Panel(
        "crm.department", _("My department"), "crm/panels/department.html", _department, order=97
    )
)
dashboard.register(
    dashboard.Panel("crm.links", _("Quick links"), "crm/panels/links.html", _quick_links, order=98)
)
