"""The visits app's menu entries, dashboard panels, timeline entries and handover sources."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives import timeline
from archives.models import CustomerPhone
from crm import dashboard, handover, navigation
from crm.navigation import NavItem
from crm.roles import Role, roles_of
from visits import followups, greetings, services
from visits.models import (
    Commitment,
    CommitmentStatus,
    FollowUp,
    FollowUpRecord,
    FollowUpStatus,
    Greeting,
    GreetingChannel,
    Invitation,
    PlanStatus,
    RecordAction,
    Survey,
    SurveyStatus,
    VisitLog,
    VisitPlan,
)
from visits.rules import covers_everything, managed_departments

CALLERS = frozenset({Role.SALES_CONSULTANT, Role.CUSTOMER_SERVICE})
WORKERS = frozenset({*CALLERS, Role.SALES_MANAGER, Role.GENERAL_MANAGER})
MANAGERS = frozenset({Role.SALES_MANAGER, Role.GENERAL_MANAGER})

navigation.register(
    NavItem("visits", _("Follow-ups"), "visits:followup_list", roles=WORKERS, order=15),
    NavItem(
        "visit_reports",
        _("Follow-up reports"),
        "visits:reports",
        roles=frozenset({*MANAGERS, Role.CUSTOMER_SERVICE}),
        order=85,
    ),
)


def with_phone(queryset):
    """The customer's primary phone, for a tap-to-call link (one subquery, no query per row)."""
    primary = CustomerPhone.objects.filter(customer=OuterRef("customer_id")).order_by(
        "-is_primary", "pk"
    )
    return queryset.annotate(customer_phone=Subquery(primary.values("number")[:1]))


def todays_calls(user, today: dt.date):
    calls = FollowUp.objects.on_list(today).filter(caller=user).for_list()
    return with_phone(calls).overdue_first(today)


# --- Dashboard ------------------------------------------------------------------------------


def _today_panel(request):
    user = request.user
    today = timezone.localdate()
    calls = list(todays_calls(user, today)[:50])
    if not calls and not roles_of(user) & CALLERS:
        return None
    commitments = (
        Commitment.objects.open()
        .filter(responsible=user, due_on__lte=today + dt.timedelta(days=3))
        .select_related("customer")
        .order_by("due_on")[:10]
    )
    plans = (
        VisitPlan.objects.open()
        .filter(visitor=user, planned_on__lte=today + dt.timedelta(days=1))
        .select_related("customer")[:10]
    )
    return {
        "calls": calls,
        "overdue": sum(1 for call in calls if call.due_on < today),
        "today": today,
        "commitments": list(commitments),
        "plans": list(plans),
    }


def _greetings_panel(request):
    user = request.user
    customers = greetings.audience().filter(Q(owner=user) | Q(co_owners=user)).distinct()
    today = timezone.localdate()
    coming = [o for o in greetings.upcoming(customers, start=today, days=7) if o.customer]
    return {"coming": coming[:8], "today": today}


def _team_panel(request):
    user = request.user
    today = timezone.localdate()
    team = FollowUp.objects.all()
    if not covers_everything(user):
        departments = managed_departments(user)
        if not departments:
            return None
        team = team.filter(caller__department_id__in=departments)
    month_start = today.replace(day=1)
    counts = team.aggregate(
        due_today=Count("pk", filter=Q(status=FollowUpStatus.OPEN, call_on__lte=today)),
        overdue=Count("pk", filter=Q(status=FollowUpStatus.OPEN, due_on__lt=today)),
        escalated=Count("pk", filter=Q(status=FollowUpStatus.OPEN, escalated_at__isnull=False)),
        month_due=Count("pk", filter=Q(due_on__gte=month_start, due_on__lte=today)),
        month_done=Count(
            "pk", filter=Q(due_on__gte=month_start, due_on__lte=today, status=FollowUpStatus.DONE)
        ),
    )
    worst = team.overdue(today).select_related("customer", "caller").order_by("due_on", "pk")[:6]
    return {"counts": counts, "worst": list(worst), "today": today}


dashboard.register(
    dashboard.Panel(
        "visits.today",
        _("Today's calls"),
        "visits/panels/today.html",
        _today_panel,
        roles=WORKERS,
        order=1,
        wide=True,
    )
)
dashboard.register(
    dashboard.Panel(
        "visits.team",
        _("Team follow-ups"),
        "visits/panels/team.html",
        _team_panel,
        roles=frozenset({*MANAGERS, Role.CUSTOMER_SERVICE}),
        order=15,
        superuser=True,
    )
)
dashboard.register(
    dashboard.Panel(
        "visits.greetings",
        _("Birthdays and festivals"),
        "visits/panels/greetings.html",
        _greetings_panel,
        roles=frozenset({Role.SALES_CONSULTANT}),
        order=30,
    )
)


# --- Timeline -------------------------------------------------------------------------------

BADGE = _("Visits")


def _visit_entries(customer, user):
    for log in VisitLog.objects.filter(customer=customer).select_related("visitor"):
        yield timeline.Entry(
            when=log.visited_at,
            kind="visit",
            title=str(_("Visit log: %(kind)s") % {"kind": log.get_kind_display()}),
            detail=log.summary,
            url=log.get_absolute_url(),
            actor=str(log.visitor),
            badge=str(BADGE),
        )


