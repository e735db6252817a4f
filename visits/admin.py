"""The Django admin of the visits app: configuration only — follow-up plans and their steps,
who calls for each project, greeting texts and questionnaires."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from visits.models import (
    CallerAssignment,
    FollowUpPlan,
    FollowUpStep,
    GreetingTemplate,
    Question,
    Questionnaire,
)


class FollowUpStepInline(admin.TabularInline):
    model = FollowUpStep
    extra = 1
    fields = [
        "offset_days",
        "working_days",
        "window_days",
        "caller",
        "channel",
        "question_zh",
        "question_en",
    ]


@admin.register(FollowUpPlan)
class FollowUpPlanAdmin(SimpleHistoryAdmin):
    list_display = ["name_zh", "trigger", "project", "is_active", "escalate_after_days"]
    list_filter = ["trigger", "is_active", "project"]
    list_select_related = ["project"]
    inlines = [FollowUpStepInline]


@admin.register(CallerAssignment)
class CallerAssignmentAdmin(admin.ModelAdmin):
    list_display = ["project", "caller_kind", "user"]
    list_select_related = ["project", "user"]


@admin.register(GreetingTemplate)
class GreetingTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["occasion", "sms_text", "is_active"]
    list_filter = ["is_active"]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ["sort_order", "text_zh", "text_en", "kind"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(SimpleHistoryAdmin):
    list_display = ["title_zh", "is_active"]
    inlines = [QuestionInline]
