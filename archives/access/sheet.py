"""The archive sheet (客户档案表, §6 附件一) as data: printed on A4 and exported to .xlsx from the
same rows, so paper and file say the same. Phones follow the viewer's masking rule and the ID
number is always masked (R-ACC-06): a copy is no reason to show more than the screen does."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from archives import privacy, profile
from archives.models import Customer
from crm.phones import mask_phone, national


@dataclass
class Section:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


def _basic(customer: Customer, data: profile.ArchiveData) -> Section:
    shown = national if data.show_full_phones else mask_phone
    phones = "、".join(f"{p.get_kind_display()} {shown(p.number)}" for p in data.phones)
    source = customer.get_source_display()
    if customer.agent_name:
        source = f"{source} · {customer.agent_name}"
    rows = [
        (_("Archive number"), customer.number),
        (_("Name"), customer.name),
        (_("Kind"), f"{customer.get_kind_display()} · {customer.get_category_display()}"),
        (_("Status"), customer.get_status_display()),
        (_("Grade"), str(customer.grade or "")),
        (_("Confidentiality"), customer.get_secrecy_display()),
        (_("Source"), source),
        (_("Project"), str(customer.project or "")),
        (_("Owner"), str(customer.owner or _("Public pool"))),
        (
            _("Registered"),
            f"{timezone.localtime(customer.created_at):%Y-%m-%d} · {customer.created_by}",
        ),
        (_("Phones"), phones),
        (_("ID number"), customer.id_number_masked),
        (_("Gender"), customer.get_gender_display() if customer.gender else ""),
        (_("Birthday"), customer.birthday_label),
        (_("Occupation"), customer.occupation),
        (_("Company name"), customer.employer),
        (_("Address"), customer.address),
        (_("Postcode"), customer.postcode),
        (_("Email"), customer.email),
    ]
    return Section(_("Archive facts"), rows)


def _company(customer: Customer) -> Section:
    capital = (
        f"{customer.registered_capital} {_('10k yuan')}" if customer.registered_capital else ""
    )
    return Section(
        _("Company"),
        [
            (_("Legal representative"), customer.legal_representative),
            (_("Unified social credit code"), customer.credit_code),
            (_("Registered capital"), capital),
            (_("Fax"), customer.fax),
            (_("Business scope"), customer.business_scope),
            (_("Credit rating"), customer.credit_rating),
            (_("Credit limit"), f"{customer.credit_limit:,.2f}" if customer.credit_limit else ""),
            (_("Trade terms"), customer.trade_terms),
        ],
    )


def _family(data: profile.ArchiveData) -> Section:
    shown = national if data.show_full_phones else mask_phone
    rows = []
    for member in data.family:
        parts = [member.name, member.birthday_label, shown(member.phone) if member.phone else ""]
        parts.append(member.work_or_school)
        rows.append((member.get_relation_display(), " · ".join(p for p in parts if p)))
    return Section(_("Family"), rows)


def _property(customer: Customer) -> Section:
    rows = []
    occupancies = customer.occupancies.select_related("unit__floor__building__project")
    for occupancy in occupancies:
        until = occupancy.moved_out.isoformat() if occupancy.moved_out else _("now")
        rows.append(
            (
                occupancy.get_role_display(),
                f"{occupancy.unit.label} ({occupancy.moved_in.isoformat()} – {until})",
            )
        )
    for deal in customer.deals.select_related("unit__floor__building__project"):
        unit = deal.unit.label if deal.unit else "—"
        rows.append(
            (
                deal.get_kind_display(),
                f"{deal.signed_on.isoformat()} · {unit} · ¥{deal.amount:,.2f}",
            )
        )
    return Section(_("Units and deals"), rows)


def sections(customer: Customer, user) -> list[Section]:
    data = profile.ArchiveData(
        customer, show_full_phones=privacy.shows_full_contact(user, customer)
    )
    result = [_basic(customer, data)]
    if customer.is_company:  # §1's profile and the family describe a person, not a company
        result.append(_company(customer))
    else:
        for section in profile.sections_of(profile.template_for(customer.project)):
            rows = [
                (
                    f"{row.item.number}. {row.item.label}" if row.item.number else row.item.label,
                    row.value,
                )
                for row in profile.rows_for(section, data)
            ]
            result.append(Section(section.title, rows))
        result.append(_family(data))
    result.append(_property(customer))
    return result


def workbook(customer: Customer, user, company_name: str) -> bytes:
    """The sheet as an .xlsx file: one row per item, section titles in bold."""
    book = Workbook()
    sheet = book.active
    sheet.title = customer.number
    sheet.append([f"{company_name} · {_('Customer archive sheet')}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Exported by %(name)s at %(when)s") % {"name": user, "when": _now()}])
    for section in sections(customer, user):
        sheet.append([])
        sheet.append([section.title])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for label, value in section.rows:
            sheet.append([label, value or ""])
            sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 70
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _now() -> str:
    return f"{timezone.localtime():%Y-%m-%d %H:%M}"
