"""Every write of archive access: filing and deciding access requests (档案使用申请, R-ACC-02),
granting, revoking and expiring their grants, and revealing masked personal data (R-ACC-06).

Grants are guardian rows written only through crm.permissions; each carries the level it
covers and the request item it came from, so the whole record — request, decisions, grant,
expiry, revocation — stays readable after the guardian row is gone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archives import services as archive_services
from archives.models import (
    AccessAction,
    AccessDecision,
    AccessRequest,
    AccessRequestItem,
    AccessScope,
    Customer,
    CustomerPhone,
    DestructionStatus,
    FamilyMember,
    ItemStatus,
    RequestStatus,
    RevealKind,
    Secrecy,
    Step,
)
from archives.rules import highest, rank
from crm import notifications, numbering, permissions
from crm.models import Department, User
from crm.phones import mask_phone, national
from crm.roles import Role, has_role

DEFAULT_MAX_DAYS = 30
VIEW_CODENAME = "view_customer"
EXPORT_CODENAME = "export_customer"


def max_days() -> int:
    """The longest period one request may ask for (settings.ARCHIVE_ACCESS_MAX_DAYS)."""
    return int(getattr(settings, "ARCHIVE_ACCESS_MAX_DAYS", DEFAULT_MAX_DAYS))


def needs_general_manager(level: str) -> bool:
    """机密 and 绝密 also need the general manager (§10; R-ACC-02, R-ACC-03)."""
    return rank(level) >= rank(Secrecy.CONFIDENTIAL)


# --- Who decides ---------------------------------------------------------------------------


def approving_department(customer: Customer) -> Department | None:
    """The department of the archive's owner (or, for the public pool, of whoever registered
    it): its head decides (§6 3.2.7 招商部负责人审核)."""
    person = customer.owner or customer.created_by
    return person.department if person and person.department_id else None


def general_managers(*, exclude=None) -> list[User]:
    people = User.objects.working().with_role(Role.GENERAL_MANAGER)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return list(people)


def head_deciders(department: Department, *, exclude=None) -> list[User]:
    """The department head and the department's sales managers; the general manager when
    nobody else is there (or the only one is the requester)."""
    people = {
        person.pk: person
        for person in User.objects.working()
        .with_role(Role.SALES_MANAGER)
        .filter(department=department)
    }
    if department.head_id and department.head.is_active:
        people[department.head_id] = department.head
    if exclude is not None:
        people.pop(exclude.pk, None)
    return list(people.values()) or general_managers(exclude=exclude)


def deciders(form, step: str) -> list[User]:
    """Who may decide `step` of an access or destruction request."""
    if step == Step.HEAD:
        return head_deciders(form.department, exclude=form.filled_by)
    return general_managers(exclude=form.filled_by)


def current_step(form) -> str | None:
    status = form.status
    if status in (RequestStatus.PENDING_HEAD, DestructionStatus.PENDING_HEAD):
        return Step.HEAD
    if status in (RequestStatus.PENDING_GM, DestructionStatus.PENDING_GM):
        return Step.GENERAL_MANAGER
    return None


def may_decide(user, form) -> bool:
    step = current_step(form)
    return step is not None and any(person.pk == user.pk for person in deciders(form, step))


def awaiting(user, queryset: QuerySet) -> QuerySet:
    """Access or destruction requests waiting for `user`'s decision (one query)."""
    departments = set(user.headed_departments.values_list("pk", flat=True))
    if has_role(user, Role.SALES_MANAGER) and user.department_id:
        departments.add(user.department_id)
    condition = Q(status=RequestStatus.PENDING_HEAD, department_id__in=departments)
    if has_role(user, Role.GENERAL_MANAGER):
        condition |= Q(status=RequestStatus.PENDING_GM) | Q(
            status=RequestStatus.PENDING_HEAD, department__in=_departments_without_deciders()
        )
    return queryset.filter(condition).exclude(filled_by=user)


def _departments_without_deciders() -> QuerySet:
    managed = (
        User.objects.working()
        .with_role(Role.SALES_MANAGER)
        .filter(department__isnull=False)
        .values("department_id")
    )
    return Department.objects.filter(head__isnull=True).exclude(pk__in=managed)


class SheetRecord:
    """The signature block of a printed archive sheet: registered by, and the owner."""

    def __init__(self, customer: Customer, user):
        self.number = customer.number
        self.filled_by = customer.created_by
        self.filled_at = customer.created_at
        self.signed_off_by = None
        self.signed_off_at = None


# --- Filing a request ----------------------------------------------------------------------


