"""Customer lists in and out of Excel and CSV.

Import reads .xlsx, or .csv in UTF-8 or GBK (what Excel on a Chinese Windows writes),
guesses which column is which from the headers, explains every bad row in the user's
language, and imports nothing until the user confirms the good rows. Export writes the
current filtered list — only the archives the user may export — to .xlsx.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from archives.models import Gender, Grade, Source
from archives.privacy import shows_full_contact
from archives.services import find_by_mobile
from crm.phones import mask_phone, national, normalize_phone
from crm.validators import clean_id_number

MAX_ROWS = 5000

FIELDS = {
    "name": gettext_lazy("Name"),
    "mobile": gettext_lazy("Mobile"),
    "phone": gettext_lazy("Landline"),
    "id_number": gettext_lazy("ID number"),
    "gender": gettext_lazy("Gender"),
    "address": gettext_lazy("Address"),
    "employer": gettext_lazy("Company name"),
    "occupation": gettext_lazy("Occupation"),
    "email": gettext_lazy("Email"),
    "source": gettext_lazy("Source"),
    "agent_name": gettext_lazy("Agent"),
    "grade": gettext_lazy("Grade"),
    "notes": gettext_lazy("Notes"),
}

HEADER_GUESSES = {
    "name": ["姓名", "客户姓名", "客户名称", "名称", "name", "customer"],
    "mobile": ["手机", "手机号", "手机号码", "移动电话", "联系电话", "电话", "mobile", "phone"],
    "phone": ["固话", "座机", "办公电话", "家庭电话", "landline", "tel"],
    "id_number": ["身份证", "身份证号", "身份证号码", "证件号码", "id", "id number"],
    "gender": ["性别", "gender", "sex"],
    "address": ["地址", "通讯地址", "住址", "address"],
    "employer": ["公司", "单位", "公司名称", "工作单位", "company", "employer"],
    "occupation": ["职业", "occupation", "job"],
    "email": ["邮箱", "电子邮箱", "email", "e-mail"],
    "source": ["来源", "客户来源", "渠道", "source"],
    "agent_name": ["中介", "中介人", "agent"],
    "grade": ["等级", "客户等级", "grade"],
    "notes": ["备注", "说明", "notes", "remark"],
}

SOURCE_WORDS = {
    "来电": Source.CALL,
    "来访": Source.WALK_IN,
    "老带新": Source.REFERRAL,
    "转介绍": Source.REFERRAL,
    "中介": Source.AGENT,
    "自行开发": Source.SELF_DEVELOPED,
    "网络": Source.ONLINE,
    "线上": Source.ONLINE,
    "活动": Source.EVENT,
    **{value: value for value in Source.values},
}


class UnreadableFile(ValueError):
    pass


def read_table(name: str, data: bytes) -> tuple[list[str], list[list[str]], str]:
    """(headers, rows, encoding) from an .xlsx or .csv upload."""
    if name.lower().endswith(".xlsx"):
        return (*_read_xlsx(data), "xlsx")
    if name.lower().endswith(".csv"):
        return _read_csv(data)
    raise UnreadableFile(_("Upload an .xlsx or .csv file."))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel turns 13812345678 into 13812345678.0
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> tuple[list[str], list[list[str]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UnreadableFile(_("This is not a readable Excel file.")) from exc
    sheet = workbook.worksheets[0]
    rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return _split(rows)


def _read_csv(data: bytes) -> tuple[list[str], list[list[str]], str]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
        return (*_split(rows), "GBK" if encoding == "gb18030" else "UTF-8")
    raise UnreadableFile(_("The file is neither UTF-8 nor GBK text."))


def _split(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise UnreadableFile(_("The file is empty."))
    if len(rows) - 1 > MAX_ROWS:
        raise UnreadableFile(
            _("At most %(max)s rows can be imported at once.") % {"max": f"{MAX_ROWS:,}"}
        )
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    return padded[0], padded[1:]


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{column index as text: field} from the header names."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = header.strip().lower()
        for field_name, words in HEADER_GUESSES.items():
            if field_name not in taken and key in words:
                mapping[str(index)] = field_name
                taken.add(field_name)
                break
    return mapping


@dataclass
class RowCheck:
    line: int  # the row number the user sees in Excel (header is line 1)
    values: dict[str, str]  # as typed, for the preview
    errors: list[str] = field(default_factory=list)
    cleaned: dict[str, str] = field(default_factory=dict)  # normalised, for the import

    @property
    def ok(self) -> bool:
        return not self.errors


def check_rows(rows, mapping: dict[str, str], *, company, user) -> list[RowCheck]:
    """Validate each row; every problem explained in the user's language."""
    grades = {grade.code.upper(): grade for grade in Grade.objects.all()}
    seen_mobiles: dict[str, int] = {}
    checks = []
    for offset, row in enumerate(rows):
        values = {
            field_name: row[int(index)] if int(index) < len(row) else ""
            for index, field_name in mapping.items()
        }
        check = RowCheck(line=offset + 2, values=values)
        _check_row(check, grades, seen_mobiles, company, user)
        checks.append(check)
    return checks


