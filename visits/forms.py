"""Forms of the visits app. They parse and validate; visits.services and visits.followups write."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from archives.models import Status
from crm.models import EmploymentStatus, Project, User
from crm.roles import Role
from visits.models import (
    Channel,
    Event,
    Material,
    Outcome,
    QuestionKind,
    Questionnaire,
    Reply,
    SurveyChannel,
    VisitKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SCORES = [(str(n), str(n)) for n in range(1, 6)]


def text_area(rows: int = 3):
    return forms.Textarea(attrs={"rows": rows})


class ResultForm(forms.Form):
    """The one-tap result of a call: the pressed button is the outcome."""

    outcome = forms.ChoiceField(label=_("Result"), choices=Outcome.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=text_area(2))
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=[("", "—"), *SCORES],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    call_again_on = forms.DateField(label=_("Call again on"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.RESCHEDULED and not data.get("call_again_on"):
            self.add_error("call_again_on", _("Give the day to call again."))
        return data


class ScheduleForm(forms.Form):
    caller = forms.ModelChoiceField(label=_("Caller"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    channel = forms.ChoiceField(
        label=pgettext_lazy("contact channel", "By"), choices=Channel.choices
    )
    question = forms.CharField(label=_("What to ask"), max_length=300, widget=text_area(2))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caller"].queryset = (
            User.objects.filter(is_active=True, employment_status=EmploymentStatus.ACTIVE)
            .with_role(Role.SALES_CONSULTANT, Role.CUSTOMER_SERVICE, Role.SALES_MANAGER)
            .order_by("name")
        )


class FollowUpFilterForm(forms.Form):
    SCOPES = [("mine", _("My calls")), ("team", _("My team")), ("all", _("All I may see"))]
    WHEN = [
        ("today", _("Due now")),
        ("overdue", _("Overdue")),
        ("upcoming", _("Upcoming")),
        ("done", _("Done")),
        ("cancelled", _("Cancelled")),
    ]
    scope = forms.ChoiceField(label=_("Whose"), choices=SCOPES, required=False)
    when = forms.ChoiceField(label=_("Which"), choices=WHEN, required=False)
    q = forms.CharField(
        label=_("Customer"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or pinyin")}),
    )


class VisitPlanForm(forms.Form):
    planned_on = forms.DateField(label=_("Planned for"), widget=DATE)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, v) for k, v in VisitKind.choices if k in VisitKind.in_person()],
        initial=VisitKind.OUTBOUND_VISIT,
    )
    purpose = forms.CharField(label=_("Purpose"), widget=text_area(2))
    target = forms.CharField(
        label=_("Target"), widget=text_area(2), help_text=_("What the visit should achieve")
    )
    materials = forms.MultipleChoiceField(
        label=_("Materials to take"),
        choices=Material.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    materials_note = forms.CharField(label=_("Other materials"), required=False, max_length=200)


class VisitLogForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices)
    visited_at = forms.DateTimeField(label=_("When"), widget=DATETIME)
    needs = forms.CharField(label=_("Customer's needs"), required=False, widget=text_area())
    suggestions = forms.CharField(
        label=_("Opinions and suggestions"), required=False, widget=text_area(2)
    )
    objections = forms.CharField(label=_("Objections"), required=False, widget=text_area(2))
    responses = forms.CharField(
        label=_("Answers and handling"), required=False, widget=text_area(2)
    )
    customer_aspect = forms.CharField(
        label=_("Customer aspect"),
        required=False,
        widget=text_area(2),
        help_text=_("Service plan, needs, opinions; the effect of the visit"),
    )
    brand_aspect = forms.CharField(
        label=_("Brand aspect"),
        required=False,
        widget=text_area(2),
        help_text=_("Reactions to the brand and products, promotion done"),
    )
    market_aspect = forms.CharField(
        label=_("Market aspect"),
        required=False,
        widget=text_area(2),
        help_text=_("Local buyers, market environment, prices and stock"),
    )
    impressions = forms.CharField(
        label=_("Effect and impressions"), required=False, widget=text_area(2)
    )

    def clean_visited_at(self):
        value = self.cleaned_data["visited_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError(_("A visit cannot be logged before it happens."))
        return value


class CommitmentForm(forms.Form):
    description = forms.CharField(label=_("Commitment"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("description") and not data.get("due_on"):
            self.add_error("due_on", _("Give the date the commitment is due."))
        if data.get("due_on") and not data.get("description"):
            self.add_error("description", _("Describe the commitment."))
        return data


CommitmentFormSet = forms.formset_factory(CommitmentForm, extra=3, max_num=10)


class FulfilForm(forms.Form):
    fulfilled_on = forms.DateField(label=_("Fulfilled on"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Customer"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, pinyin, phone or archive no.")}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )


class SurveyStartForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=Questionnaire.objects.filter(is_active=True)
    )
    channel = forms.ChoiceField(
        label=pgettext_lazy("contact channel", "By"), choices=SurveyChannel.choices
    )


class AnswersForm(forms.Form):
    """One field per question of the questionnaire: a 1–5 score or free text."""

    def __init__(self, *args, questionnaire: Questionnaire, with_date: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questionnaire.questions.all())
        for question in self.questions:
            if question.kind == QuestionKind.SCORE:
                self.fields[f"q{question.pk}"] = forms.ChoiceField(
                    label=question.text, choices=SCORES, widget=forms.RadioSelect
                )
            else:
                self.fields[f"q{question.pk}"] = forms.CharField(
                    label=question.text, required=False, widget=text_area(2)
                )
        self.fields["comments"] = forms.CharField(
            label=_("Other remarks"), required=False, widget=text_area(2)
        )
        if with_date:
            self.fields["received_on"] = forms.DateField(
                label=_("Reply received on"), widget=DATE, initial=timezone.localdate
            )

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "project", "starts_at", "place", "description"]
        widgets = {"starts_at": DATETIME, "description": text_area(3)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(is_active=True)
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M"]


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(
        label=_("Reply"),
        choices=[(Reply.ACCEPTED, Reply.ACCEPTED.label), (Reply.DECLINED, Reply.DECLINED.label)],
    )
    guests = forms.IntegerField(label=_("Guests"), min_value=1, max_value=20, required=False)


class AttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("Attended"),
        choices=[("1", _("Came")), ("0", _("Did not come"))],
        coerce=lambda v: v == "1",
    )
    bought = forms.BooleanField(label=_("Bought at the event"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("bought") and not data.get("attended"):
            self.add_error("bought", _("Only a guest who came can have bought."))
        return data
