"""Every write of visits, commitments, surveys and events: one function per change, each one
transaction, history naming the user. Follow-ups have their own module (visits.followups)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archives import events
from archives.models import Customer, EventKind
from archives.services import touch_contact
from visits.followups import plan_for
from visits.models import (
    Answer,
    Commitment,
    CommitmentStatus,
    Event,
    Invitation,
    PlanStatus,
    QuestionKind,
    Questionnaire,
    Reply,
    Survey,
    SurveyChannel,
    SurveyStatus,
    VisitKind,
    VisitLog,
    VisitPlan,
)

LOG_TEXTS = (
    "needs",
    "suggestions",
    "objections",
    "responses",
    "customer_aspect",
    "brand_aspect",
    "market_aspect",
    "impressions",
)


def _stamp(instance, by, reason: str = ""):
    instance._history_user = by
    if reason:
        instance._change_reason = reason


# --- Visit plans and logs (R-VIS-01) --------------------------------------------------------


@transaction.atomic
def plan_visit(
    *,
    customer: Customer,
    visitor,
    planned_on: dt.date,
    purpose: str,
    target: str,
    by,
    kind: str = VisitKind.OUTBOUND_VISIT,
    materials=(),
    materials_note: str = "",
) -> VisitPlan:
    """拜访计划 (§2 第3条): purpose and target are required, materials are a checklist."""
    errors = {}
    if not purpose.strip():
        errors["purpose"] = _("State the purpose of the visit.")
    if not target.strip():
        errors["target"] = _("State what the visit should achieve.")
    if planned_on < timezone.localdate():
        errors["planned_on"] = _("A visit cannot be planned in the past.")
    if errors:
        raise ValidationError(errors)
    plan = VisitPlan(
        customer=customer,
        visitor=visitor,
        planned_on=planned_on,
        kind=kind,
        purpose=purpose.strip(),
        target=target.strip(),
        materials=list(materials),
        materials_note=materials_note.strip(),
        created_by=by,
    )
    _stamp(plan, by)
    plan.save()
    return plan


@transaction.atomic
def cancel_visit_plan(*, plan: VisitPlan, by, reason: str) -> VisitPlan:
    if plan.status != PlanStatus.PLANNED:
        raise ValidationError(_("Only a planned visit can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    plan.status = PlanStatus.CANCELLED
    _stamp(plan, by, reason.strip())
    plan.save(update_fields=["status"])
    return plan


@transaction.atomic
def log_visit(
    *,
    customer: Customer,
    by,
    kind: str,
    visited_at: dt.datetime | None = None,
    plan: VisitPlan | None = None,
    commitments=(),
    **texts,
) -> VisitLog:
    """拜访记录 (§2 第9–16条). Counts as contact for the protection period; an in-person
    visit starts the visit follow-up plan when the project has one switched on."""
    visited_at = visited_at or timezone.now()
    _check_log(customer, kind, visited_at, plan, texts, commitments)
    log = VisitLog(
        customer=customer,
        plan=plan,
        kind=kind,
        visited_at=visited_at,
        visitor=by,
        recorded_by=by,
        **{name: (texts.get(name) or "").strip() for name in LOG_TEXTS},
    )
    _stamp(log, by)
    log.save()
    if plan is not None:
        plan.status = PlanStatus.DONE
        _stamp(plan, by)
        plan.save(update_fields=["status"])
    for description, due_on, responsible in commitments:
        commitment = Commitment(
            visit_log=log,
            customer=customer,
            description=description.strip(),
            due_on=due_on,
            responsible=responsible or by,
        )
        _stamp(commitment, by)
        commitment.save()
    touch_contact(customer=customer, when=visited_at)
    if kind in VisitKind.in_person() and plan_for(EventKind.VISIT, customer.project):
        events.record_event(
            customer=customer,
            kind=EventKind.VISIT,
            occurred_on=timezone.localdate(visited_at),
            source_key=f"visits.visitlog:{log.pk}",
            label=log.get_kind_display(),
            by=by,
        )
    return log


def _check_log(customer, kind, visited_at, plan, texts, commitments) -> None:
    errors = {}
    if kind not in VisitKind.values:
        errors["kind"] = _("Choose how the customer was contacted.")
    if visited_at > timezone.now() + dt.timedelta(minutes=5):
        errors["visited_at"] = _("A visit cannot be logged before it happens.")
    if not any((texts.get(name) or "").strip() for name in LOG_TEXTS):
        errors["needs"] = _("Record at least the customer's needs or one of the three aspects.")
    if plan is not None and (plan.customer_id != customer.pk or plan.status != PlanStatus.PLANNED):
        errors["plan"] = _("This visit plan is not open for this customer.")
    visit_day = timezone.localdate(visited_at)
    for description, due_on, _responsible in commitments:
        if not description.strip():
            errors["commitments"] = _("Describe each commitment.")
        elif due_on is None or due_on < visit_day:
            errors["commitments"] = _("A commitment's due date cannot be before the visit.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def fulfil_commitment(
    *, commitment: Commitment, by, fulfilled_on: dt.date | None = None, note: str = ""
) -> Commitment:
    """Mark a promise kept; a return visit then falls due (§2 第16条, R-VIS-02)."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != CommitmentStatus.OPEN:
        raise ValidationError(_("This commitment is no longer open."))
    fulfilled_on = fulfilled_on or timezone.localdate()
    if fulfilled_on > timezone.localdate():
        raise ValidationError(
            {"fulfilled_on": _("A commitment cannot be fulfilled in the future.")}
        )
    commitment.status = CommitmentStatus.FULFILLED
    commitment.fulfilled_on = fulfilled_on
    commitment.fulfilled_by = by
    commitment.note = note.strip()[:200]
    _stamp(commitment, by, _("Commitment fulfilled"))
    commitment.save(update_fields=["status", "fulfilled_on", "fulfilled_by", "note"])
    events.record_event(
        customer=commitment.customer,
        kind=EventKind.COMMITMENT_FULFILLED,
        occurred_on=fulfilled_on,
        source_key=f"visits.commitment:{commitment.pk}",
        label=commitment.description,
        by=by,
    )
    return commitment


