"""The composition report (R-ARC-13) for managers."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archives import reports
from archives.forms import CompositionForm
from archives.models import Customer, Deal
from crm import permissions
from crm.charts import bar_chart
from crm.roles import Role, has_role

TITLES = {
    "grade": gettext_lazy("By customer grade"),
    "product": gettext_lazy("By product (unit layout)"),
    "region": gettext_lazy("By region"),
    "source": gettext_lazy("By source"),
}

READERS = (Role.SALES_MANAGER, Role.GENERAL_MANAGER, Role.ARCHIVE_KEEPER)


@login_required
def composition(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_superuser or has_role(request.user, *READERS)):
        raise PermissionDenied
    today = timezone.localdate()
    form = CompositionForm(request.GET or {"start": dt.date(today.year, 1, 1), "end": today})
    deals = permissions.visible(request.user, permissions.VIEW, Deal.objects.all())
    tables = []
    if form.is_valid():
        data = form.cleaned_data
        deals = reports.deals_in(deals, data["start"], data["end"], data.get("project"))
        for dimension in reports.DIMENSIONS:
            rows = reports.composition(deals, dimension)
            chart = bar_chart(
                [(row.label, row.amount / 10000) for row in rows],
                title=str(TITLES[dimension]),
                value_format=lambda v: _("%(v)s 10k yuan") % {"v": f"{v:,.1f}"},
            )
            tables.append(
                {"key": dimension, "title": TITLES[dimension], "rows": rows, "chart": chart}
            )
    customers = permissions.visible(request.user, permissions.VIEW, Customer.objects.active())
    return render(
        request,
        "archives/composition.html",
        {
            "form": form,
            "tables": tables,
            "total_deals": deals.count() if form.is_valid() else 0,
            "credit": reports.company_credit(customers),
        },
    )
