"""URL sweep routes of visits (see tests/access/sweep.py for Public / Staff / Private).

Every object hangs off the confidential archive w.customer and is the owner's work (caller,
visitor, responsible, the one who invites); events are organised by the manager. By
visits/rules.py the owner (the worker, the customer's owner) and the manager (head of the
department the work is done in) may see it; a colleague may not (the archive is confidential),
nor a consultant of another department. Events themselves are open to all event staff (a
company event has no customer), so their pages are Staff pages — which must not show the
invitation of 沈秘书 to those who may not see it.
"""

import datetime as dt

from django.utils import timezone

from tests.access.sweep import Private, Route, Staff
from visits import followups, services
from visits.models import (
    EventType,
    FollowUp,
    Greeting,
    GreetingChannel,
    Occasion,
    Questionnaire,
    VisitKind,
)


def _today() -> dt.date:
    return timezone.localdate()


def follow_up(w):
    """A call the owner agreed with 沈秘书 for today."""
    return w.once(
        "follow_up",
        lambda: followups.schedule_follow_up(
            customer=w.customer,
            caller=w.owner,
            due_on=_today(),
            question="了解装修进度",
            by=w.owner,
        ),
    )


def overdue_follow_up(w):
    """A call ten days overdue: it stands in the report's overdue figures and lists."""

    def make():
        call = followups.schedule_follow_up(
            customer=w.customer, caller=w.owner, due_on=_today(), question="催交资料", by=w.owner
        )
        past = _today() - dt.timedelta(days=10)
        FollowUp.objects.filter(pk=call.pk).update(
            due_on=past, call_on=past, escalate_on=past + dt.timedelta(days=3)
        )
        return call

    return w.once("overdue_follow_up", make)


def visit_log(w):
    """The owner's visit to 沈秘书, with one open commitment."""
    return w.once(
        "visit_log",
        lambda: services.log_visit(
            customer=w.customer,
            by=w.owner,
            kind=VisitKind.OUTBOUND_VISIT,
            visited_at=timezone.now() - dt.timedelta(hours=2),
            needs="想换大一点的房子",
            commitments=[("寄送户型图", _today() + dt.timedelta(days=3), None)],
        ),
    )


def commitment(w):
    return w.once("commitment", lambda: visit_log(w).commitments.get())


def plan(w):
    return w.once(
        "plan",
        lambda: services.plan_visit(
            customer=w.customer,
            visitor=w.owner,
            planned_on=_today() + dt.timedelta(days=2),
            purpose="介绍新楼盘",
            target="约看样板间",
            by=w.owner,
        ),
    )


def questionnaire(w):
    return w.once("questionnaire", lambda: Questionnaire.objects.filter(is_active=True).first())


def letter_survey(w):
    """A satisfaction survey posted to 沈秘书, its reply still to come."""
    return w.once(
        "letter_survey",
        lambda: services.send_survey_letter(
            questionnaire=questionnaire(w), customer=w.customer, by=w.owner
        ),
    )


def phone_survey(w):
    """A survey answered on the phone: 沈秘书's scores stand in the report."""

    def make():
        q = questionnaire(w)
        answers = {
            question.pk: 5 if question.kind == "score" else "很好" for question in q.questions.all()
        }
        return services.record_phone_survey(
            questionnaire=q, customer=w.customer, by=w.owner, answers=answers
        )

    return w.once("phone_survey", make)


def answers(w) -> dict:
    return {
        f"q{question.pk}": "4" if question.kind == "score" else "满意"
        for question in questionnaire(w).questions.all()
    }


def greeting(w):
    """A birthday greeting sent to 沈秘书 today, and her (an important customer's) birthday
    tomorrow: both the sent list and the coming week name her — to those who may see her."""

    def make():
        tomorrow = _today() + dt.timedelta(days=1)
        born = tomorrow.replace(year=1972)  # a leap year, should tomorrow be 29 February
        type(w.customer).objects.filter(pk=w.customer.pk).update(is_important=True, birth_date=born)
        return Greeting.objects.create(
            customer=w.customer,
            occasion=Occasion.BIRTHDAY,
            on_date=_today(),
            channel=GreetingChannel.CALL,
            text="沈女士生日快乐",
        )

    return w.once("greeting", make)


def event_fields(w) -> dict:
    starts = timezone.localtime() + dt.timedelta(days=7)
    return {
        "kind": EventType.COCKTAIL,
        "title": "业主答谢酒会",
        "project": w.project,
        "starts_at": starts.replace(second=0, microsecond=0),
        "place": "会所",
        "description": "",
    }


def event(w):
    """The manager's cocktail party, 沈秘书 invited by the owner."""

    def make():
        party = services.save_event(by=w.manager, **event_fields(w))
        services.invite_customers(event=party, customers=[w.customer], by=w.owner)
        return party

    return w.once("event", make)


def bare_event(w):
    """A site tour nobody is invited to yet: inviting 沈秘书 to it would be a change."""
    return w.once(
        "bare_event",
        lambda: services.save_event(
            by=w.manager, **{**event_fields(w), "kind": EventType.SITE_TOUR, "title": "工地开放日"}
        ),
    )