@transaction.atomic
def cancel_commitment(*, commitment: Commitment, by, reason: str) -> Commitment:
    if commitment.status != CommitmentStatus.OPEN:
        raise ValidationError(_("This commitment is no longer open."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    commitment.status = CommitmentStatus.CANCELLED
    commitment.note = reason.strip()[:200]
    _stamp(commitment, by, reason.strip())
    commitment.save(update_fields=["status", "note"])
    return commitment


# --- Satisfaction surveys (R-VIS-05) ---------------------------------------------------------


def _average(scores) -> Decimal | None:
    scores = [s for s in scores if s is not None]
    if not scores:
        return None
    return (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _save_answers(survey: Survey, answers: dict, comments: str) -> None:
    """answers: {question_pk: score or text}. Every score question needs a score 1–5."""
    questions = list(survey.questionnaire.questions.all())
    errors = {}
    rows = []
    for question in questions:
        value = answers.get(question.pk)
        if question.kind == QuestionKind.SCORE:
            if value in (None, ""):
                errors[f"q{question.pk}"] = _("Give a score from 1 to 5.")
                continue
            score = int(value)
            if not 1 <= score <= 5:
                errors[f"q{question.pk}"] = _("Give a score from 1 to 5.")
                continue
            rows.append(Answer(survey=survey, question=question, score=score))
        elif value:
            rows.append(Answer(survey=survey, question=question, text=str(value).strip()))
    if errors:
        raise ValidationError(errors)
    Answer.objects.bulk_create(rows)
    survey.average = _average([row.score for row in rows])
    survey.comments = comments.strip()


def _new_survey(questionnaire, customer, channel, by, status) -> Survey:
    if not questionnaire.is_active:
        raise ValidationError(_("This questionnaire is no longer in use."))
    return Survey(
        questionnaire=questionnaire,
        customer=customer,
        project=customer.project,
        consultant=customer.owner,
        channel=channel,
        status=status,
        conducted_by=by,
    )


@transaction.atomic
def record_phone_survey(
    *,
    questionnaire: Questionnaire,
    customer: Customer,
    by,
    answers: dict,
    comments: str = "",
    taken_on: dt.date | None = None,
) -> Survey:
    """致电询问满意程度 (§1 九大战术 6): asked and answered in one call."""
    survey = _new_survey(questionnaire, customer, SurveyChannel.PHONE, by, SurveyStatus.COMPLETED)
    survey.completed_on = taken_on or timezone.localdate()
    survey.save()
    _save_answers(survey, answers, comments)
    survey.save(update_fields=["average", "comments"])
    touch_contact(customer=customer)
    return survey


@transaction.atomic
def send_survey_letter(
    *, questionnaire: Questionnaire, customer: Customer, by, sent_on: dt.date | None = None
) -> Survey:
    """发信询问 (§1 九大战术 6): the letter is printed from the survey page and posted."""
    survey = _new_survey(questionnaire, customer, SurveyChannel.LETTER, by, SurveyStatus.SENT)
    survey.sent_on = sent_on or timezone.localdate()
    survey.save()
    return survey


@transaction.atomic
def record_survey_reply(
    *, survey: Survey, by, answers: dict, comments: str = "", received_on: dt.date | None = None
) -> Survey:
    survey = Survey.objects.select_for_update().select_related("questionnaire").get(pk=survey.pk)
    if survey.status != SurveyStatus.SENT:
        raise ValidationError(_("The reply to this survey has already been recorded."))
    received_on = received_on or timezone.localdate()
    if received_on < survey.sent_on:
        raise ValidationError({"received_on": _("A reply cannot arrive before the letter left.")})
    _save_answers(survey, answers, comments)
    survey.status = SurveyStatus.COMPLETED
    survey.completed_on = received_on
    survey.save(update_fields=["average", "comments", "status", "completed_on"])
    return survey


# --- Events and invitations (R-VIS-06) -------------------------------------------------------


@transaction.atomic
def save_event(*, by, event: Event | None = None, **fields) -> Event:
    event = event or Event(organizer=fields.pop("organizer", None) or by)
    for name, value in fields.items():
        setattr(event, name, value)
    _stamp(event, by)
    event.save()
    return event


@transaction.atomic
def invite_customers(*, event: Event, customers, by) -> int:
    """Put customers on the invitation list; those already on it stay as they are."""
    if event.has_started:
        raise ValidationError(_("The event has started: add walk-in guests at the door instead."))
    existing = set(event.invitations.values_list("customer_id", flat=True))
    added = 0
    for customer in customers:
        if customer.pk in existing:
            continue
        invitation = Invitation(event=event, customer=customer, invited_by=by)
        _stamp(invitation, by)
        invitation.save()
        added += 1
    return added


@transaction.atomic
def record_reply(
    *, invitation: Invitation, reply: str, by, guests: int | None = None
) -> Invitation:
    if reply not in (Reply.ACCEPTED, Reply.DECLINED):
        raise ValidationError({"reply": _("The reply is accepted or declined.")})
    if invitation.attended is not None:
        raise ValidationError(_("Attendance is recorded already."))
    invitation.reply = reply
    invitation.replied_at = timezone.now()
    if guests:
        invitation.guests = guests
    _stamp(invitation, by)
    invitation.save(update_fields=["reply", "replied_at", "guests"])
    return invitation


@transaction.atomic
def record_attendance(*, invitation: Invitation, attended: bool, bought: bool, by) -> Invitation:
    """Who came, and who bought (§13 顾客档案表). A guest who came without buying starts the
    non-buyers' plan (3 and 15 days); a buyer's plan starts when the deal is recorded."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("event", "customer")
        .get(pk=invitation.pk)
    )
    event = invitation.event
    if event.date > timezone.localdate():
        raise ValidationError(_("Attendance is recorded on the day of the event or after."))
    if invitation.attended is not None:
        raise ValidationError(_("Attendance is recorded already."))
    if bought and not attended:
        raise ValidationError({"bought": _("Only a guest who came can have bought.")})
    invitation.attended = attended
    invitation.bought = bought
    invitation.attendance_by = by
    invitation.attendance_at = timezone.now()
    _stamp(invitation, by)
    invitation.save(update_fields=["attended", "bought", "attendance_by", "attendance_at"])
    if attended:
        touch_contact(customer=invitation.customer, when=min(event.starts_at, timezone.now()))
    if attended and not bought:
        events.record_event(
            customer=invitation.customer,
            kind=EventKind.EVENT_NOT_BOUGHT,
            occurred_on=event.date,
            source_key=f"visits.invitation:{invitation.pk}",
            label=event.title,
            by=by,
            project=event.project,
        )
    return invitation


@transaction.atomic
def add_walk_in_guest(*, event: Event, customer: Customer, by) -> Invitation:
    """A customer who came without an invitation: on the list, accepted, ready for attendance."""
    invitation, created = Invitation.objects.get_or_create(
        event=event,
        customer=customer,
        defaults={"invited_by": by, "reply": Reply.ACCEPTED, "replied_at": timezone.now()},
    )
    if not created:
        raise ValidationError(_("This customer is on the invitation list already."))
    return invitation


# --- Staff handover (R-ARC-12) ---------------------------------------------------------------


@transaction.atomic
def reassign_visit_plans(*, pks, to_user, by) -> int:
    """Planned visits pass to the successor; each change is kept in the plan's history."""
    moved = 0
    for plan in VisitPlan.objects.filter(pk__in=list(pks), status=PlanStatus.PLANNED):
        if plan.visitor_id == to_user.pk:
            continue
        plan.visitor = to_user
        _stamp(plan, by, _("Handed over to %(name)s") % {"name": to_user})
        plan.save(update_fields=["visitor"])
        moved += 1
    return moved


@transaction.atomic
def reassign_commitments(*, pks, to_user, by) -> int:
    moved = 0
    for commitment in Commitment.objects.filter(pk__in=list(pks), status=CommitmentStatus.OPEN):
        if commitment.responsible_id == to_user.pk:
            continue
        commitment.responsible = to_user
        _stamp(commitment, by, _("Handed over to %(name)s") % {"name": to_user})
        commitment.save(update_fields=["responsible"])
        moved += 1
    return moved
