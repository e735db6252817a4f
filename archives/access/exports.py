"""Files that leave the system: the access log as .xlsx (itself logged), and the response that
sends any .xlsx as a download that is never rendered inline."""

from __future__ import annotations

import io

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from archives.models import AccessAction, AccessLog
from crm.models import Company
from crm.roles import role_labels

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EXPORT_ROWS = 50_000


def company_name() -> str:
    company = Company.objects.order_by("pk").first()
    return company.name if company else settings.SNOWBALL["COMPANY_NAME"]


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


def filter_log(rows: QuerySet, data: dict) -> QuerySet:
    if data.get("user"):
        rows = rows.filter(user=data["user"])
    if data.get("number"):
        rows = rows.filter(customer_number__icontains=data["number"].strip())
    if data.get("action"):
        rows = rows.filter(action=data["action"])
    if data.get("date_from"):
        rows = rows.filter(at__date__gte=data["date_from"])
    if data.get("date_to"):
        rows = rows.filter(at__date__lte=data["date_to"])
    return rows


def log_workbook(rows: QuerySet) -> tuple[bytes, int]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Access log"))
    header = [_("Time"), _("Staff member"), _("Archive number"), _("Action"), _("By right of")]
    sheet.append([*header, _("Detail")])
    labels = dict(AccessAction.choices)
    count = 0
    for row in rows[:MAX_EXPORT_ROWS].iterator(chunk_size=2000):
        sheet.append(
            [
                f"{timezone.localtime(row.at):%Y-%m-%d %H:%M:%S}",
                str(row.user),
                row.customer_number,
                str(labels.get(row.action, row.action)),
                row.basis,
                row.detail,
            ]
        )
        count += 1
    output = io.BytesIO()
    book.save(output)
    return output.getvalue(), count


def log_register_export(user, count: int, filters: dict) -> AccessLog:
    """Exporting the register is itself registered (R-ACC-04)."""
    shown = {key: str(value) for key, value in filters.items() if value}
    detail = _("Access log exported: %(count)s rows %(filters)s") % {
        "count": count,
        "filters": shown or "",
    }
    return AccessLog.objects.create(
        user=user,
        customer=None,
        customer_number="",
        action=AccessAction.EXPORT,
        basis="、".join(role_labels(user))[:40],
        detail=detail[:300],
    )