def invitation(w):
    return w.once("invitation", lambda: event(w).invitations.get(customer=w.customer))


def event_form(w) -> dict:
    fields = event_fields(w)
    return {
        **fields,
        "title": "改名的酒会",
        "project": w.project.pk,
        "starts_at": f"{timezone.localtime(fields['starts_at']):%Y-%m-%dT%H:%M}",
    }


def CUSTOMER(w):
    return {"customer_pk": w.customer.pk}


def lists(*makers):
    """A list page with the given objects of 沈秘书 in the database, its widest scope asked."""

    def kwargs(w):
        for make in makers:
            make(w)
        return {}

    return kwargs


ROUTES: dict[str, Route] = {
    # Follow-ups
    "visits:followup_list": Staff(
        lists(follow_up, overdue_follow_up), data=lambda w: {"scope": "all", "when": "today"}
    ),
    "visits:followup_detail": Private(lambda w: {"pk": follow_up(w).pk}),
    "visits:followup_result": Private(
        lambda w: {"pk": follow_up(w).pk},
        data=lambda w: {"outcome": "reached", "notes": "装修已完成", "satisfaction": "5"},
    ),
    "visits:followup_new": Private(
        CUSTOMER,
        data=lambda w: {
            "caller": w.owner.pk,
            "due_on": f"{_today():%Y-%m-%d}",
            "channel": "phone",
            "question": "了解入住感受",
        },
    ),
    # Customers
    "visits:customer_pick": Staff(data=lambda w: {"q": "沈", "for": "care"}),
    "visits:customer_care": Private(
        lambda w: {**lists(follow_up, visit_log, plan, letter_survey, event)(w), **CUSTOMER(w)}
    ),
    # Visit logs and commitments
    "visits:log_new": Private(
        CUSTOMER,
        data=lambda w: {
            "kind": VisitKind.OUTBOUND_VISIT,
            "visited_at": f"{timezone.localtime() - dt.timedelta(hours=1):%Y-%m-%dT%H:%M}",
            "needs": "关心学区",
            "c-TOTAL_FORMS": "1",
            "c-INITIAL_FORMS": "0",
            "c-MIN_NUM_FORMS": "0",
            "c-MAX_NUM_FORMS": "10",
            "c-0-description": "",
            "c-0-due_on": "",
        },
    ),
    "visits:log_list": Staff(lists(visit_log), data=lambda w: {"scope": "all"}),
    "visits:log_detail": Private(lambda w: {"pk": visit_log(w).pk}),
    "visits:commitment_fulfil": Private(
        lambda w: {"pk": commitment(w).pk},
        data=lambda w: {"fulfilled_on": f"{_today():%Y-%m-%d}", "note": "已寄出"},
    ),
    "visits:commitment_cancel": Private(
        lambda w: {"pk": commitment(w).pk}, data=lambda w: {"reason": "客户不需要了"}
    ),
    # Visit plans
    "visits:plan_new": Private(
        CUSTOMER,
        data=lambda w: {
            "planned_on": f"{_today() + dt.timedelta(days=1):%Y-%m-%d}",
            "kind": VisitKind.OUTBOUND_VISIT,
            "purpose": "送资料",
            "target": "约定签约时间",
        },
    ),
    "visits:plan_list": Staff(lists(plan), data=lambda w: {"scope": "all"}),
    "visits:plan_detail": Private(lambda w: {"pk": plan(w).pk}),
    "visits:plan_cancel": Private(lambda w: {"pk": plan(w).pk}, data=lambda w: {"reason": "改期"}),
    # Greetings and surveys
    "visits:greeting_list": Staff(lists(greeting)),
    "visits:survey_new": Private(
        CUSTOMER, data=lambda w: {"questionnaire": questionnaire(w).pk, "channel": "letter"}
    ),
    "visits:survey_list": Staff(lists(letter_survey, phone_survey)),
    "visits:survey_detail": Private(lambda w: {"pk": letter_survey(w).pk}),
    "visits:survey_reply": Private(
        lambda w: {"pk": letter_survey(w).pk},
        data=lambda w: {**answers(w), "received_on": f"{_today():%Y-%m-%d}"},
    ),
    "visits:survey_print": Private(lambda w: {"pk": letter_survey(w).pk}),
    # Events: open to event staff; the invitation of 沈秘书 is not
    "visits:event_list": Staff(lists(event)),
    "visits:event_new": Staff(data=event_form),
    "visits:event_detail": Staff(lambda w: {"pk": event(w).pk}),
    "visits:event_edit": Staff(lambda w: {"pk": event(w).pk}, data=event_form),
    "visits:event_invite": Staff(
        lambda w: {"pk": bare_event(w).pk}, data=lambda w: {"customers": [w.customer.pk]}
    ),
    "visits:invitation_reply": Private(
        lambda w: {"pk": invitation(w).pk}, data=lambda w: {"reply": "accepted", "guests": "2"}
    ),
    "visits:invitation_attendance": Private(
        lambda w: {"pk": invitation(w).pk}, data=lambda w: {"attended": "0"}
    ),
    # The report: figures of the rows each may see, the overdue list among them
    "visits:reports": Staff(lists(overdue_follow_up, visit_log, phone_survey)),
}
