"""Forms of the complaints app. They parse and validate; complaints.services writes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from archives.forms import check_document
from archives.models import Customer
from complaints.models import (
    Category,
    Channel,
    ConfirmationKind,
    Delivery,
    Kind,
    Opinion,
    ReplyMethod,
    Severity,
)
from crm import permissions, signatures
from crm.models import Department, Unit, User
from crm.phones import normalize_phone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def visible_customers(user):
    return permissions.visible(user, permissions.VIEW, Customer.objects.active())


def _units():
    return Unit.objects.with_location().order_by(
        "floor__building__project__name", "floor__building__sort_order", "-floor__number", "number"
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name or obj.username}" + (f" · {obj.department}" if obj.department_id else "")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class IntakeForm(forms.Form):
    """One phone-friendly form: who, what, how serious — in under a minute (R-CMP-01)."""

    channel = forms.ChoiceField(
        label=_("Received"),
        choices=Channel.choices,
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Kind.choices, initial=Kind.COMPLAINT, widget=forms.RadioSelect
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.none(), required=False
    )
    caller_name = forms.CharField(label=_("Caller's name"), max_length=50, required=False)
    caller_phone = forms.CharField(
        label=_("Caller's phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices])
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Severity.choices,
        initial=Severity.GENERAL,
        widget=forms.RadioSelect,
        help_text=_(
            "A major complaint is reported to the department head and the general manager at once."
        ),
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    description = forms.CharField(
        label=_("What the customer says"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In the customer's own words; let them finish (听清楚)."),
    )
    department = forms.ModelChoiceField(
        label=_("Responsible department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        help_text=_("Forwarded to this department, whose head is told."),
    )
    concerned_staff = StaffChoiceField(
        label=_("Staff member concerned"), queryset=User.objects.none(), required=False
    )
    letter_received_on = forms.DateField(label=_("Letter received on"), required=False, widget=DATE)
    letter_sender = forms.CharField(label=_("Sender"), max_length=100, required=False)
    letter_delivery = forms.ChoiceField(
        label=_("Delivered"), choices=Delivery.choices, initial=Delivery.BY_HAND, required=False
    )
    letter_pages = forms.IntegerField(
        label=_("Number of pages"), min_value=1, initial=1, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = visible_customers(user)
        self.fields["unit"].queryset = _units()
        self.fields["concerned_staff"].queryset = (
            User.objects.working().select_related("department").order_by("department", "name")
        )
        self.fields["letter_received_on"].initial = timezone.localdate

    def clean_caller_phone(self):
        value = self.cleaned_data["caller_phone"]
        return normalize_phone(value) if value else ""

    def clean(self):
        data = super().clean()
        anonymous = not (data.get("caller_name") and data.get("caller_phone"))
        if not data.get("customer") and anonymous and not self.has_error("caller_phone"):
            self.add_error(
                "caller_name", _("Choose the customer, or give the caller's name and phone.")
            )
        if data.get("channel") == Channel.WRITTEN:
            received = data.get("letter_received_on")
            if received and received > timezone.localdate():
                self.add_error("letter_received_on", _("A letter cannot arrive in the future."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {
            name: data[name]
            for name in (
                "channel",
                "kind",
                "customer",
                "caller_name",
                "caller_phone",
                "unit",
                "category",
                "severity",
                "subject",
                "description",
                "department",
                "concerned_staff",
            )
        }
        if data["channel"] == Channel.WRITTEN:
            arguments["letter"] = {
                "received_on": data.get("letter_received_on"),
                "sender": data.get("letter_sender", ""),
                "delivery": data.get("letter_delivery", ""),
                "pages": data.get("letter_pages") or 1,
            }
        return arguments


class StepForm(forms.Form):
    text = forms.CharField(label=_("Record"), widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(StepForm):
    text = forms.CharField(label=_("The answer given"), widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.ChoiceField(
        label=_("How it was given"), choices=ReplyMethod.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if complaint is not None and complaint.is_written:
            self.fields["method"].initial = ReplyMethod.WRITTEN
            self.fields["method"].help_text = _("A written complaint is answered in writing.")


class FollowForm(StepForm):
    text = forms.CharField(label=_("Actions taken"), widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ModelChoiceField(
        label=_("Forward to department"),
        queryset=Department.objects.order_by("name"),
        required=False,
    )
    refer_to_head = forms.BooleanField(
        label=_("Beyond the department's authority: refer to its head"), required=False
    )
    promised_reply_at = forms.DateTimeField(
        label=_("Reply time promised to the customer"), required=False, widget=DATETIME
    )
    told_via = forms.ChoiceField(
        label=_("Customer told by"),
        choices=[("", "—"), *ReplyMethod.choices],
        required=False,
    )

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if complaint is not None and complaint.department_id:
            self.fields["department"].initial = complaint.department_id

    def clean(self):
        data = super().clean()
        if data.get("refer_to_head"):
            if not data.get("promised_reply_at"):
                self.add_error(
                    "promised_reply_at", _("Give the reply time promised to the customer.")
                )
            elif data["promised_reply_at"] <= timezone.now():
                self.add_error("promised_reply_at", _("The promised reply time is in the past."))
            if not data.get("told_via"):
                self.add_error("told_via", _("Say how the customer was told of the reply time."))
        return data


class CloseForm(forms.Form):
    """记清楚: outcome, the customer's opinion, and their confirmation (R-CMP-04)."""

    outcome = forms.CharField(
        label=pgettext_lazy("complaint", "Outcome"), widget=forms.Textarea(attrs={"rows": 3})
    )
    opinion = forms.ChoiceField(
        label=_("Customer's opinion"), choices=Opinion.choices, widget=forms.RadioSelect
    )
    confirmation = forms.ChoiceField(
        label=_("Customer's confirmation"),
        choices=ConfirmationKind.choices,
        initial=ConfirmationKind.SIGNATURE,
        widget=forms.RadioSelect,
    )
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    form_file = forms.FileField(
        label=_("Returned form"),
        required=False,
        help_text=_("Scan or photo: PDF, JPG, PNG or WebP, at most 10 MB"),
    )
    note = forms.CharField(
        label=pgettext_lazy("complaint", "What the customer said"),
        max_length=200,
        required=False,
        help_text=_("For a confirmation by phone."),
    )

    def __init__(self, *args, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if complaint is not None and complaint.is_written:
            # A letter is confirmed on paper or by signature, not by phone (§11 二(三)).
            self.fields["confirmation"].choices = [
                (value, label)
                for value, label in ConfirmationKind.choices
                if value != ConfirmationKind.PHONE
            ]

    def clean_signature(self) -> bytes:
        data = self.cleaned_data["signature"]
        return signatures.clean_signature(data) if data else b""

    def clean_form_file(self):
        upload = self.cleaned_data["form_file"]
        return check_document(upload) if upload else None


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=200)


class ReclassifyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    concerned_staff = StaffChoiceField(
        label=_("Staff member concerned"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerned_staff"].queryset = (
            User.objects.working().select_related("department").order_by("department", "name")
        )


class LinkForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = visible_customers(user)


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("No., subject, name or phone")}
        ),
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("All")), *Severity.choices]
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Department.objects.order_by("name"),
        empty_label=_("All"),
    )


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def clean_month(self):
        value = self.cleaned_data["month"]
        if not value:
            today = timezone.localdate()
            return today.year, today.month
        try:
            year, month = (int(part) for part in value.split("-"))
        except ValueError:
            raise ValidationError(_("Give the month as YYYY-MM.")) from None
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise ValidationError(_("Give the month as YYYY-MM."))
        return year, month