def _already_open(user, customers: list[Customer], scope: str) -> list[Customer]:
    """Archives the user opens anyway (own, by role). Those open only through a grant may be
    asked for again, to extend or widen the grant."""
    action, codename = (
        (permissions.EXPORT, EXPORT_CODENAME)
        if scope == AccessScope.EXPORT
        else (permissions.VIEW, VIEW_CODENAME)
    )
    ids = {c.pk for c in customers}
    open_ids = set(
        permissions.visible(user, action, Customer.objects.filter(pk__in=ids)).values_list(
            "pk", flat=True
        )
    )
    open_ids -= set(
        permissions.live_grants(Customer, user, codename, content_object_id__in=ids).values_list(
            "content_object_id", flat=True
        )
    )
    return [c for c in customers if c.pk in open_ids]


def _already_asked(user, customers: list[Customer]) -> dict[str, str]:
    pending = AccessRequestItem.objects.filter(
        request__filled_by=user,
        request__status__in=RequestStatus.pending(),
        customer__in=customers,
    ).values_list("customer_number", "request__number")
    return dict(pending)


def validate_request(*, by, customers: list[Customer], reason: str, scope: str, days: int) -> None:
    errors: dict[str, list] = defaultdict(list)
    if not reason.strip():
        errors["reason"].append(_("Give the reason for needing these archives."))
    if not 1 <= days <= max_days():
        errors["days"].append(_("The period is 1 to %(max)s days.") % {"max": max_days()})
    if scope not in AccessScope.values:
        errors["scope"].append(_("Choose what the access is for."))
    if not customers:
        errors["numbers"].append(_("Enter at least one archive number."))
    for customer in _already_open(by, customers, scope):
        errors["numbers"].append(
            _("You can already open %(number)s; no request is needed.")
            % {"number": customer.number}
        )
    for number, request_number in _already_asked(by, customers).items():
        errors["numbers"].append(
            _("You already asked for %(number)s (%(request)s); wait for the decision.")
            % {"number": number, "request": request_number}
        )
    for customer in customers:
        if approving_department(customer) is None:
            errors["numbers"].append(
                _("No department is responsible for %(number)s; ask the archive keeper.")
                % {"number": customer.number}
            )
    if errors:
        raise ValidationError(dict(errors))


@transaction.atomic
def file_access_request(
    *,
    by,
    customers: list[Customer],
    reason: str,
    scope: str = AccessScope.VIEW,
    days: int,
    level: str = Secrecy.PUBLIC,
) -> list[AccessRequest]:
    """档案使用申请: one request per approving department, each numbered SQ-…; the deciders of
    its first step are notified. Returns the requests filed."""
    validate_request(by=by, customers=customers, reason=reason, scope=scope, days=days)
    by_department: dict[int, list[Customer]] = defaultdict(list)
    for customer in customers:
        by_department[approving_department(customer).pk].append(customer)
    filed = []
    for department_id, group in sorted(by_department.items()):
        covered = highest(level, *(customer.secrecy for customer in group))
        request = AccessRequest.objects.create(
            number=numbering.next_number(numbering.FormKind.ACCESS_REQUEST),
            filled_by=by,
            department_id=department_id,
            reason=reason.strip(),
            scope=scope,
            days=days,
            level=covered,
            needs_general_manager=needs_general_manager(covered),
        )
        AccessRequestItem.objects.bulk_create(
            AccessRequestItem(
                request=request,
                customer=customer,
                customer_number=customer.number,
                secrecy=customer.secrecy,
            )
            for customer in group
        )
        _notify(
            deciders(request, Step.HEAD),
            gettext_lazy("Access request %(number)s from %(name)s waits for your decision"),
            request,
        )
        filed.append(request)
    return filed


def _url(request: AccessRequest) -> str:
    return reverse("archives:access_request_detail", args=[request.pk])


def _notify(people, title, request: AccessRequest, level: str = "info") -> None:
    notifications.notify(
        people,
        title,
        params={"number": request.number, "name": str(request.filled_by)},
        url=_url(request),
        level=level,
    )


def _earlier_deciders(request: AccessRequest) -> list[User]:
    return [decision.by for decision in request.decisions.select_related("by")]


# --- Deciding ------------------------------------------------------------------------------


def step_to_decide(form, by, *, approve: bool, comment: str) -> str:
    """The step `by` decides now on `form` (an access or destruction request the caller has
    locked), or why not: it is decided already, the step is not theirs (PermissionDenied), or
    a refusal comes without its reason."""
    step = current_step(form)
    if step is None:
        raise ValidationError(_("This request has already been decided."))
    if not may_decide(by, form):
        raise PermissionDenied
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Give the reason for refusing.")})
    return step


