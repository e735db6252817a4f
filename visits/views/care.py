"""Customer care screens: greetings (R-VIS-04), satisfaction surveys (R-VIS-05) and events
with their invitations (R-VIS-06)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives.models import Customer
from crm import permissions, searches
from crm.roles import roles_of
from visits import greetings, services
from visits.forms import (
    AnswersForm,
    AttendanceForm,
    EventForm,
    ReplyForm,
    SurveyStartForm,
)
from visits.models import (
    Event,
    Greeting,
    Invitation,
    Reply,
    Survey,
    SurveyChannel,
    SurveyStatus,
)
from visits.rules import EVENT_STAFF, covers_everything
from visits.views.common import (
    add_errors,
    changeable,
    customer_for_work,
    find_customers,
    paginate,
)

# --- Greetings ------------------------------------------------------------------------------


@login_required
def greeting_list(request: HttpRequest) -> HttpResponse:
    """The day's greetings, the coming week's birthdays and festivals, and what was sent."""
    today = timezone.localdate()
    sent = permissions.visible(
        request.user,
        permissions.VIEW,
        Greeting.objects.select_related("customer", "family_member", "sms", "follow_up"),
    )
    audience = permissions.visible(request.user, permissions.VIEW, greetings.audience())
    page = paginate(request, sent.filter(on_date__lte=today).order_by("-on_date", "-pk"))
    return render(
        request,
        "visits/greeting_list.html",
        {
            "today": today,
            "coming": greetings.upcoming(audience, start=today + dt.timedelta(days=1), days=7),
            "due_today": greetings.upcoming(audience, start=today, days=1),
            "page_obj": page,
            "sent": page.object_list,
            "greeting_hour": greetings.GREETING_HOUR,
        },
    )


# --- Surveys --------------------------------------------------------------------------------


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = Survey.objects.select_related("customer", "questionnaire", "conducted_by")
    surveys = permissions.visible(request.user, permissions.VIEW, surveys)
    status = request.GET.get("status")
    if status in SurveyStatus.values:
        surveys = surveys.filter(status=status)
    page = paginate(request, surveys.order_by("-pk"))
    return render(
        request,
        "visits/survey_list.html",
        {
            "page_obj": page,
            "surveys": page.object_list,
            "status": status,
            "statuses": SurveyStatus.choices,
        },
    )


@login_required
def survey_new(request: HttpRequest, customer_pk: int) -> HttpResponse:
    """By phone: ask and record the answers at once. By letter: record that it was sent and
    print it; the answers come in later (survey_reply)."""
    customer = customer_for_work(request, customer_pk)
    start = SurveyStartForm(request.POST or request.GET or None)
    answers = None
    if start.is_valid():
        questionnaire = start.cleaned_data["questionnaire"]
        channel = start.cleaned_data["channel"]
        if channel == SurveyChannel.LETTER and request.method == "POST":
            survey = services.send_survey_letter(
                questionnaire=questionnaire, customer=customer, by=request.user
            )
            messages.success(request, _("Survey letter recorded: print it and post it."))
            return redirect(survey)
        if channel == SurveyChannel.PHONE:
            posted = request.POST if "answers" in request.POST else None
            answers = AnswersForm(posted, questionnaire=questionnaire)
            if posted is not None and answers.is_valid():
                try:
                    survey = services.record_phone_survey(
                        questionnaire=questionnaire,
                        customer=customer,
                        by=request.user,
                        answers=answers.answers(),
                        comments=answers.cleaned_data.get("comments") or "",
                    )
                except ValidationError as error:
                    add_errors(answers, error)
                else:
                    messages.success(request, _("Survey recorded."))
                    return redirect(survey)
    return render(
        request,
        "visits/survey_form.html",
        {"customer": customer, "start": start, "answers": answers},
    )


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = Survey.objects.select_related("customer", "questionnaire", "conducted_by")
    survey = permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)
    return render(
        request,
        "visits/survey_detail.html",
        {
            "survey": survey,
            "answers": survey.answers.select_related("question"),
            "can_change": survey.status == SurveyStatus.SENT
            and permissions.can(request.user, permissions.CHANGE, survey),
        },
    )


@login_required
def survey_reply(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = Survey.objects.select_related("customer", "questionnaire")
    survey = changeable(request, queryset, pk)
    form = AnswersForm(request.POST or None, questionnaire=survey.questionnaire, with_date=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_survey_reply(
                survey=survey,
                by=request.user,
                answers=form.answers(),
                comments=form.cleaned_data.get("comments") or "",
                received_on=form.cleaned_data["received_on"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Reply recorded."))
            return redirect(survey)
    return render(request, "visits/survey_reply.html", {"survey": survey, "form": form})


@login_required
def survey_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter of §1 九大战术 6, on A4 with the company's header."""
    queryset = Survey.objects.select_related("customer", "questionnaire", "conducted_by")
    survey = permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)
    return render(
        request,
        "visits/survey_print.html",
        {
            "survey": survey,
            "questions": survey.questionnaire.questions.all(),
            "scores": range(1, 6),
        },
    )


