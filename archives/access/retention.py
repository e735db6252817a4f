"""Retention and destruction of archives (R-ACC-05, §6 3.2.8): archives closed (lost or moved
out) for ten years fall due; destruction is requested, approved by the department head and
then the general manager, and carried out by erasing the personal data — from the history
tables and file storage too — while the destruction record (XH-…) remains.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archives.access.services import (
    approving_department,
    deciders,
    general_managers,
    step_to_decide,
)
from archives.models import (
    AccessAction,
    AccessLog,
    Attachment,
    CompanyRecord,
    Customer,
    CustomerPhone,
    DestructionDecision,
    DestructionRequest,
    DestructionStatus,
    FamilyMember,
    Status,
    Step,
    UnitDocument,
)
from archives.rules import COMPANY_WIDE
from crm import notifications, numbering
from crm.roles import Role, roles_of

DEFAULT_RETENTION_YEARS = 10
CLOSED = (Status.LOST, Status.MOVED_OUT)


def retention_years() -> int:
    return int(getattr(settings, "ARCHIVE_RETENTION_YEARS", DEFAULT_RETENTION_YEARS))


def retention_cutoff(today: dt.date | None = None) -> dt.datetime:
    """Archives closed before this moment have been kept long enough."""
    today = today or timezone.localdate()
    try:
        day = today.replace(year=today.year - retention_years())
    except ValueError:  # 29 February
        day = today.replace(year=today.year - retention_years(), day=28)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def due_for_destruction(today: dt.date | None = None) -> QuerySet:
    """Closed archives past their retention period with no destruction under way or done."""
    open_or_done = DestructionRequest.objects.exclude(status=DestructionStatus.REFUSED)
    return Customer.objects.filter(
        status__in=CLOSED, status_changed_at__lt=retention_cutoff(today)
    ).exclude(pk__in=open_or_done.values("customer_id"))


def may_request(user) -> bool:
    """The archive keeper (custody), department heads and managers, the general manager."""
    roles = roles_of(user)
    return bool(
        user.is_superuser
        or roles & (COMPANY_WIDE | {Role.SALES_MANAGER})
        or user.headed_departments.exists()
    )


def _url(record: DestructionRequest) -> str:
    return reverse("archives:destruction_detail", args=[record.pk])


def _notify(people, title, record: DestructionRequest, level: str = "info") -> None:
    notifications.notify(
        people,
        title,
        params={"number": record.number, "archive": record.customer_number},
        url=_url(record),
        level=level,
    )


@transaction.atomic
def request_destruction(*, customer: Customer, by, reason: str) -> DestructionRequest:
    if not may_request(by):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for destroying the archive.")})
    if not due_for_destruction().filter(pk=customer.pk).exists():
        raise ValidationError(
            _(
                "Archive %(number)s is not due: archives are kept %(years)s years after they "
                "close, and only one destruction may be under way."
            )
            % {"number": customer.number, "years": retention_years()}
        )
    department = approving_department(customer)
    if department is None:
        raise ValidationError(_("No department is responsible for this archive."))
    try:
        with transaction.atomic():
            record = DestructionRequest.objects.create(
                number=numbering.next_number(numbering.FormKind.DESTRUCTION),
                filled_by=by,
                customer=customer,
                customer_number=customer.number,
                department=department,
                closed_on=timezone.localdate(customer.status_changed_at),
                reason=reason.strip(),
            )
    except IntegrityError:
        raise ValidationError(_("A destruction of this archive is already under way.")) from None
    _notify(
        deciders(record, Step.HEAD),
        gettext_lazy("Destruction %(number)s of archive %(archive)s waits for your decision"),
        record,
    )
    return record


@transaction.atomic
def decide_destruction(
    *, record: DestructionRequest, by, approve: bool, comment: str = ""
) -> DestructionRequest:
    """Department head first, then the general manager; nothing is erased here."""
    record = DestructionRequest.objects.select_for_update().get(pk=record.pk)
    step = step_to_decide(record, by, approve=approve, comment=comment)
    try:
        with transaction.atomic():
            DestructionDecision.objects.create(
                request=record, step=step, approved=approve, by=by, comment=comment.strip()
            )
    except IntegrityError:
        raise ValidationError(_("This request has already been decided.")) from None
    if not approve:
        record.status = DestructionStatus.REFUSED
        record.save(update_fields=["status"])
        _notify([record.filled_by], gettext_lazy("Destruction %(number)s was refused"), record)
    elif step == Step.HEAD:
        record.status = DestructionStatus.PENDING_GM
        record.save(update_fields=["status"])
        _notify(
            general_managers(exclude=record.filled_by),
            gettext_lazy("Destruction %(number)s of archive %(archive)s waits for your decision"),
            record,
        )
    else:
        record.status = DestructionStatus.APPROVED
        record.signed_off_by = by
        record.signed_off_at = timezone.now()
        record.save(update_fields=["status", "signed_off_by", "signed_off_at"])
        _notify(
            [record.filled_by],
            gettext_lazy("Destruction %(number)s is approved: carry it out"),
            record,
        )
    return record


def both_approved(record: DestructionRequest) -> bool:
    steps = set(
        DestructionDecision.objects.filter(request=record, approved=True).values_list(
            "step", flat=True
        )
    )
    return steps >= {Step.HEAD, Step.GENERAL_MANAGER}


def may_carry_out(user, record: DestructionRequest) -> bool:
    return record.status == DestructionStatus.APPROVED and (
        user.pk == record.filled_by_id or user.is_superuser or bool(roles_of(user) & COMPANY_WIDE)
    )


@transaction.atomic
def carry_out_destruction(*, record: DestructionRequest, by) -> DestructionRequest:
    """Erase the archive's personal data. Refused without both approvals on record."""
    record = DestructionRequest.objects.select_for_update().get(pk=record.pk)
    if not may_carry_out(by, record):
        raise PermissionDenied
    if not both_approved(record):
        raise ValidationError(
            _("Destruction needs the department head's and the general manager's approval.")
        )
    record.erased = erase_personal_data(customer=record.customer, by=by, record=record)
    record.status = DestructionStatus.DESTROYED
    record.carried_out_by = by
    record.carried_out_at = timezone.now()
    record.save(update_fields=["erased", "status", "carried_out_by", "carried_out_at"])
    return record