@transaction.atomic
def decide_access_request(
    *, request: AccessRequest, by, approve: bool, comment: str = ""
) -> AccessRequest:
    """Record one step's decision. The last approval grants; a refusal ends the request."""
    request = AccessRequest.objects.select_for_update().get(pk=request.pk)
    step = step_to_decide(request, by, approve=approve, comment=comment)
    steps = [step]
    # A general manager standing in for a missing department head signs both steps at once.
    if (
        approve
        and step == Step.HEAD
        and request.needs_general_manager
        and has_role(by, Role.GENERAL_MANAGER)
    ):
        steps.append(Step.GENERAL_MANAGER)
    now = timezone.now()
    try:
        with transaction.atomic():
            for decided in steps:
                AccessDecision.objects.create(
                    request=request,
                    step=decided,
                    approved=approve,
                    by=by,
                    at=now,
                    comment=comment.strip(),
                )
    except IntegrityError:
        raise ValidationError(_("This request has already been decided.")) from None
    if not approve:
        return _refuse(request, by, now)
    if Step.GENERAL_MANAGER not in steps and request.needs_general_manager:
        request.status = RequestStatus.PENDING_GM
        request.save(update_fields=["status"])
        _notify(
            general_managers(exclude=request.filled_by),
            gettext_lazy("Access request %(number)s from %(name)s waits for your decision"),
            request,
        )
        _notify(
            [request.filled_by],
            gettext_lazy("Access request %(number)s passed the department head"),
            request,
        )
        return request
    return _grant(request, by, now)


def _refuse(request: AccessRequest, by, now) -> AccessRequest:
    request.status = RequestStatus.REFUSED
    request.closed_at = now
    request.save(update_fields=["status", "closed_at"])
    request.items.update(status=ItemStatus.NOT_GRANTED)
    _notify(
        [request.filled_by, *_earlier_deciders(request)],
        gettext_lazy("Access request %(number)s was refused"),
        request,
        level="warning",
    )
    return request


def _grant(request: AccessRequest, by, now: dt.datetime) -> AccessRequest:
    """Grant every item whose archive the approved level still covers; replace older grants of
    the same archive to the same person (one guardian row per permission and archive)."""
    expires_at = now + dt.timedelta(days=request.days)
    codenames = [VIEW_CODENAME] + ([EXPORT_CODENAME] if request.includes_export else [])
    for item in request.items.select_related("customer"):
        if rank(item.customer.secrecy) > rank(request.level):
            item.status = ItemStatus.NOT_GRANTED
            item.end_note = _("The archive's confidentiality was raised after the request.")
            item.save(update_fields=["status", "end_note"])
            continue
        _supersede(request.filled_by, item.customer, now)
        for codename in codenames:
            permissions.grant_object_permission(
                request.filled_by,
                codename,
                item.customer,
                expires_at=expires_at,
                level=request.level,
                source=item,
            )
        item.status = ItemStatus.GRANTED
        item.granted_at = now
        item.expires_at = expires_at
        item.save(update_fields=["status", "granted_at", "expires_at"])
    request.status = RequestStatus.GRANTED
    request.signed_off_by = by
    request.signed_off_at = now
    request.save(update_fields=["status", "signed_off_by", "signed_off_at"])
    if not request.items.filter(status=ItemStatus.GRANTED).exists():
        _close(request, now)
    _notify(
        [request.filled_by, *_earlier_deciders(request)],
        gettext_lazy("Access request %(number)s was approved"),
        request,
    )
    return request


def _supersede(user, customer: Customer, now) -> None:
    older = AccessRequestItem.objects.filter(
        request__filled_by=user, customer=customer, status=ItemStatus.GRANTED
    )
    for item in older:
        permissions.revoke_grants(Customer, source=item)
    older.update(status=ItemStatus.SUPERSEDED, ended_at=now)


def _close(request: AccessRequest, now) -> None:
    request.status = RequestStatus.ENDED
    request.closed_at = now
    request.save(update_fields=["status", "closed_at"])


@transaction.atomic
def withdraw_access_request(*, request: AccessRequest, by) -> AccessRequest:
    request = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.filled_by_id != by.pk:
        raise PermissionDenied
    claimed = AccessRequest.objects.filter(
        pk=request.pk, status__in=RequestStatus.pending()
    ).update(status=RequestStatus.WITHDRAWN, closed_at=timezone.now())
    if not claimed:
        raise ValidationError(_("Only a request still waiting for a decision can be withdrawn."))
    request.items.update(status=ItemStatus.NOT_GRANTED)
    request.refresh_from_db()
    _notify(
        _earlier_deciders(request) or deciders(request, Step.HEAD),
        gettext_lazy("Access request %(number)s was withdrawn"),
        request,
    )
    return request


