"""The follow-up report: completion and on-time rates with charts, the overdue list, visits
by kind, satisfaction scores. Each person sees the figures of the rows they may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from crm import permissions
from visits import reports
from visits.models import FollowUp, Survey, VisitLog

PERIODS = (3, 6, 12)


@login_required
def report_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        months = int(request.GET.get("months", 6))
    except ValueError:
        months = 6
    months = months if months in PERIODS else 6
    context = reports.report(
        permissions.visible(user, permissions.VIEW, FollowUp.objects.all()),
        permissions.visible(user, permissions.VIEW, VisitLog.objects.all()),
        permissions.visible(user, permissions.VIEW, Survey.objects.all()),
        months=months,
        today=timezone.localdate(),
    )
    return render(
        request,
        "visits/reports.html",
        {**context, "months_choice": months, "periods": PERIODS, "today": timezone.localdate()},
    )