def _follow_up_entries(customer, user):
    records = FollowUpRecord.objects.filter(
        follow_up__customer=customer, action=RecordAction.RESULT
    ).select_related("by", "follow_up")
    for record in records:
        title = _("Follow-up call: %(outcome)s") % {"outcome": record.get_outcome_display()}
        if record.satisfaction:
            title = _("Follow-up call: %(outcome)s, satisfaction %(score)s/5") % {
                "outcome": record.get_outcome_display(),
                "score": record.satisfaction,
            }
        yield timeline.Entry(
            when=record.at,
            kind="followup",
            title=str(title),
            detail=record.notes or record.follow_up.question,
            url=record.follow_up.get_absolute_url(),
            actor=str(record.by) if record.by_id else "",
            badge=str(BADGE),
        )


def _commitment_entries(customer, user):
    done = Commitment.objects.filter(customer=customer, status=CommitmentStatus.FULFILLED)
    for commitment in done.select_related("fulfilled_by", "visit_log"):
        yield timeline.Entry(
            when=timeline.as_datetime(commitment.fulfilled_on),
            kind="commitment",
            title=str(_("Commitment fulfilled: %(what)s") % {"what": commitment.description}),
            detail=commitment.note,
            url=commitment.visit_log.get_absolute_url(),
            actor=str(commitment.fulfilled_by) if commitment.fulfilled_by_id else "",
            badge=str(BADGE),
        )


def _greeting_entries(customer, user):
    for greeting in Greeting.objects.filter(customer=customer).select_related("family_member"):
        channel = greeting.get_channel_display()
        if greeting.family_member_id:
            title = _("Greeting (%(channel)s): %(occasion)s of %(name)s") % {
                "channel": channel,
                "occasion": greeting.get_occasion_display(),
                "name": greeting.family_member.name,
            }
        else:
            title = _("Greeting (%(channel)s): %(occasion)s") % {
                "channel": channel,
                "occasion": greeting.get_occasion_display(),
            }
        yield timeline.Entry(
            when=greeting.created_at,
            kind="greeting",
            title=str(title),
            detail=greeting.text if greeting.channel == GreetingChannel.SMS else "",
            badge=str(BADGE),
        )


def _survey_entries(customer, user):
    done = Survey.objects.filter(customer=customer, status=SurveyStatus.COMPLETED)
    for survey in done.select_related("conducted_by"):
        yield timeline.Entry(
            when=timeline.as_datetime(survey.completed_on),
            kind="survey",
            title=str(
                _("Satisfaction survey (%(channel)s): average %(score)s")
                % {"channel": survey.get_channel_display(), "score": survey.average or "—"}
            ),
            detail=survey.comments,
            url=survey.get_absolute_url(),
            actor=str(survey.conducted_by),
            badge=str(BADGE),
        )


def _event_entries(customer, user):
    attended = Invitation.objects.filter(customer=customer, attended=True).select_related("event")
    for invitation in attended:
        yield timeline.Entry(
            when=invitation.event.starts_at,
            kind="event",
            title=str(
                _("Attended %(kind)s: %(title)s")
                % {"kind": invitation.event.get_kind_display(), "title": invitation.event.title}
            ),
            detail=str(_("Bought at the event")) if invitation.bought else "",
            url=invitation.event.get_absolute_url(),
            badge=str(BADGE),
        )


for _source in (
    _visit_entries,
    _follow_up_entries,
    _commitment_entries,
    _greeting_entries,
    _survey_entries,
    _event_entries,
):
    timeline.register_customer_source(_source)


# --- Staff handover (R-ARC-12) ---------------------------------------------------------------


def _open_follow_ups(user):
    rows = FollowUp.objects.open().filter(caller=user).select_related("customer")
    return [
        handover.HandoverItem(
            source="visits.followups",
            pk=row.pk,
            label=f"{row.customer.name} · {row.due_on:%Y-%m-%d}",
            url=row.get_absolute_url(),
            detail=row.question,
        )
        for row in rows.order_by("due_on", "pk")
    ]


def _transfer_follow_ups(items, to_user, by) -> int:
    return followups.reassign_follow_ups(pks=[item.pk for item in items], to_user=to_user, by=by)


def _open_visit_plans(user):
    rows = VisitPlan.objects.filter(visitor=user, status=PlanStatus.PLANNED).select_related(
        "customer"
    )
    return [
        handover.HandoverItem(
            source="visits.plans",
            pk=row.pk,
            label=f"{row.customer.name} · {row.planned_on:%Y-%m-%d}",
            url=row.get_absolute_url(),
            detail=row.purpose,
        )
        for row in rows
    ]


def _transfer_visit_plans(items, to_user, by) -> int:
    return services.reassign_visit_plans(pks=[i.pk for i in items], to_user=to_user, by=by)


def _open_commitments(user):
    rows = Commitment.objects.open().filter(responsible=user).select_related("customer")
    return [
        handover.HandoverItem(
            source="visits.commitments",
            pk=row.pk,
            label=f"{row.customer.name} · {row.description}",
            url=reverse("visits:log_detail", args=[row.visit_log_id]),
            detail=str(row.due_on),
        )
        for row in rows
    ]


def _transfer_commitments(items, to_user, by) -> int:
    return services.reassign_commitments(pks=[i.pk for i in items], to_user=to_user, by=by)


handover.register(
    handover.HandoverSource(
        "visits.followups", _("Follow-up calls"), _open_follow_ups, _transfer_follow_ups, order=20
    )
)
handover.register(
    handover.HandoverSource(
        "visits.plans", _("Visit plans"), _open_visit_plans, _transfer_visit_plans, order=21
    )
)
handover.register(
    handover.HandoverSource(
        "visits.commitments",
        _("Commitments to customers"),
        _open_commitments,
        _transfer_commitments,
        order=22,
    )
)
