"""Collection rate and arrears ageing (R-BIL-06); the monthly reading report (R-BIL-03)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing import reports, rules
from billing.forms import MonthForm
from billing.models import BillingPolicy
from billing.views.common import require, require_billing
from crm import charts

AGE_LABELS = {
    "not_due": gettext_lazy("Not yet due"),
    "1_30": gettext_lazy("1–30 days"),
    "31_60": gettext_lazy("31–60 days"),
    "61_90": gettext_lazy("61–90 days"),
    "over_90": gettext_lazy("Over 90 days"),
}


def _month(request) -> tuple[MonthForm, int, int]:
    form = MonthForm(request.GET or None)
    year, month = form.year_month()
    return form, year, month


@login_required
def reports_view(request: HttpRequest) -> HttpResponse:
    require_billing(request)
    require(request, rules.may_see_reports)
    form, year, month = _month(request)
    policy = BillingPolicy.current()
    rows = reports.collection(year, month, days=policy.collection_days)
    by_type = rows[:-1]
    chart = charts.vertical(
        _("Collection rate by user type"),
        [(row.label, [row.rate_days, row.rate_month]) for row in by_type],
        [
            charts.Series(_("Within %(n)s working days") % {"n": policy.collection_days}),
            charts.Series(_("Within one month"), charts.AMBER),
        ],
        scale=charts.Scale(100, value_format="{:g}%".format),
        target=charts.Target(
            policy.collection_target,
            _("Target %(n)s%%") % {"n": policy.collection_target.normalize()},
        ),
    )
    today = timezone.localdate()
    ageing = reports.ageing(today)
    ageing_chart = charts.vertical(
        _("Arrears by age"),
        [(str(AGE_LABELS[key]), [ageing[-1].amounts[key]]) for key in reports.AGE_BUCKETS],
        [charts.Series(_("Amount owed (yuan)"))],
        scale=charts.Scale(value_format="{:,.2f}".format),
    )
    return render(
        request,
        "billing/reports.html",
        {
            "form": form,
            "year": year,
            "month": month,
            "rows": rows,
            "chart": chart,
            "target": policy.collection_target,
            "days": policy.collection_days,
            "ageing": ageing,
            "ageing_chart": ageing_chart,
            "age_labels": [(key, AGE_LABELS[key]) for key in reports.AGE_BUCKETS],
            "today": today,
        },
    )


@login_required
def reading_report_view(request: HttpRequest) -> HttpResponse:
    require_billing(request)
    require(request, rules.may_see_reports)
    form, year, month = _month(request)
    report = reports.reading_report(year, month)
    by_type = report.rows[:-1]
    chart = charts.vertical(
        _("Accounts due, read and billed"),
        [(row.label, [row.due, row.read, row.billed]) for row in by_type],
        [
            charts.Series(_("Due for reading")),
            charts.Series(_("Readings taken"), charts.GREEN),
            charts.Series(_("Billed"), charts.AMBER),
        ],
    )
    return render(
        request,
        "billing/reading_report.html",
        {"form": form, "year": year, "month": month, "report": report, "chart": chart},
    )