def may_revoke(user, request: AccessRequest) -> bool:
    if request.status != RequestStatus.GRANTED:
        return False
    if user.is_superuser or has_role(user, Role.GENERAL_MANAGER):
        return True
    return any(person.pk == user.pk for person in head_deciders(request.department))


@transaction.atomic
def revoke_access(*, request: AccessRequest, by, note: str = "") -> int:
    """End a grant before its expiry (the requester no longer needs it, or misuse)."""
    request = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if not may_revoke(by, request):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Give the reason for revoking.")})
    now = timezone.now()
    items = list(request.items.filter(status=ItemStatus.GRANTED))
    for item in items:
        permissions.revoke_grants(Customer, source=item)
    AccessRequestItem.objects.filter(pk__in=[item.pk for item in items]).update(
        status=ItemStatus.REVOKED, ended_at=now, ended_by=by, end_note=note.strip()[:200]
    )
    _close(request, now)
    _notify(
        [request.filled_by, *_earlier_deciders(request)],
        gettext_lazy("Access under %(number)s was revoked"),
        request,
        level="warning",
    )
    return len(items)


# --- Expiry (the beat sweep) -----------------------------------------------------------------


def _due_items(now, batch: int) -> QuerySet:
    due = AccessRequestItem.objects.filter(status=ItemStatus.GRANTED, expires_at__lte=now)
    if connection.vendor == "postgresql":
        due = due.select_for_update(skip_locked=True)
    return due.order_by("expires_at", "pk").values_list("pk", flat=True)[:batch]


def end_expired_grants(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Beat: record the expiry of every grant whose time is up, delete its guardian rows, close
    requests with nothing left, tell the requester. Access already ended at `expires_at` — the
    rule counts only live grants — so a late or doubled run changes nothing but bookkeeping.

    Safe to run twice at once: each item is claimed by a conditional update; a broker outage
    loses nothing, the items stay due.
    """
    now = now or timezone.now()
    ended = 0
    while True:
        with transaction.atomic():
            claimed = [
                pk
                for pk in _due_items(now, batch)
                if AccessRequestItem.objects.filter(pk=pk, status=ItemStatus.GRANTED).update(
                    status=ItemStatus.EXPIRED, ended_at=F("expires_at")
                )
            ]
            if not claimed:
                break
            ended += len(claimed)
            permissions.revoke_grants(Customer, source__in=claimed)
            _close_finished(claimed, now)
    permissions.remove_expired_grants(Customer, now=now)
    return ended


def _close_finished(item_pks: list[int], now) -> None:
    request_ids = set(
        AccessRequestItem.objects.filter(pk__in=item_pks).values_list("request_id", flat=True)
    )
    for request in AccessRequest.objects.filter(
        pk__in=request_ids, status=RequestStatus.GRANTED
    ).select_related("filled_by"):
        if not request.items.filter(status=ItemStatus.GRANTED).exists():
            _close(request, now)
            _notify(
                [request.filled_by, *_earlier_deciders(request)],
                gettext_lazy("Access under %(number)s has expired"),
                request,
            )


# --- Revealing personal data (R-ACC-06) --------------------------------------------------------


def reveal(*, user, customer: Customer, kind: str, pk: int | None = None) -> str:
    """The full value, for a viewer who sees it masked: an explicit action, logged with what
    was revealed (masked), never the value itself."""
    if kind == RevealKind.ID_NUMBER:
        if not customer.id_number_encrypted:
            raise ValidationError(_("No ID number is recorded."))
        return archive_services.reveal_id_number(customer=customer, user=user)
    if kind == RevealKind.PHONE:
        stored = CustomerPhone.objects.filter(customer=customer, pk=pk).values_list(
            "number", flat=True
        )
    elif kind == RevealKind.FAMILY_PHONE:
        stored = FamilyMember.objects.filter(customer=customer, pk=pk).values_list(
            "phone", flat=True
        )
    else:
        raise ValidationError(_("Nothing to reveal."))
    number = stored.first()
    if not number:
        raise ValidationError(_("Nothing to reveal."))
    archive_services.log_access(
        user=user,
        customer=customer,
        action=AccessAction.REVEAL,
        detail=f"{RevealKind(kind).label} {mask_phone(number)}",
    )
    return national(number)
