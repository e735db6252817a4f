"""What the order page and its print view show, and which steps the viewer may take there."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives import privacy
from crm import permissions
from crm.roles import Role, has_role
from repairs import sla
from repairs.forms import (
    CompletionForm,
    ConsentForm,
    CosignForm,
    DecisionForm,
    DispatchForm,
    LinesForm,
    MaterialForm,
    PaymentForm,
    PhotoForm,
    PublicCompletionForm,
    QuoteForm,
    ReasonForm,
)
from repairs.models import ClockKind, OrderStatus, WorkOrder

CANCELLABLE = (OrderStatus.QUOTE, OrderStatus.CONSENT, OrderStatus.DISPATCH, OrderStatus.ASSIGNED)


def form_clock(opened: dt.datetime, kind: str) -> dict:
    """The clock shown on an intake form while it is being filled in."""
    limit = sla.limit_of(kind)
    return {
        "label": ClockKind(kind).label,
        "due_at": opened + dt.timedelta(minutes=limit.minutes),
        "warn_minutes": limit.warn_before,
        "limit": limit.minutes,
    }


def _on_job(user, order: WorkOrder, team) -> bool:
    if user.is_superuser or has_role(user, Role.ENGINEERING_SUPERVISOR):
        return True
    return has_role(user, Role.TECHNICIAN) and any(a.technician_id == user.pk for a in team)


def steps_for(user, order: WorkOrder, team, can_change: bool) -> set[str]:
    """The steps `user` may take on `order` now; the services check again when they run."""
    if not can_change:
        return set()
    status = order.status
    supervisor = user.is_superuser or has_role(user, Role.ENGINEERING_SUPERVISOR)
    writer = supervisor or has_role(user, Role.FRONT_DESK)
    on_job = _on_job(user, order, team)
    steps = set()
    checks = {
        "quote": supervisor and status == OrderStatus.QUOTE,
        "consent": writer and status == OrderStatus.CONSENT,
        "dispatch": supervisor and status in (OrderStatus.DISPATCH, OrderStatus.ASSIGNED),
        "take": has_role(user, Role.TECHNICIAN) and status == OrderStatus.DISPATCH and not team,
        "arrive": on_job and status == OrderStatus.ASSIGNED,
        "items": on_job and status == OrderStatus.ON_SITE,
        "decision": on_job and status == OrderStatus.ON_SITE and order.lines_confirmed_at,
        "material": on_job
        and not order.is_public
        and status in (OrderStatus.ON_SITE, OrderStatus.WORKING),
        "complete": on_job and status == OrderStatus.WORKING,
        "cosign": supervisor and status == OrderStatus.REFUSED,
        "payment": has_role(user, Role.FINANCE)
        and status == OrderStatus.DONE
        and order.outstanding > 0,
        "cancel": writer and status in CANCELLABLE,
        "photos": (writer or on_job) and order.is_open,
    }
    steps.update(name for name, allowed in checks.items() if allowed)
    return steps


def _forms(order: WorkOrder, lines, steps, bound: dict) -> dict:
    fresh = {
        "quote": lambda: QuoteForm(),
        "consent": lambda: ConsentForm(),
        "dispatch": lambda: DispatchForm(initial=_dispatch_initial(order)),
        "items": lambda: LinesForm(lines=lines),
        "decision": lambda: DecisionForm(),
        "material": lambda: MaterialForm(),
        "complete": lambda: PublicCompletionForm() if order.is_public else CompletionForm(),
        "cosign": lambda: CosignForm(),
        "payment": lambda: PaymentForm(initial={"amount": order.outstanding}),
        "cancel": lambda: ReasonForm(),
        "photos": lambda: PhotoForm(),
    }
    return {
        f"{name}_form": bound.get(name) or make() for name, make in fresh.items() if name in steps
    }


def _dispatch_initial(order: WorkOrder) -> dict:
    team = list(order.assignments.all())
    lead = next((a.technician_id for a in team if a.is_lead), None)
    return {"lead": lead, "helpers": [a.technician_id for a in team if not a.is_lead]}


def detail_context(request, order: WorkOrder, **bound) -> dict:
    user = request.user
    team = list(order.assignments.select_related("technician").order_by("-is_lead", "pk"))
    lines = list(order.lines.select_related("price_item"))
    can_change = permissions.can(user, permissions.CHANGE, order)
    steps = steps_for(user, order, team, can_change)
    customer_visible = bool(
        order.customer_id and permissions.can(user, permissions.VIEW, order.customer)
    )
    full_contact = privacy.role_sees_full_contact(user) or bool(
        order.customer_id and order.customer.owner_id == user.pk
    )
    return {
        "order": order,
        "now": timezone.now(),
        "team": team,
        "lines": lines,
        "clocks": list(order.clocks.select_related("responsible").order_by("started_at", "pk")),
        "photos": list(order.photos.all()),
        "materials": list(order.material_checks.select_related("checked_by")),
        "payments": list(order.payments.select_related("recorded_by")),
        "log": list(order.history.select_related("history_user").order_by("-history_date")[:40]),
        "steps": steps,
        "can_change": can_change,
        "customer_visible": customer_visible,
        "full_contact": full_contact,
        **_forms(order, lines, steps, bound),
    }


COPIES = [
    (1, _("Copy 1"), _("Customer — basis for payment")),
    (2, _("Copy 2"), _("Engineering department")),
    (3, _("Copy 3"), _("Finance department — basis for charging")),
    (4, _("Copy 4"), _("Front desk — kept on file")),
]
PUBLIC_COPIES = [
    (1, _("Copy 1"), _("Front desk — kept on file")),
    (2, _("Copy 2"), _("Engineering department — signed for on receipt")),
]


def print_copies(order: WorkOrder) -> list[dict]:
    copies = PUBLIC_COPIES if order.is_public else COPIES
    return [{"n": n, "label": label, "holder": holder} for n, label, holder in copies]