# --- Events ---------------------------------------------------------------------------------


def _event_staff(user) -> bool:
    return covers_everything(user) or bool(roles_of(user) & EVENT_STAFF)


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    events = Event.objects.select_related("project", "organizer").annotate(
        invited=Count("invitations"),
        accepted=Count("invitations", filter=Q(invitations__reply=Reply.ACCEPTED)),
        came=Count("invitations", filter=Q(invitations__attended=True)),
    )
    events = permissions.visible(request.user, permissions.VIEW, events)
    page = paginate(request, events.order_by("-starts_at", "-pk"))
    return render(
        request,
        "visits/event_list.html",
        {"page_obj": page, "events": page.object_list, "now": timezone.now()},
    )


@login_required
def event_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        if not _event_staff(request.user):
            raise PermissionDenied
        event = None
    else:
        event = changeable(request, Event, pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        event = services.save_event(by=request.user, event=event, **fields)
        messages.success(request, _("Event saved."))
        return redirect(event)
    return render(request, "visits/event_form.html", {"form": form, "event": event})


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = Event.objects.select_related("project", "organizer")
    event = permissions.get_for_user_or_404(request.user, permissions.VIEW, queryset, pk)
    invitations = permissions.visible(
        request.user,
        permissions.VIEW,
        event.invitations.select_related("customer", "invited_by").order_by("pk"),
    )
    changeable_ids = set(
        permissions.visible(request.user, permissions.CHANGE, event.invitations.all()).values_list(
            "pk", flat=True
        )
    )
    totals = event.invitations.aggregate(
        invited=Count("pk"),
        accepted=Count("pk", filter=Q(reply=Reply.ACCEPTED)),
        declined=Count("pk", filter=Q(reply=Reply.DECLINED)),
        came=Count("pk", filter=Q(attended=True)),
        bought=Count("pk", filter=Q(bought=True)),
    )
    return render(
        request,
        "visits/event_detail.html",
        {
            "event": event,
            "invitations": invitations,
            "changeable_ids": changeable_ids,
            "totals": totals,
            "hidden": totals["invited"] - len(invitations),
            "can_change": permissions.can(request.user, permissions.CHANGE, event),
            "attendance_open": event.date <= timezone.localdate(),
            "today": timezone.localdate(),
        },
    )


@login_required
def event_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose customers to invite; after the start, add guests who came uninvited. The search
    words are POSTed and kept in the session; the URL carries a token (R-ACC-06)."""
    event = permissions.get_for_user_or_404(request.user, permissions.VIEW, Event, pk)
    if request.method == "POST" and "q" in request.POST:  # the search form, not the choice
        return redirect(searches.redirect_url(request, request.path))
    if request.method == "POST":
        ids = [value for value in request.POST.getlist("customers") if value.isdigit()]
        chosen = permissions.visible(
            request.user, permissions.VIEW, Customer.objects.active().filter(pk__in=ids)
        )
        try:
            added = _invite(event, list(chosen), request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)s customers added to the list.") % {"n": added})
            return redirect(event)
    uninvited = Customer.objects.active().for_list().exclude(invitations__event=event)
    form, page = find_customers(request, uninvited)
    return render(
        request,
        "visits/event_invite.html",
        {"event": event, "form": form, "page_obj": page, "customers": page.object_list},
    )


def _invite(event, customers, by) -> int:
    if not event.has_started:
        return services.invite_customers(event=event, customers=customers, by=by)
    for customer in customers:
        services.add_walk_in_guest(event=event, customer=customer, by=by)
    return len(customers)


@login_required
@require_POST
def invitation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = changeable(request, Invitation.objects.select_related("event"), pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.record_reply(
                invitation=invitation,
                reply=form.cleaned_data["reply"],
                guests=form.cleaned_data.get("guests"),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Reply recorded."))
    else:
        messages.error(request, _("Choose the reply."))
    return redirect(invitation.event)


@login_required
@require_POST
def invitation_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = changeable(request, Invitation.objects.select_related("event"), pk)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.record_attendance(
                invitation=invitation,
                attended=form.cleaned_data["attended"],
                bought=form.cleaned_data.get("bought", False),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Attendance recorded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(invitation.event)
