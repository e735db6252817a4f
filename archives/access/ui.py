"""Menu entries and dashboard panels of archive access (imported by ArchivesConfig.ready)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives.access import services
from archives.models import AccessRequest, AccessRequestItem, DestructionRequest, ItemStatus
from crm import dashboard, navigation, permissions
from crm.navigation import NavItem
from crm.roles import Role

REGISTER_READERS = frozenset({Role.SALES_MANAGER, Role.GENERAL_MANAGER, Role.ARCHIVE_KEEPER})

navigation.register(
    NavItem(
        "access_requests",
        _("Access requests"),
        "archives:access_request_list",
        permission="archives.view_customer",
        order=12,
    ),
    NavItem("access_log", _("Access log"), "archives:access_log", roles=REGISTER_READERS, order=14),
    NavItem("retention", _("Retention"), "archives:retention", roles=REGISTER_READERS, order=16),
)


def _awaiting_decision(request):
    user = request.user
    requests = services.awaiting(
        user, permissions.visible(user, "view", AccessRequest.objects.all())
    ).select_related("filled_by")
    destructions = services.awaiting(
        user, permissions.visible(user, "view", DestructionRequest.objects.all())
    ).select_related("filled_by")
    pending = list(requests.order_by("filled_at")[:6])
    pending_destructions = list(destructions.order_by("filled_at")[:3])
    if not pending and not pending_destructions:
        return None
    return {"requests": pending, "destructions": pending_destructions}


def _my_grants(request):
    items = (
        AccessRequestItem.objects.filter(
            request__filled_by=request.user,
            status=ItemStatus.GRANTED,
            expires_at__gt=timezone.now(),
        )
        .select_related("customer", "request")
        .order_by("expires_at")
    )
    pending = AccessRequest.objects.filter(
        filled_by=request.user, status__in=["pending_head", "pending_gm"]
    ).order_by("-filled_at")
    grants, waiting = list(items[:6]), list(pending[:4])
    if not grants and not waiting:
        return None
    return {"grants": grants, "waiting": waiting}


dashboard.register(
    dashboard.Panel(
        "access.awaiting",
        _("Waiting for your decision"),
        "archives/access/panels/awaiting.html",
        _awaiting_decision,
        order=15,
    )
)
dashboard.register(
    dashboard.Panel(
        "access.mine",
        _("My archive access"),
        "archives/access/panels/mine.html",
        _my_grants,
        order=25,
    )
)
