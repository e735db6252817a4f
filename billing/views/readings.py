"""The reader's round on the phone, entering readings, and reviewing held ones (R-BIL-02)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import checks, rounds, rules, services
from billing.forms import ReadingForm, ReviewForm
from billing.models import GasAccount, Reading, ReadingStatus
from billing.views.common import (
    PAGE_SIZE,
    add_errors,
    capabilities,
    get_or_404,
    require,
    require_billing,
    visible,
)
from crm import permissions


@login_required
def round_view(request: HttpRequest) -> HttpResponse:
    """Today's round on the phone: open windows first, then late, held, upcoming, done."""
    require_billing(request)
    today = timezone.localdate()
    everyone = not rules.may_read_meters(request.user) or request.GET.get("all") == "1"
    stops = rounds.round_for(request.user, today, everyone=everyone)
    return render(
        request,
        "billing/round.html",
        {
            "stops": stops,
            "summary": rounds.summary(stops),
            "today": today,
            "everyone": everyone,
            "can": capabilities(request.user),
        },
    )


@login_required
def reading_new(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_or_404(request, GasAccount.objects.for_list(), pk)
    require(request, rules.may_read_meters)
    meter = account.meters.filter(removed_on__isnull=True).first()
    previous = checks.previous_reading(meter) if meter else None
    form = ReadingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            reading = services.record_reading(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if reading.is_held:
                messages.warning(
                    request,
                    _("Reading held for review: %(reasons)s")
                    % {"reasons": " ".join(reading.hold_messages())},
                )
            else:
                messages.success(request, _("Reading saved."))
            return redirect(reading)
    return render(
        request,
        "billing/reading_form.html",
        {"form": form, "account": account, "meter": meter, "previous": previous},
    )


@login_required
def reading_detail(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = Reading.objects.select_related(
        "account__customer",
        "account__unit__floor__building__project",
        "meter",
        "entered_by",
        "reviewed_by",
        "responsible",
    )
    reading = get_or_404(request, queryset, pk)
    statement = getattr(reading, "closing_statement", None)
    return render(
        request,
        "billing/reading_detail.html",
        {
            "reading": reading,
            "statement": statement,
            "previous": checks.previous_reading(reading.meter, before=reading.read_on)
            if reading.status != ReadingStatus.ACCEPTED
            else None,
            "review_form": ReviewForm() if reading.is_held else None,
            "can": capabilities(request.user),
        },
    )


@login_required
def reading_photo(request: HttpRequest, pk: int) -> FileResponse:
    require_billing(request)
    reading = permissions.get_for_user_or_404(request.user, permissions.DOWNLOAD, Reading, pk)
    if not reading.photo:
        raise Http404
    response = FileResponse(
        reading.photo.open("rb"), content_type=reading.photo_type or "application/octet-stream"
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def reading_review(request: HttpRequest, pk: int) -> HttpResponse:
    reading = get_or_404(request, Reading, pk)
    require(request, rules.may_review_readings)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_reading(
                reading=reading,
                by=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Review recorded."))
    else:
        messages.error(request, _("Choose the decision and write down what was checked."))
    return redirect(reading)


@login_required
def held_list(request: HttpRequest) -> HttpResponse:
    readings = visible(
        request,
        Reading.objects.filter(status=ReadingStatus.HELD).select_related(
            "account__customer",
            "account__unit__floor__building__project",
            "meter",
            "entered_by",
            "responsible",
        ),
    ).order_by("read_on", "pk")
    page = Paginator(readings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/held_list.html",
        {"page_obj": page, "readings": page.object_list, "can": capabilities(request.user)},
    )


@login_required
@require_POST
def statement_issue(request: HttpRequest, pk: int) -> HttpResponse:
    reading = get_or_404(request, Reading, pk)
    require(request, rules.may_issue_statements)
    try:
        statement = services.issue_statement(reading=reading, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reading)
    messages.success(request, _("Statement %(number)s issued.") % {"number": statement.number})
    return redirect(statement)
