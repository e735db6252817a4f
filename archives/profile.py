"""Reading and answering the profile template (R-ARC-03): which template a project uses, what
each item shows for a customer, how complete the archive is, and the form for one section."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from archives.models import (
    Customer,
    FamilyMember,
    ItemKind,
    ProfileItem,
    ProfileSection,
    ProfileTemplate,
)
from crm.phones import mask_phone, national


def template_for(project) -> ProfileTemplate | None:
    """The project's own template if it has one, else the company default."""
    if project is not None:
        own = ProfileTemplate.objects.filter(project=project).first()
        if own:
            return own
    return ProfileTemplate.objects.filter(project__isnull=True).order_by("pk").first()


def sections_of(template: ProfileTemplate | None) -> list[ProfileSection]:
    if template is None:
        return []
    items = ProfileItem.objects.filter(is_active=True).order_by("sort_order", "pk")
    return list(
        template.sections.order_by("sort_order", "pk").prefetch_related(
            Prefetch("items", queryset=items, to_attr="active_items")
        )
    )


@dataclass
class Row:
    item: ProfileItem
    value: str
    answered: bool


class ArchiveData:
    """What bound items read: the customer's fields, phones and family, loaded once."""

    def __init__(self, customer: Customer, *, show_full_phones: bool):
        self.customer = customer
        self.phones = list(customer.phones.all())
        self.family = list(customer.family.all())
        self.show_full_phones = show_full_phones

    def phone(self, kind: str) -> str:
        shown = national if self.show_full_phones else mask_phone
        return "、".join(shown(p.number) for p in self.phones if p.kind == kind)

    def members(self, relations: list[str]) -> list[FamilyMember]:
        return [member for member in self.family if member.relation in relations]

    def field(self, binding: str) -> str:
        parts = binding.split(":")
        if parts[0] == "phone":
            return self.phone(parts[1])
        if parts[0] == "family":
            members = self.members([parts[1]])
            return "、".join(str(getattr(m, parts[2], "") or "") for m in members if m)
        value = getattr(self.customer, binding, "")
        display = getattr(self.customer, f"get_{binding}_display", None)
        return str(display() if display and value else value or "")


def rows_for(section: ProfileSection, data: ArchiveData) -> list[Row]:
    rows = []
    for item in section.active_items:
        if item.kind == ItemKind.FIELD:
            value = data.field(item.binding)
        elif item.kind == ItemKind.FAMILY:
            value = "、".join(
                f"{m.get_relation_display()} {m.name}" for m in data.members(item.relation_list)
            )
        else:
            value = item.display(data.customer.profile.get(item.key))
        rows.append(Row(item=item, value=value, answered=bool(value)))
    return rows


def completeness(sections: list[ProfileSection], data: ArchiveData) -> int:
    """Share of the template's items that hold something, in percent."""
    rows = [row for section in sections for row in rows_for(section, data)]
    if not rows:
        return 0
    return round(100 * sum(row.answered for row in rows) / len(rows))


# --- The form for one section ---------------------------------------------------------------


def _field_for(item: ProfileItem) -> forms.Field:
    common = {"label": item.label, "required": False, "help_text": item.note}
    choices = [(c["key"], item.choice_label(c["key"])) for c in item.choices]
    if item.kind == ItemKind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)
    if item.kind == ItemKind.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if item.kind == ItemKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if item.kind == ItemKind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if item.kind == ItemKind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(max_length=200, **common)


def _stored(value):
    """Answers are JSON: dates as ISO text, numbers as text, so nothing is lost to floats."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    return value


def _initial(item: ProfileItem, value):
    if value in (None, ""):
        return None
    if item.kind == ItemKind.DATE:
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            return None
    if item.kind == ItemKind.NUMBER:
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return value


class ProfileSectionForm(forms.Form):
    """The answerable items of one section, validated against the template (R-ARC-03)."""

    reason = forms.CharField(
        label=_("Reason for corrections"),
        required=False,
        max_length=200,
        help_text=_("Needed only when you change an answer that was already recorded."),
    )

    def __init__(self, *args, section: ProfileSection, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        self.items = [item for item in section.active_items if item.answerable]
        reason = self.fields.pop("reason")
        for item in self.items:
            self.fields[item.key] = _field_for(item)
            self.initial[item.key] = _initial(item, customer.profile.get(item.key))
        self.fields["reason"] = reason

    def answers(self) -> dict:
        return {item.key: _stored(self.cleaned_data.get(item.key)) for item in self.items}


@transaction.atomic
def copy_template(source: ProfileTemplate, project) -> ProfileTemplate:
    """Give a project its own copy of a template to add, remove, rename and reorder items."""
    template = ProfileTemplate.objects.create(
        project=project, name=f"{project.name} · {source.name}"
    )
    for section in source.sections.all():
        items = list(section.items.all())
        section.pk = None
        section.template = template
        section.save()
        for item in items:
            item.pk = None
            item.section = section
            item.save()
    return template
