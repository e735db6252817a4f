"""The readable history of an archive (R-ARC-07): who changed what, when, old → new.

It reads django-simple-history's tables for the archive, its phones and its family members,
expands the profile's JSON into one line per template item, and marks a change that replaced
a recorded value as a correction with its reason (§3 文字勘误).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _

from archives.models import Customer, CustomerPhone, FamilyMember, ProfileItem
from archives.services import EDITABLE_FIELDS, is_empty
from crm.models import User
from crm.phones import mask_phone, national

HIDDEN_FIELDS = {"id", "id_number_hash", "search_keys", "status_changed_at", "company"}
# What a person types into the archive: replacing it is a correction (勘误). Status, owner and
# voiding move by their own services, each with its reason, and are not corrections.
CORRECTABLE_FIELDS = {*EDITABLE_FIELDS, "id_number_encrypted"}


@dataclass
class Change:
    label: str
    old: str
    new: str
    is_correction: bool


@dataclass
class Revision:
    when: dt.datetime
    user: str
    subject: str
    action: str  # created / changed / removed
    reason: str
    changes: list[Change] = field(default_factory=list)

    @property
    def is_correction(self) -> bool:
        return any(change.is_correction for change in self.changes)


class _Formatter:
    """Turns stored values into what a person reads, with a few batched look-ups."""

    def __init__(self, model, *, show_full_phones: bool):
        self.model = model
        self.show_full_phones = show_full_phones
        self.items = {item.key: item for item in ProfileItem.objects.all()}
        self._fk_cache: dict[tuple[type, object], str] = {}

    def is_correction(self, name: str, old) -> bool:
        """Did this change replace a recorded value that people type in (§3 勘误)?"""
        if is_empty(old):
            return False
        return self.model is not Customer or name in CORRECTABLE_FIELDS

    def label(self, name: str) -> str:
        if name == "id_number_encrypted":
            return _("ID number")
        try:
            return str(self.model._meta.get_field(name).verbose_name)
        except Exception:
            return name

    def value(self, name: str, raw) -> str:
        if is_empty(raw):
            return ""
        if name in ("id_number_encrypted",):
            return _("(encrypted)")
        if name in ("number", "phone") and isinstance(raw, str) and raw.startswith("+"):
            return national(raw) if self.show_full_phones else mask_phone(raw)
        model_field = self.model._meta.get_field(name)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(raw, raw))
        if isinstance(model_field, models.ForeignKey):
            return self._related(model_field.related_model, raw)
        if isinstance(model_field, models.ManyToManyField):
            return "、".join(self._related(User, row.get("user")) for row in raw)
        if isinstance(raw, bool):
            return _("yes") if raw else _("no")
        return str(raw)

    def _related(self, model, pk) -> str:
        key = (model, pk)
        if key not in self._fk_cache:
            obj = model._default_manager.filter(pk=pk).first()
            self._fk_cache[key] = str(obj) if obj else f"#{pk}"
        return self._fk_cache[key]

    def profile_changes(self, old: dict, new: dict) -> list[Change]:
        changes = []
        for key in sorted(
            set(old) | set(new), key=lambda k: getattr(self.items.get(k), "number", 0) or 0
        ):
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            item = self.items.get(key)
            label = (
                f"{item.number}. {item.label}"
                if item and item.number
                else (item.label if item else key)
            )
            changes.append(
                Change(
                    label=label,
                    old=item.display(before) if item else str(before or ""),
                    new=item.display(after) if item else str(after or ""),
                    is_correction=not is_empty(before),
                )
            )
        return changes


def _revisions(records, subject, formatter: _Formatter, skip=HIDDEN_FIELDS) -> list[Revision]:
    revisions = []
    previous = None
    for record in records:
        user = str(record.history_user) if record.history_user_id else _("system")
        if record.history_type == "+":
            revisions.append(
                Revision(
                    record.history_date,
                    user,
                    subject(record),
                    _("created"),
                    record.history_change_reason or "",
                )
            )
        elif record.history_type == "-":
            revisions.append(
                Revision(
                    record.history_date,
                    user,
                    subject(record),
                    _("removed"),
                    record.history_change_reason or "",
                )
            )
        elif previous is not None:
            revision = Revision(
                record.history_date,
                user,
                subject(record),
                _("changed"),
                record.history_change_reason or "",
            )
            for change in record.diff_against(previous).changes:
                if change.field in skip:
                    continue
                if change.field == "profile":
                    revision.changes += formatter.profile_changes(
                        change.old or {}, change.new or {}
                    )
                    continue
                revision.changes.append(
                    Change(
                        label=formatter.label(change.field),
                        old=formatter.value(change.field, change.old),
                        new=formatter.value(change.field, change.new),
                        is_correction=formatter.is_correction(change.field, change.old),
                    )
                )
            if revision.changes:
                revisions.append(revision)
        previous = record
    return revisions


def revisions_for(customer: Customer, *, show_full_phones: bool) -> list[Revision]:
    """Every revision of the archive and its parts, newest first."""
    order = ("history_date", "history_id")
    archive = customer.history.select_related("history_user").order_by(*order)
    result = _revisions(
        archive,
        lambda r: _("Archive"),
        _Formatter(Customer, show_full_phones=show_full_phones),
    )
    family_formatter = _Formatter(FamilyMember, show_full_phones=show_full_phones)
    family = FamilyMember.history.filter(customer_id=customer.pk).select_related("history_user")
    phone_formatter = _Formatter(CustomerPhone, show_full_phones=show_full_phones)
    phones = CustomerPhone.history.filter(customer_id=customer.pk).select_related("history_user")
    for rows, formatter, subject in (
        (family, family_formatter, lambda r: f"{_('Family member')} {r.name}"),
        (phones, phone_formatter, lambda r: f"{_('Phone')} {formatter_phone(r, show_full_phones)}"),
    ):
        by_object: dict[int, list] = {}
        for row in rows.order_by(*order):
            by_object.setdefault(row.id, []).append(row)
        for object_rows in by_object.values():
            result += _revisions(object_rows, subject, formatter)
    return sorted(result, key=lambda revision: revision.when, reverse=True)


def formatter_phone(record, show_full: bool) -> str:
    return national(record.number) if show_full else mask_phone(record.number)
