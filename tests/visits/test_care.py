"""Satisfaction surveys (R-VIS-05) and events with invitations (R-VIS-06)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from archives.models import EventKind
from visits import reports, services
from visits.models import (
    Event,
    FollowUp,
    Questionnaire,
    Reply,
    Survey,
    SurveyStatus,
    VisitLog,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire():
    return Questionnaire.objects.get()


def _answers(questionnaire, scores, text="希望增加社区活动"):
    answers, scores = {}, iter(scores)
    for question in questionnaire.questions.all():
        answers[question.pk] = next(scores) if question.kind == "score" else text
    return answers


def test_a_phone_survey_scores_the_customer_and_their_consultant(
    freeze, customer, owner, service, questionnaire
):
    """R-VIS-05: asked by phone, scored 1–5; the average is kept with the consultant."""
    freeze(2026, 5, 10)
    survey = services.record_phone_survey(
        questionnaire=questionnaire,
        customer=customer,
        by=service,
        answers=_answers(questionnaire, [5, 4, 4, 3, 5]),
    )
    assert (survey.status, survey.average, survey.consultant) == (
        SurveyStatus.COMPLETED,
        Decimal("4.20"),
        owner,
    )
    assert survey.answers.filter(text="希望增加社区活动").exists()


def test_a_survey_without_all_scores_is_refused_and_nothing_saved(
    freeze, customer, service, questionnaire
):
    freeze(2026, 5, 10)
    with pytest.raises(ValidationError):
        services.record_phone_survey(
            questionnaire=questionnaire,
            customer=customer,
            by=service,
            answers=_answers(questionnaire, [5, 4, None, 3, 7]),
        )
    assert not Survey.objects.exists()


def test_a_letter_survey_is_sent_then_its_reply_recorded(freeze, customer, service, questionnaire):
    """R-VIS-05: 发信 — sent, printed, and completed when the reply comes back."""
    freeze(2026, 5, 10)
    survey = services.send_survey_letter(questionnaire=questionnaire, customer=customer, by=service)
    assert survey.status == SurveyStatus.SENT and survey.average is None
    freeze(2026, 5, 20)
    with pytest.raises(ValidationError):
        services.record_survey_reply(
            survey=survey,
            by=service,
            answers=_answers(questionnaire, [5] * 5),
            received_on=dt.date(2026, 5, 1),
        )
    services.record_survey_reply(
        survey=survey, by=service, answers=_answers(questionnaire, [2, 3, 4, 5, 1])
    )
    survey.refresh_from_db()
    assert (survey.status, survey.completed_on, survey.average) == (
        SurveyStatus.COMPLETED,
        dt.date(2026, 5, 20),
        Decimal("3.00"),
    )


def test_scores_add_up_per_customer_consultant_and_project(
    freeze, make_customer, owner, colleague, service, questionnaire
):
    """R-VIS-05: the report shows scores per customer, per consultant and per project."""
    freeze(2026, 5, 10)
    mine = make_customer(owner=owner, name="王丽华")
    theirs = make_customer(owner=colleague, name="周杰")
    for customer, scores in ((mine, [5] * 5), (mine, [3] * 5), (theirs, [2] * 5)):
        services.record_phone_survey(
            questionnaire=questionnaire,
            customer=customer,
            by=service,
            answers=_answers(questionnaire, scores),
        )
    figures = reports.satisfaction(
        Survey.objects.all(), FollowUp.objects.all(), dt.date(2026, 5, 1), dt.date(2026, 5, 31)
    )
    by_consultant = {row["consultant__name"]: row["score"] for row in figures["consultant"]}
    assert by_consultant == {"张伟": Decimal("4"), "李娜": Decimal("2")}
    assert [(row["project__name"], row["n"]) for row in figures["project"]] == [
        ("雪球·锦绣华庭", 3)
    ]
    by_customer = {row["customer__name"]: row["score"] for row in figures["customer"]}
    assert by_customer == {"王丽华": Decimal("4"), "周杰": Decimal("2")}


@pytest.fixture
def party(customer, manager):
    return services.save_event(
        by=manager,
        kind="cocktail",
        title="锦绣华庭业主答谢酒会",
        project=customer.project,
        starts_at=timezone.make_aware(dt.datetime(2026, 6, 20, 18)),
        place="售楼处宴会厅",
    )


def test_invitations_replies_and_attendance_start_the_non_buyers_plan(
    freeze, party, customer, make_customer, owner, manager
):
    """R-VIS-06: invitation list, replies, attendance; a guest who came without buying gets the
    3- and 15-day calls (§13), one who bought or did not come gets none from the event."""
    freeze(2026, 6, 1)
    buyer = make_customer(owner=owner, name="陈晓明")
    absent = make_customer(owner=owner, name="刘志强")
    assert (
        services.invite_customers(event=party, customers=[customer, buyer, absent], by=owner) == 3
    )
    assert services.invite_customers(event=party, customers=[customer], by=owner) == 0
    invitations = {i.customer_id: i for i in party.invitations.all()}
    services.record_reply(invitation=invitations[customer.pk], reply=Reply.ACCEPTED, by=owner)
    with pytest.raises(ValidationError):
        services.record_attendance(
            invitation=invitations[customer.pk], attended=True, bought=False, by=manager
        )
    freeze(2026, 6, 20, 21)
    services.record_attendance(
        invitation=invitations[customer.pk], attended=True, bought=False, by=manager
    )
    services.record_attendance(
        invitation=invitations[buyer.pk], attended=True, bought=True, by=manager
    )
    services.record_attendance(
        invitation=invitations[absent.pk], attended=False, bought=False, by=manager
    )
    calls = FollowUp.objects.order_by("due_on")
    assert [(c.customer_id, c.due_on) for c in calls] == [
        (customer.pk, dt.date(2026, 6, 23)),
        (customer.pk, dt.date(2026, 7, 5)),
    ]
    assert calls[0].event.kind == EventKind.EVENT_NOT_BOUGHT
    with pytest.raises(ValidationError):
        services.record_attendance(
            invitation=invitations[customer.pk], attended=True, bought=False, by=manager
        )


def test_after_the_start_guests_are_added_at_the_door(freeze, party, customer, manager):
    freeze(2026, 6, 20, 19)
    with pytest.raises(ValidationError):
        services.invite_customers(event=party, customers=[customer], by=manager)
    invitation = services.add_walk_in_guest(event=party, customer=customer, by=manager)
    assert invitation.reply == Reply.ACCEPTED
    assert Event.objects.get().invitations.count() == 1


def test_visit_counts_by_kind(freeze, customer, owner):
    """Reports: visits by kind over the period."""
    freeze(2026, 5, 10, 15)
    for kind in ("walk_in", "walk_in", "incoming_call"):
        services.log_visit(customer=customer, by=owner, kind=kind, needs="看房")
    counts = dict(reports.visits_by_kind(VisitLog.objects.all(), dt.date(2026, 5, 1)))
    assert (counts["来访"], counts["来电"], counts["上门拜访"]) == (2, 1, 0)
