"""Visits and follow-ups: visit plans and logs with commitments, follow-up plans and the
follow-ups they schedule, greetings, satisfaction surveys and events. One module per subject;
all exported here."""

from visits.models.events import Event, EventType, Invitation, Reply
from visits.models.followups import (
    CallerAssignment,
    CallerKind,
    Channel,
    FollowUp,
    FollowUpKind,
    FollowUpPlan,
    FollowUpQuerySet,
    FollowUpRecord,
    FollowUpStatus,
    FollowUpStep,
    Outcome,
    RecordAction,
    SweepState,
)
from visits.models.greetings import (
    Greeting,
    GreetingChannel,
    GreetingRun,
    GreetingTemplate,
    Occasion,
)
from visits.models.surveys import (
    Answer,
    Question,
    QuestionKind,
    Questionnaire,
    Survey,
    SurveyChannel,
    SurveyStatus,
)
from visits.models.visits import (
    Commitment,
    CommitmentStatus,
    Material,
    PlanStatus,
    VisitKind,
    VisitLog,
    VisitPlan,
)

__all__ = [
    "Answer",
    "CallerAssignment",
    "CallerKind",
    "Channel",
    "Commitment",
    "CommitmentStatus",
    "Event",
    "EventType",
    "FollowUp",
    "FollowUpKind",
    "FollowUpPlan",
    "FollowUpQuerySet",
    "FollowUpRecord",
    "FollowUpStatus",
    "FollowUpStep",
    "Greeting",
    "GreetingChannel",
    "GreetingRun",
    "GreetingTemplate",
    "Invitation",
    "Material",
    "Occasion",
    "Outcome",
    "PlanStatus",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "RecordAction",
    "Reply",
    "Survey",
    "SurveyChannel",
    "SurveyStatus",
    "SweepState",
    "VisitKind",
    "VisitLog",
    "VisitPlan",
]