def _check_row(check: RowCheck, grades, seen_mobiles, company, user):
    values = check.cleaned = dict(check.values)
    if not values.get("name"):
        check.errors.append(_("The name is missing."))
    if values.get("mobile"):
        try:
            mobile = normalize_phone(values["mobile"], mobile_only=True)
        except ValidationError as error:
            check.errors.append(" ".join(error.messages))
        else:
            values["mobile"] = mobile
            if mobile in seen_mobiles:
                check.errors.append(
                    _("The same mobile as line %(line)s.") % {"line": seen_mobiles[mobile]}
                )
            seen_mobiles.setdefault(mobile, check.line)
            existing = find_by_mobile(company, mobile)
            if existing is not None:
                check.errors.append(_duplicate_text(existing, user))
    elif not values.get("phone"):
        check.errors.append(_("There is no phone number."))
    if values.get("phone"):
        try:
            values["phone"] = normalize_phone(values["phone"])
        except ValidationError as error:
            check.errors.append(" ".join(error.messages))
    if values.get("id_number"):
        try:
            values["id_number"] = clean_id_number(values["id_number"])
        except ValidationError as error:
            check.errors.append(" ".join(error.messages))
    if values.get("grade") and values["grade"].upper() not in grades:
        check.errors.append(_("There is no grade “%(grade)s”.") % {"grade": values["grade"]})
    if values.get("source") and values["source"] not in SOURCE_WORDS:
        check.errors.append(_("Unknown source “%(source)s”.") % {"source": values["source"]})
    if values.get("gender") and values["gender"] not in ("男", "女", *Gender.values):
        check.errors.append(_("The gender must be 男 or 女."))


def _duplicate_text(existing, user) -> str:
    from crm import permissions

    owner = existing.owner
    if owner is None:
        owner_name = _("the public pool")
    elif permissions.can(user, permissions.VIEW, existing):
        owner_name = owner.name or owner.username
    else:
        owner_name = f"{(owner.name or owner.username)[:1]}**"
    return _("Duplicate of archive %(number)s owned by %(owner)s.") % {
        "number": existing.number,
        "owner": owner_name,
    }


def registration_fields(values: dict[str, str]) -> dict:
    """The keyword arguments of register_customer for one good row."""
    grades = {grade.code.upper(): grade for grade in Grade.objects.all()}
    gender_text = values.get("gender", "")
    gender = {"男": Gender.MALE, "女": Gender.FEMALE}.get(
        gender_text, gender_text if gender_text in Gender.values else ""
    )
    phones = [("mobile", values["mobile"])] if values.get("mobile") else []
    if values.get("phone"):
        phones.append(("home", values["phone"]))
    return {
        "name": values["name"],
        "phones": phones,
        "id_number": values.get("id_number", ""),
        "source": SOURCE_WORDS.get(values.get("source", ""), Source.SELF_DEVELOPED),
        "gender": gender,
        "address": values.get("address", "")[:200],
        "employer": values.get("employer", "")[:100],
        "occupation": values.get("occupation", "")[:50],
        "email": values.get("email", "")[:254],
        "agent_name": values.get("agent_name", "")[:100],
        "grade": grades.get(values.get("grade", "").upper()),
        "notes": values.get("notes", ""),
    }


EXPORT_COLUMNS = [
    (gettext_lazy("Archive no."), lambda c, full: c.number),
    (gettext_lazy("Name"), lambda c, full: c.name),
    (gettext_lazy("Kind"), lambda c, full: c.get_kind_display()),
    (gettext_lazy("Category"), lambda c, full: c.get_category_display()),
    (gettext_lazy("Status"), lambda c, full: c.get_status_display()),
    (gettext_lazy("Grade"), lambda c, full: c.grade.code if c.grade else ""),
    (gettext_lazy("Source"), lambda c, full: c.get_source_display()),
    (gettext_lazy("Agent"), lambda c, full: c.agent_name),
    (gettext_lazy("Project"), lambda c, full: c.project.name if c.project else ""),
    (gettext_lazy("Owner"), lambda c, full: str(c.owner) if c.owner else ""),
    (
        gettext_lazy("Phone"),
        lambda c, full: (national if full else mask_phone)(c.primary_phone or ""),
    ),
    (gettext_lazy("Address"), lambda c, full: c.address),
    (gettext_lazy("Registered"), lambda c, full: c.created_at.strftime("%Y-%m-%d %H:%M")),
]


def export_workbook(customers, user) -> bytes:
    """An .xlsx of the given archives (already narrowed to what `user` may export)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Customer archives")))
    sheet.append([str(label) for label, _value in EXPORT_COLUMNS])
    for customer in customers:
        full = shows_full_contact(user, customer)
        sheet.append([value(customer, full) for _label, value in EXPORT_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