CLEARED_FIELDS = {
    "gender": "",
    "occupation": "",
    "employer": "",
    "email": "",
    "address": "",
    "postcode": "",
    "agent_name": "",
    "id_number_encrypted": "",
    "id_number_hash": "",
    "id_number_masked": "",
    "birth_date": None,
    "birthday_is_lunar": False,
    "lunar_birth_month": None,
    "lunar_birth_day": None,
    "lunar_birth_leap": False,
    "legal_representative": "",
    "fax": "",
    "business_scope": "",
    "registered_capital": None,
    "credit_code": "",
    "credit_rating": "",
    "credit_limit": None,
    "trade_terms": "",
    "profile": {},
    "notes": "",
    "search_keys": "",
}


def erase_personal_data(*, customer: Customer, by, record: DestructionRequest) -> dict:
    """Erase names, phones, ID number, family, profile, company data, attachment files — and
    every historical row of them (simple-history keeps full copies) — in one transaction.
    Files leave storage only after the commit, so a rollback loses nothing."""
    name = customer.name
    files = _attachment_files(customer)
    counts = {
        "phones": CustomerPhone.objects.filter(customer=customer).count(),
        "family": FamilyMember.objects.filter(customer=customer).count(),
        "attachments": len(files),
    }
    CustomerPhone.objects.filter(customer=customer).delete()
    FamilyMember.objects.filter(customer=customer).delete()
    CompanyRecord.objects.filter(customer=customer).delete()
    Attachment.objects.filter(customer=customer).update(
        file="",
        original_name="",
        description="",
        voided_at=timezone.now(),
        void_reason=record.number,
    )
    _scrub_unit_documents(customer, name)
    AccessLog.objects.filter(customer=customer, action=AccessAction.DOWNLOAD).update(detail="")
    counts["history_rows"] = _purge_history(customer)
    for field, value in CLEARED_FIELDS.items():
        setattr(customer, field, value)
    with translation.override(settings.LANGUAGE_CODE):
        customer.name = _("Destroyed archive")
        reason = _("Destroyed under %(number)s") % {"number": record.number}
    customer.voided_at = customer.voided_at or timezone.now()
    customer.void_reason = reason
    customer._history_user = by
    customer._change_reason = reason
    customer.save()
    customer.co_owners.clear()
    transaction.on_commit(lambda: _delete_files(files))
    return counts


def _attachment_files(customer: Customer) -> list[str]:
    names = set(Attachment.objects.filter(customer=customer).values_list("file", flat=True))
    names |= set(Attachment.history.filter(customer_id=customer.pk).values_list("file", flat=True))
    return sorted(name for name in names if name)


def _scrub_unit_documents(customer: Customer, name: str) -> None:
    """The unit file stays (§14) but no longer names the person."""
    for document in UnitDocument.objects.filter(customer=customer):
        document.title = document.title.replace(name, customer.number)[:100]
        document.details = document.details.replace(name, customer.number)
        UnitDocument.objects.filter(pk=document.pk).update(
            title=document.title, details=document.details
        )
    UnitDocument.history.filter(customer_id=customer.pk).delete()


def _purge_history(customer: Customer) -> int:
    deleted = 0
    for history, key in (
        (Customer.history, Q(id=customer.pk)),
        (CustomerPhone.history, Q(customer_id=customer.pk)),
        (FamilyMember.history, Q(customer_id=customer.pk)),
        (CompanyRecord.history, Q(customer_id=customer.pk)),
        (Attachment.history, Q(customer_id=customer.pk)),
    ):
        count, _per_model = history.filter(key).delete()
        deleted += count
    return deleted


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
