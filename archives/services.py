"""Every write to a customer archive: one function per change, each one transaction, each
leaving history with the user who made it (R-ARC-07). Views, imports, commands and tasks call
these; none writes archive rows itself.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from archives import events
from archives.models import (
    AccessAction,
    AccessLog,
    Attachment,
    Customer,
    CustomerKind,
    CustomerPhone,
    Deal,
    EventKind,
    FamilyMember,
    Occupancy,
    PhoneKind,
    RevealKind,
    Status,
    StatusChange,
    UnitDocument,
    UnitDocumentKind,
)
from archives.search import build_search_keys
from crm import numbering, pii
from crm.models import Company
from crm.phones import normalize_phone
from crm.validators import clean_id_number

# Fields a consultant edits on the archive form; the rest change only through a service.
EDITABLE_FIELDS = [
    "name",
    "kind",
    "category",
    "grade",
    "industry",
    "nature",
    "region",
    "customer_type",
    "source",
    "agent_name",
    "project",
    "secrecy",
    "gender",
    "occupation",
    "employer",
    "email",
    "address",
    "postcode",
    "birth_date",
    "birthday_is_lunar",
    "lunar_birth_month",
    "lunar_birth_day",
    "lunar_birth_leap",
    "greeting_opt_out",
    "legal_representative",
    "fax",
    "business_scope",
    "registered_capital",
    "credit_code",
    "credit_rating",
    "credit_limit",
    "trade_terms",
    "notes",
]


class DuplicateCustomer(ValidationError):
    """The mobile already belongs to an archive: never a second one (R-ARC-08)."""

    def __init__(self, existing: Customer, phone: str):
        self.existing = existing
        self.phone = phone
        super().__init__(
            _("The mobile %(phone)s already belongs to archive %(number)s.")
            % {"phone": phone, "number": existing.number},
            code="duplicate",
        )


def find_by_mobile(company: Company, mobile: str) -> Customer | None:
    number = normalize_phone(mobile)
    phone = (
        CustomerPhone.objects.filter(company=company, number=number, kind=PhoneKind.MOBILE)
        .select_related("customer__owner")
        .first()
    )
    return phone.customer if phone else None


def default_company(by=None, project=None) -> Company:
    if project is not None:
        return project.company
    if by is not None and by.department_id:
        return by.department.company
    return Company.objects.order_by("pk").first()


def _stamp(instance, by, reason: str = ""):
    """Name the user (and reason) on the history row, also outside a request."""
    instance._history_user = by
    if reason:
        instance._change_reason = reason


@transaction.atomic
def register_customer(
    *,
    by,
    name: str,
    source: str,
    phones: list[tuple[str, str]] = (),
    kind: str = CustomerKind.INDIVIDUAL,
    owner=None,
    project=None,
    id_number: str = "",
    created_at: dt.datetime | None = None,
    **fields,
) -> Customer:
    """Open a numbered archive (R-ARC-01). Raises DuplicateCustomer for a known mobile."""
    company = default_company(by, project)
    cleaned_phones = _clean_phones(phones)
    for phone_kind, number in cleaned_phones:
        if phone_kind == PhoneKind.MOBILE and (existing := find_by_mobile(company, number)):
            raise DuplicateCustomer(existing, number)
    customer = Customer(
        company=company,
        number=numbering.next_number(numbering.FormKind.CUSTOMER_ARCHIVE, when=created_at),
        name=name.strip(),
        kind=kind,
        source=source,
        owner=owner,
        project=project,
        created_by=by,
        created_at=created_at or timezone.now(),
        status_changed_at=created_at or timezone.now(),
        **fields,
    )
    _set_id_number(customer, id_number)
    customer.search_keys = build_search_keys(
        customer.name, customer.employer, number=customer.number
    )
    _stamp(customer, by, _("Archive opened"))
    customer.save()
    try:
        with transaction.atomic():
            for index, (phone_kind, number) in enumerate(cleaned_phones):
                _add_phone(customer, phone_kind, number, primary=index == 0, by=by)
    except IntegrityError:
        # Another request registered the same mobile a moment ago.
        existing = find_by_mobile(company, cleaned_phones[0][1])
        raise DuplicateCustomer(existing, cleaned_phones[0][1]) from None
    return customer


def _clean_phones(phones) -> list[tuple[str, str]]:
    cleaned = []
    for phone_kind, raw in phones:
        if not raw:
            continue
        number = normalize_phone(raw, mobile_only=phone_kind == PhoneKind.MOBILE)
        if number not in {n for _k, n in cleaned}:
            cleaned.append((phone_kind, number))
    return cleaned


def _set_id_number(customer: Customer, id_number: str) -> None:
    if not id_number:
        return
    number = clean_id_number(id_number)
    customer.id_number_encrypted = pii.encrypt(number)
    customer.id_number_hash = pii.keyed_hash(number)
    customer.id_number_masked = pii.mask_id_number(number)


def _add_phone(customer, kind, number, *, primary=False, by=None, note="") -> CustomerPhone:
    phone = CustomerPhone(
        customer=customer,
        company_id=customer.company_id,
        kind=kind,
        number=number,
        is_primary=primary,
        note=note,
    )
    _stamp(phone, by)
    phone.save()
    return phone


def is_empty(value) -> bool:
    return value in (None, "", [], {}, False)


def corrected_fields(instance, changes: dict) -> list[str]:
    """Fields whose existing value would be replaced: corrections, not additions (§3 勘误)."""
    return [
        field
        for field, new in changes.items()
        if not is_empty(getattr(instance, field)) and getattr(instance, field) != new
    ]


@transaction.atomic
def update_customer(*, customer: Customer, by, changes: dict, reason: str = "") -> list[str]:
    """Change archive fields. Filling an empty field is an addition; replacing a value is a
    correction and needs a reason, which the history shows (R-ARC-07). Returns changed fields."""
    changes = {f: v for f, v in changes.items() if getattr(customer, f) != v}
    unknown = set(changes) - set(EDITABLE_FIELDS) - {"id_number"}
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    id_number = changes.pop("id_number", None)
    corrections = corrected_fields(customer, changes)
    if id_number and customer.id_number_encrypted:
        corrections.append("id_number")
    if corrections and not reason.strip():
        raise ValidationError(
            {"reason": _("Changing recorded information is a correction: give the reason.")}
        )
    if not changes and not id_number:
        return []
    for field, value in changes.items():
        setattr(customer, field, value)
    if id_number:
        _set_id_number(customer, id_number)
    customer.search_keys = build_search_keys(
        customer.name, customer.employer, number=customer.number
    )
    _stamp(customer, by, reason.strip() or _("Information added"))
    customer.save()
    return [*changes, *(["id_number"] if id_number else [])]


@transaction.atomic
def save_profile(*, customer: Customer, by, answers: dict, reason: str = "") -> list[str]:
    """Store template answers (already validated by the template's form)."""
    current = dict(customer.profile)
    changed = {key: value for key, value in answers.items() if current.get(key) != value}
    corrections = [key for key in changed if not is_empty(current.get(key))]
    if corrections and not reason.strip():
        raise ValidationError(
            {"reason": _("Changing recorded information is a correction: give the reason.")}
        )
    if not changed:
        return []
    for key, value in changed.items():
        if is_empty(value):
            current.pop(key, None)
        else:
            current[key] = value
    customer.profile = current
    _stamp(customer, by, reason.strip() or _("Information added"))
    customer.save(update_fields=["profile"])
    return list(changed)


@transaction.atomic
def change_status(*, customer: Customer, to: str, reason: str, by, when=None) -> StatusChange:
    """lead → intent → won / lost → moved out, with time and reason (R-ARC-05)."""
    if to == customer.status:
        raise ValidationError(_("The archive already has this status."))
    if to not in customer.allowed_statuses():
        raise ValidationError(
            _("An archive cannot go from “%(from)s” to “%(to)s”.")
            % {"from": customer.get_status_display(), "to": Status(to).label}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change of status.")})
    when = when or timezone.now()
    change = StatusChange.objects.create(
        customer=customer,
        from_status=customer.status,
        to_status=to,
        reason=reason.strip(),
        changed_by=by,
        changed_at=when,
    )
    customer.status = to
    customer.status_changed_at = when
    _stamp(customer, by, reason.strip())
    customer.save(update_fields=["status", "status_changed_at"])
    return change


@transaction.atomic
def set_co_owners(*, customer: Customer, co_owners, by, reason: str = "") -> None:
    _stamp(customer, by, reason or _("Co-owners changed"))
    customer.co_owners.set([person for person in co_owners if person.pk != customer.owner_id])


@transaction.atomic
def add_phone(*, customer: Customer, kind: str, number: str, by, note: str = "") -> CustomerPhone:
    if not number.strip():
        raise ValidationError({"number": _("Enter a phone number.")})
    ((kind, number),) = _clean_phones([(kind, number)])
    if kind == PhoneKind.MOBILE:
        existing = find_by_mobile(customer.company, number)
        if existing and existing.pk != customer.pk:
            raise DuplicateCustomer(existing, number)
    if customer.phones.filter(number=number).exists():
        raise ValidationError(_("This archive already has that number."))
    primary = not customer.phones.exists()
    try:
        with transaction.atomic():
            return _add_phone(customer, kind, number, primary=primary, by=by, note=note)
    except IntegrityError:
        raise DuplicateCustomer(find_by_mobile(customer.company, number), number) from None


@transaction.atomic
def remove_phone(*, phone: CustomerPhone, by, reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for removing the number.")})
    customer = phone.customer
    if phone.is_primary and customer.phones.count() == 1 and customer.kind == "individual":
        raise ValidationError(_("An individual's archive keeps at least one phone."))
    _stamp(phone, by, reason)
    phone.delete()
    if phone.is_primary:
        successor = customer.phones.order_by("pk").first()
        if successor:
            successor.is_primary = True
            _stamp(successor, by, reason)
            successor.save(update_fields=["is_primary"])


@transaction.atomic
def record_deal(
    *,
    customer: Customer,
    by,
    amount: Decimal,
    signed_on: dt.date,
    unit=None,
    kind: str = Deal.Kind.PURCHASE,
    consultant=None,
) -> Deal:
    """A signed sale or lease: the customer is won, and the buyers' follow-ups start."""
    deal = Deal(
        customer=customer,
        unit=unit,
        kind=kind,
        signed_on=signed_on,
        amount=amount,
        consultant=consultant or customer.owner or by,
    )
    _stamp(deal, by)
    deal.save()
    if customer.status != Status.WON:
        signed_at = timezone.make_aware(dt.datetime.combine(signed_on, dt.time(12)))
        change_status(
            customer=customer,
            to=Status.WON,
            reason=_("Deal signed"),
            by=by,
            when=min(signed_at, timezone.now()),
        )
    events.record_event(
        customer=customer,
        kind=EventKind.DEAL_WON,
        occurred_on=signed_on,
        source_key=f"archives.deal:{deal.pk}",
        label=_("Deal signed for %(unit)s") % {"unit": unit.label if unit else "—"},
        by=by,
    )
    return deal


@transaction.atomic
def move_in(*, customer: Customer, unit, role: str, moved_in: dt.date, by, notes="") -> Occupancy:
    """A customer moves into a unit: the unit's file opens for them and new-resident
    follow-ups start (§15: a visit within a month of moving in)."""
    if Occupancy.objects.filter(customer=customer, unit=unit, moved_out__isnull=True).exists():
        raise ValidationError(_("This customer already lives in this unit."))
    occupancy = Occupancy(
        customer=customer, unit=unit, role=role, moved_in=moved_in, notes=notes, recorded_by=by
    )
    _stamp(occupancy, by)
    occupancy.save()
    add_unit_document(
        unit=unit,
        customer=customer,
        kind=UnitDocumentKind.MOVE_IN,
        title=_("Moved in: %(name)s") % {"name": customer.name},
        date=moved_in,
        by=by,
    )
    events.record_event(
        customer=customer,
        kind=EventKind.MOVE_IN,
        occurred_on=moved_in,
        source_key=f"archives.occupancy:{occupancy.pk}",
        label=_("Moved into %(unit)s") % {"unit": unit.label},
        by=by,
        project=unit.floor.building.project,
    )
    return occupancy


@transaction.atomic
def move_out(*, occupancy: Occupancy, moved_out: dt.date, by, reason: str = "") -> Occupancy:
    if occupancy.moved_out is not None:
        raise ValidationError(_("This occupancy has already ended."))
    if moved_out < occupancy.moved_in:
        raise ValidationError({"moved_out": _("Moving out cannot come before moving in.")})
    occupancy.moved_out = moved_out
    _stamp(occupancy, by, reason)
    occupancy.save(update_fields=["moved_out"])
    customer = occupancy.customer
    still_in = Occupancy.objects.filter(customer=customer, moved_out__isnull=True).exists()
    if not still_in and customer.status == Status.WON:
        change_status(
            customer=customer, to=Status.MOVED_OUT, reason=reason or _("Moved out"), by=by
        )
    return occupancy


@transaction.atomic
def add_unit_document(*, unit, kind: str, title: str, by, date=None, customer=None, **fields):
    document = UnitDocument(
        unit=unit,
        customer=customer,
        kind=kind,
        title=str(title),
        date=date or timezone.localdate(),
        recorded_by=by,
        **fields,
    )
    _stamp(document, by)
    document.save()
    return document


@transaction.atomic
def save_family_member(*, customer: Customer, by, member: FamilyMember | None = None, **fields):
    if fields.get("phone"):
        fields["phone"] = normalize_phone(fields["phone"])
    member = member or FamilyMember(customer=customer, created_by=by)
    for field, value in fields.items():
        setattr(member, field, value)
    member.full_clean(exclude=["customer", "created_by"])
    _stamp(member, by)
    member.save()
    return member


@transaction.atomic
def remove_family_member(*, member: FamilyMember, by, reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for removing this family member.")})
    _stamp(member, by, reason)
    member.delete()


@transaction.atomic
def upload_attachment(
    *, customer: Customer, by, kind: str, file, secrecy: str, description: str = ""
) -> Attachment:
    """Store a qualification copy under a generated name (R-ARC-06). `file` was checked by its
    content (magic bytes) in the form; the detected type is what the download declares."""
    attachment = Attachment(
        customer=customer,
        kind=kind,
        original_name=file.name[-200:],
        content_type=getattr(file, "detected_type", "application/octet-stream"),
        size=file.size,
        secrecy=secrecy,
        description=description,
        uploaded_by=by,
    )
    attachment.file.save(file.name, file, save=False)
    _stamp(attachment, by)
    attachment.save()
    return attachment


@transaction.atomic
def void_customer(*, customer: Customer, by, reason: str) -> None:
    """Archives are never deleted from the UI: voided with a reason, kept with their history."""
    if customer.is_voided:
        raise ValidationError(_("This archive is already void."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding the archive.")})
    customer.voided_at = timezone.now()
    customer.void_reason = reason.strip()
    _stamp(customer, by, reason.strip())
    customer.save(update_fields=["voided_at", "void_reason"])


def touch_contact(*, customer: Customer, when: dt.datetime | None = None) -> None:
    """Any recorded contact (visit, call, registration) restarts the protection period.

    last_contact_at is bookkeeping kept out of the history, so a plain update skips nothing.
    """
    when = when or timezone.now()
    Customer.objects.filter(pk=customer.pk).filter(
        Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=when)
    ).update(last_contact_at=when)


def log_access(*, user, customer: Customer | None, action: str, detail: str = "") -> AccessLog:
    """登记手续 (R-ACC-04): one row per view of someone else's archive, export, print, download."""
    from archives.rules import access_basis

    return AccessLog.objects.create(
        user=user,
        customer=customer,
        customer_number=customer.number if customer else "",
        action=action,
        basis=access_basis(user, customer, action) if customer else "",
        detail=detail[:300],
    )


@transaction.atomic
def import_customers(*, batch, by) -> tuple[int, int]:
    """Open an archive for every good row of a confirmed import, all in one transaction.

    Rows are checked again: a mobile registered since the preview is skipped, never doubled.
    The uploaded rows are cleared afterwards; only the counts remain.
    """
    from archives.models import ImportBatch
    from archives.spreadsheets import check_rows, registration_fields

    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != ImportBatch.State.PREVIEW:
        raise ValidationError(_("This import has already been confirmed or cancelled."))
    company = default_company(by, batch.project)
    checks = check_rows(batch.rows, batch.mapping, company=company, user=by)
    good = [check for check in checks if check.ok]
    for check in good:
        register_customer(
            by=by, owner=batch.owner, project=batch.project, **registration_fields(check.cleaned)
        )
    batch.state = ImportBatch.State.DONE
    batch.imported, batch.skipped = len(good), len(checks) - len(good)
    batch.rows = []
    batch.finished_at = timezone.now()
    batch.save()
    return batch.imported, batch.skipped


@transaction.atomic
def cancel_import(*, batch) -> None:
    from archives.models import ImportBatch

    ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.PREVIEW).update(
        state=ImportBatch.State.CANCELLED, rows=[], finished_at=timezone.now()
    )


def purge_stale_imports(*, older_than: dt.timedelta = dt.timedelta(hours=24)) -> int:
    """Uploaded lists nobody confirmed are personal data without a purpose: drop their rows."""
    from archives.models import ImportBatch

    stale = ImportBatch.objects.filter(
        state=ImportBatch.State.PREVIEW, created_at__lt=timezone.now() - older_than
    )
    return stale.update(state=ImportBatch.State.CANCELLED, rows=[], finished_at=timezone.now())


@transaction.atomic
def export_customers(*, user, customers) -> bytes:
    """The .xlsx of archives `user` may export, each export registered in the access log."""
    from archives.spreadsheets import export_workbook

    customers = list(customers)
    bases = _export_bases(user, customers)
    detail = _("List export of %(count)s archives") % {"count": len(customers)}
    AccessLog.objects.bulk_create(
        AccessLog(
            user=user,
            customer=customer,
            customer_number=customer.number,
            action=AccessAction.EXPORT,
            basis=bases[customer.pk],
            detail=detail,
        )
        for customer in customers
    )
    return export_workbook(customers, user)


def _export_bases(user, customers) -> dict[int, str]:
    """By what right each archive was exported, in two queries for the whole list."""
    from crm import permissions
    from crm.roles import Role, roles_of

    pks = [customer.pk for customer in customers]
    co_owned = set(
        Customer.co_owners.through.objects.filter(customer_id__in=pks, user=user).values_list(
            "customer_id", flat=True
        )
    )
    granted = dict(
        permissions.live_grants(Customer, user, "export_customer")
        .filter(content_object_id__in=pks)
        .values_list("content_object_id", "pk")
    )
    labels = dict(Role.choices)
    role = next((str(labels[r]) for r in Role.values if r in roles_of(user)), "")
    bases = {}
    for customer in customers:
        if customer.owner_id == user.pk:
            bases[customer.pk] = str(_("owner"))
        elif customer.pk in co_owned:
            bases[customer.pk] = str(_("co-owner"))
        elif customer.pk in granted:
            bases[customer.pk] = _("grant #%(id)s") % {"id": granted[customer.pk]}
        else:
            bases[customer.pk] = role or str(_("administrator"))
    return bases


def reveal_id_number(*, customer: Customer, user) -> str:
    """Show the full ID number: an explicit, logged action (R-ACC-06)."""
    detail = f"{RevealKind.ID_NUMBER.label} {customer.id_number_masked}"
    log_access(user=user, customer=customer, action=AccessAction.REVEAL, detail=detail)
    return pii.decrypt(customer.id_number_encrypted)
